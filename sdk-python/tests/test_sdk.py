"""The Python SDK against a real ``wrangler dev`` of the app.

Run through ``npm run test:sdk-python`` (scripts/sdk-python-test.mjs), which starts
the server on a free port with migrations applied, sets DHANAM_BASE_URL and
DHANAM_TEST_JWT_SECRET, runs ``python3 -m unittest`` and stops the server.
Transports below only observe, or lose a response after the server handled it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import threading
import time
import unittest
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlparse

from dhanam._operations import OPERATIONS
from dhanam import (
    AuthenticationError,
    DhanamAPI,
    DhanamError,
    DhanamNetworkError,
    NotFoundError,
    RateLimitError,
    ValidationError,
    urllib_transport,
)

BASE_URL = os.environ.get("DHANAM_BASE_URL", "")
JWT_SECRET = os.environ.get("DHANAM_TEST_JWT_SECRET", "")
PASSWORD = "correct horse battery"
_ips = itertools.count(1)
_ip_prefix = uuid.uuid4().int % 200 + 20  # a fresh /16 per run, so reruns against one server do not share limits


def next_ip() -> str:
    n = next(_ips)
    return f"10.{_ip_prefix}.{n // 256}.{n % 256}"


def unique_email() -> str:
    return f"py-{uuid.uuid4().hex[:12]}@example.com"


class Recorder:
    """A transport that passes through to urllib and records each exchange."""

    def __init__(self) -> None:
        self.seen: List[Dict[str, Any]] = []
        self.lock = threading.Lock()

    def __call__(self, method: str, url: str, headers: Dict[str, str], body: Optional[bytes], timeout: float) -> Tuple[int, Dict[str, str], bytes]:
        status, res_headers, raw = urllib_transport(method, url, headers, body, timeout)
        with self.lock:
            self.seen.append(
                {
                    "method": method,
                    "path": urlparse(url).path,
                    "query": urlparse(url).query,
                    "status": status,
                    "idempotency_key": headers.get("Idempotency-Key"),
                    "authorization": headers.get("Authorization"),
                    "replayed": res_headers.get("idempotency-replayed"),
                    "retry_after": res_headers.get("retry-after"),
                    "at": time.monotonic(),
                }
            )
        return status, res_headers, raw

    def where(self, method: Optional[str] = None, path: Optional[str] = None) -> List[Dict[str, Any]]:
        return [s for s in self.seen if (method is None or s["method"] == method) and (path is None or s["path"] == path)]


def client(ip: str, recorder: Optional[Recorder] = None, **kwargs: Any) -> DhanamAPI:
    return DhanamAPI(base_url=BASE_URL, headers={"CF-Connecting-IP": ip}, transport=recorder or Recorder(), **kwargs)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(token: str) -> Dict[str, Any]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def mint_access_token(sub: str, sid: str, secret: str, issued_at: float) -> str:
    """An HS256 access token shaped like the app's (15-minute lifetime from ``issued_at``)."""
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    iat = int(issued_at)
    payload = b64url(json.dumps({"sid": sid, "typ": "access", "lng": "en", "sub": sub, "iss": "dhanam-ledger", "aud": "dhanam-api", "iat": iat, "exp": iat + 900}).encode())
    sig = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(sig)}"


def registered() -> Tuple[str, str, DhanamAPI]:
    ip, email = next_ip(), unique_email()
    api = client(ip)
    api.auth.register(name="Py User", email=email, password=PASSWORD)
    return ip, email, api


class SdkTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if not BASE_URL or not JWT_SECRET:
            raise RuntimeError("Run through `npm run test:sdk-python` (it sets DHANAM_BASE_URL and DHANAM_TEST_JWT_SECRET)")


class ScriptedSessionTest(SdkTestCase):
    def test_register_login_space_account_transactions_and_pagination(self) -> None:
        ip, email = next_ip(), unique_email()
        rec = Recorder()
        anon = client(ip, rec)
        self.assertEqual(anon.health()["status"], "ok")
        reg = anon.auth.register(name="Ana", email=email, password=PASSWORD)
        self.assertEqual(reg["user"]["email"], email)

        dhanam = DhanamAPI.login(email, PASSWORD, base_url=BASE_URL, headers={"CF-Connecting-IP": ip}, transport=rec)
        self.assertTrue(dhanam.tokens and dhanam.tokens["access_token"])
        self.assertEqual(dhanam.auth.me()["email"], email)

        space = dhanam.spaces.create(name="Household", type="personal", currency="USD")
        self.assertIn(space["id"], [s["id"] for s in dhanam.spaces.list()])

        account = dhanam.accounts.create(space_id=space["id"], name="Checking", type="checking", currency="USD", opening_balance=Decimal("1000.00"))
        self.assertEqual(account["balanceDecimal"], "1000.00")
        self.assertRegex(rec.where("POST", "/v1/accounts")[0]["idempotency_key"], r"^[0-9a-f-]{36}$")

        created = []
        for i in range(1, 8):
            tx = dhanam.transactions.create(
                space_id=space["id"], account_id=account["id"], amount=Decimal(f"-{i}0.25"), description=f"Groceries {i}", date=f"2026-01-0{i}"
            )
            self.assertEqual(tx["amountDecimal"], f"-{i}0.25")
            created.append(tx["id"])
        keys = [s["idempotency_key"] for s in rec.where("POST", "/v1/transactions")]
        self.assertEqual(len(set(keys)), 7)

        page = dhanam.transactions.list(space_id=space["id"], limit=3)
        self.assertEqual(len(page["transactions"]), 3)
        self.assertEqual(page["pagination"]["limit"], 3)
        self.assertTrue(page["pagination"]["hasMore"])
        total = page["pagination"]["total"]
        self.assertGreaterEqual(total, 7)

        before = len(rec.seen)
        everything = list(dhanam.transactions.iterate(space_id=space["id"], limit=3))
        self.assertEqual(len(everything), total)
        self.assertEqual(len({t["id"] for t in everything}), total)
        for tx_id in created:
            self.assertIn(tx_id, [t["id"] for t in everything])
        pages = [s for s in rec.seen[before:] if s["path"] == "/v1/transactions"]
        self.assertEqual(len(pages), -(-total // 3))
        self.assertIn("spaceId=", pages[0]["query"])
        self.assertEqual(len(list(dhanam.transactions.iterate(space_id=space["id"], limit=2, max_items=5))), 5)

        ledger = list(dhanam.ledger.iterate_transactions(space["id"], page_size=2))
        self.assertGreaterEqual(len(ledger), 8)
        self.assertEqual(len({t["txid"] for t in ledger}), len(ledger))

        with self.assertRaises(NotFoundError) as missing:
            dhanam.transactions.get("txn_doesnotexist")
        self.assertEqual((missing.exception.status, missing.exception.code), (404, "RESOURCE_NOT_FOUND"))
        self.assertTrue(missing.exception.request_id and missing.exception.request_id.startswith("req_"))

        with self.assertRaises(ValidationError) as invalid:
            dhanam.transactions.create(space_id=space["id"], account_id=account["id"], amount="1.234", description="x", date="2026-01-09")
        self.assertEqual(invalid.exception.code, "VALIDATION_FAILED")
        self.assertIn("amount", [d["field"] for d in invalid.exception.details])

        dhanam.auth.logout()
        self.assertIsNone(dhanam.tokens)


class PasswordAndSessionsTest(SdkTestCase):
    def test_sessions_listed_one_ended_and_a_password_change_ends_the_rest(self) -> None:
        ip, email, api = registered()
        laptop = DhanamAPI.login(email, PASSWORD, base_url=BASE_URL, headers={"CF-Connecting-IP": ip})
        phone = DhanamAPI.login(email, PASSWORD, base_url=BASE_URL, headers={"CF-Connecting-IP": ip})
        page = api.auth.sessions(limit=10)
        self.assertEqual(len(page["sessions"]), 3)
        self.assertEqual([s["current"] for s in page["sessions"]].count(True), 1)
        api.auth.end_session(claims(phone.tokens["access_token"])["sid"])
        with self.assertRaises(DhanamError) as ended:
            phone.auth.me()
        self.assertEqual(ended.exception.status, 401)
        changed = api.auth.change_password(current_password=PASSWORD, new_password="a new horse battery")
        self.assertEqual(changed["revokedSessions"], 1)
        with self.assertRaises(DhanamError):
            laptop.auth.me()
        self.assertEqual(api.auth.me()["email"], email)
        self.assertEqual([s["current"] for s in api.auth.sessions()["sessions"]], [True])


class RefreshTest(SdkTestCase):
    def test_expired_access_token_refreshes_once_for_many_threads(self) -> None:
        ip, email, _ = registered()
        login = DhanamAPI.login(email, PASSWORD, base_url=BASE_URL, headers={"CF-Connecting-IP": ip})
        c = claims(login.tokens["access_token"])
        old_refresh = login.tokens["refresh_token"]
        expired = mint_access_token(c["sub"], c["sid"], JWT_SECRET, time.time() - 3600)

        rec = Recorder()
        persisted: List[str] = []
        dhanam = client(ip, rec, access_token=expired, refresh_token=old_refresh, on_tokens=lambda t: persisted.append(t["refresh_token"]))
        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(lambda _: dhanam.spaces.list(), range(6)))
        self.assertTrue(all(isinstance(r, list) for r in results))
        self.assertEqual(len(rec.where("POST", "/v1/auth/refresh")), 1)
        spaces_calls = rec.where("GET", "/v1/spaces")
        self.assertEqual(len(spaces_calls), 6)
        self.assertTrue(all(s["status"] == 200 and s["authorization"] != f"Bearer {expired}" for s in spaces_calls))
        self.assertEqual(len(persisted), 1)
        self.assertNotEqual(dhanam.tokens["refresh_token"], old_refresh)

    def test_401_refreshes_once_and_retries_every_rejected_call(self) -> None:
        ip, email, _ = registered()
        login = DhanamAPI.login(email, PASSWORD, base_url=BASE_URL, headers={"CF-Connecting-IP": ip})
        c = claims(login.tokens["access_token"])
        # Unexpired by its own claims but refused by the server (wrong key): only the 401 tells.
        refused = mint_access_token(c["sub"], c["sid"], "some-other-secret-0123456789abcdefghijkl", time.time())
        rec = Recorder()
        dhanam = client(ip, rec, access_token=refused, refresh_token=login.tokens["refresh_token"])
        with ThreadPoolExecutor(max_workers=5) as pool:
            results = list(pool.map(lambda _: dhanam.auth.me(), range(5)))
        self.assertTrue(all(r["email"] == email for r in results))
        me = rec.where("GET", "/v1/auth/me")
        self.assertGreaterEqual(len([s for s in me if s["status"] == 401]), 1)
        self.assertEqual(len([s for s in me if s["status"] == 200]), 5)
        self.assertEqual(len(rec.where("POST", "/v1/auth/refresh")), 1)

    def test_refused_refresh_is_a_typed_401_for_every_waiting_call(self) -> None:
        ip = next_ip()
        dhanam = client(ip, access_token="not-a-jwt", refresh_token="rt_revoked")
        errors: List[BaseException] = []

        def call() -> None:
            try:
                dhanam.spaces.list()
            except DhanamError as err:
                errors.append(err)

        threads = [threading.Thread(target=call) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(errors), 3)
        for err in errors:
            self.assertIsInstance(err, AuthenticationError)
            self.assertEqual(err.code, "UNAUTHORIZED")
        self.assertEqual(dhanam.http.refresh_count, 1)
        # The refused refresh token is forgotten: the next call fails without presenting it again.
        self.assertIsNone((dhanam.tokens or {}).get("refresh_token"))
        with self.assertRaises(AuthenticationError):
            dhanam.spaces.list()
        self.assertEqual(dhanam.http.refresh_count, 1)


class IdempotentRetryTest(SdkTestCase):
    def test_lost_response_is_retried_with_the_same_key_and_creates_one_transaction(self) -> None:
        ip, _, owner = registered()
        space = owner.spaces.create(name="Retry", type="personal", currency="USD")
        account = owner.accounts.create(space_id=space["id"], name="Cash", type="checking", currency="USD", opening_balance="100")

        rec = Recorder()
        dropped = []

        def flaky(method: str, url: str, headers: Dict[str, str], body: Optional[bytes], timeout: float) -> Tuple[int, Dict[str, str], bytes]:
            res = rec(method, url, headers, body, timeout)  # the server handles it...
            if method == "POST" and urlparse(url).path == "/v1/transactions" and not dropped:
                dropped.append(True)
                raise ConnectionResetError("connection reset by peer")  # ...and the answer is lost
            return res

        dhanam = DhanamAPI(access_token=owner.tokens["access_token"], base_url=BASE_URL, headers={"CF-Connecting-IP": ip}, transport=flaky, retry_base_delay=0.01)
        tx = dhanam.transactions.create(space_id=space["id"], account_id=account["id"], amount="-12.34", description="Lost reply", date="2026-02-01")
        posts = rec.where("POST", "/v1/transactions")
        self.assertEqual([p["status"] for p in posts], [201, 201])
        self.assertEqual(posts[1]["replayed"], "true")
        self.assertTrue(posts[0]["idempotency_key"])
        self.assertEqual(posts[0]["idempotency_key"], posts[1]["idempotency_key"])
        found = dhanam.transactions.list(space_id=space["id"], search="Lost reply")
        self.assertEqual([t["id"] for t in found["transactions"]], [tx["id"]])
        self.assertEqual(found["transactions"][0]["amountDecimal"], "-12.34")

    def test_post_without_key_is_not_retried_after_a_network_error(self) -> None:
        ip, _, owner = registered()
        space = owner.spaces.create(name="NoRetry", type="personal", currency="USD")
        rec = Recorder()

        def flaky(method: str, url: str, headers: Dict[str, str], body: Optional[bytes], timeout: float) -> Tuple[int, Dict[str, str], bytes]:
            res = rec(method, url, headers, body, timeout)
            if method == "POST":
                raise ConnectionResetError("connection reset by peer")
            return res

        dhanam = DhanamAPI(access_token=owner.tokens["access_token"], base_url=BASE_URL, headers={"CF-Connecting-IP": ip}, transport=flaky, retry_base_delay=0.01)
        with self.assertRaises(DhanamNetworkError):
            dhanam.categories.create(space_id=space["id"], name="Once", type="expense")
        self.assertEqual(len(rec.where("POST")), 1)


class RateLimitTest(SdkTestCase):
    def exhaust_auth_policy(self, ip: str, email: str) -> None:
        setup = client(ip)
        setup.auth.register(name="Limited", email=email, password=PASSWORD)
        for _ in range(9):  # the auth policy: 10 a minute per IP, a token back every 6 s
            setup.auth.login(email=email, password=PASSWORD)

    def test_real_429_waits_retry_after_then_succeeds(self) -> None:
        ip, email = next_ip(), unique_email()
        self.exhaust_auth_policy(ip, email)
        rec = Recorder()
        started = time.monotonic()
        dhanam = DhanamAPI.login(email, PASSWORD, base_url=BASE_URL, headers={"CF-Connecting-IP": ip}, transport=rec)
        elapsed = time.monotonic() - started
        limited = [s for s in rec.seen if s["status"] == 429]
        self.assertEqual(len(limited), 1)
        retry_after = float(limited[0]["retry_after"])
        self.assertGreaterEqual(retry_after, 1)
        self.assertGreaterEqual(elapsed, retry_after - 0.05)
        self.assertEqual((rec.seen[-1]["path"], rec.seen[-1]["status"]), ("/v1/auth/login", 200))
        self.assertGreaterEqual(rec.seen[-1]["at"] - limited[0]["at"], retry_after - 0.05)
        self.assertTrue(dhanam.tokens["access_token"])

    def test_retry_after_beyond_max_retry_delay_fails_at_once(self) -> None:
        ip, email = next_ip(), unique_email()
        self.exhaust_auth_policy(ip, email)
        rec = Recorder()
        impatient = client(ip, rec, max_retry_delay=0.5)
        with self.assertRaises(RateLimitError) as limited:
            impatient.auth.login(email=email, password=PASSWORD)
        self.assertEqual((limited.exception.status, limited.exception.code), (429, "RATE_LIMIT_EXCEEDED"))
        self.assertGreaterEqual(limited.exception.retry_after or 0, 1)
        self.assertEqual(len(rec.seen), 1)


class OperationsTest(SdkTestCase):
    def test_generated_table_matches_the_served_document_and_call_reaches_it(self) -> None:
        with urllib.request.urlopen(f"{BASE_URL}/openapi.json", timeout=30) as res:
            doc = json.loads(res.read())
        served = {
            op["operationId"]: (method.upper(), path)
            for path, item in doc["paths"].items()
            for method, op in item.items()
            if isinstance(op, dict) and op.get("operationId") and method in ("get", "post", "put", "patch", "delete")
        }
        self.assertEqual(OPERATIONS, served)

        _, _, dhanam = registered()
        space = dhanam.spaces.create(name="ByName", type="personal", currency="USD")
        list_spaces = next((op for op, entry in OPERATIONS.items() if entry == ("GET", "/v1/spaces")), None)
        if list_spaces:
            self.assertIn(space["id"], [s["id"] for s in dhanam.call(list_spaces)])
        with self.assertRaises(ValueError):
            dhanam.call("no_such_operation")


class BookmarkTest(SdkTestCase):
    """Read-your-writes: the latest response's X-D1-Bookmark goes back on every request, as received."""

    @staticmethod
    def _observed(log: List[Tuple[Optional[str], Optional[str], int]]):
        def transport(method: str, url: str, headers: Dict[str, str], body: Optional[bytes], timeout: float):
            status, res_headers, raw = urllib_transport(method, url, headers, body, timeout)
            sent = next((v for k, v in headers.items() if k.lower() == "x-d1-bookmark"), None)
            log.append((sent, res_headers.get("x-d1-bookmark"), status))
            return status, res_headers, raw

        return transport

    def test_latest_bookmark_is_sent_back_and_opt_out_sends_none(self) -> None:
        ip, _, signed_up = registered()
        token = (signed_up.tokens or {})["access_token"]
        log: List[Tuple[Optional[str], Optional[str], int]] = []
        dhanam = DhanamAPI(base_url=BASE_URL, access_token=token, headers={"CF-Connecting-IP": ip}, transport=self._observed(log))
        space = dhanam.spaces.create(name="Bookmarks", type="personal", currency="USD")
        account = dhanam.accounts.create(space_id=space["id"], name="Checking", type="checking", currency="USD", opening_balance=10)
        dhanam.transactions.create(space_id=space["id"], account_id=account["id"], amount=Decimal("-1"), description="Coffee", date="2026-01-02")
        listed = dhanam.transactions.list(space_id=space["id"])
        self.assertIn("Coffee", [t["description"] for t in listed["transactions"]])
        self.assertIsNone(log[0][0])
        for before, after in zip(log, log[1:]):
            self.assertTrue(before[1])
            self.assertEqual(after[0], before[1])
        self.assertEqual(dhanam.bookmark, log[-1][1])

        off: List[Tuple[Optional[str], Optional[str], int]] = []
        quiet = DhanamAPI(base_url=BASE_URL, access_token=token, headers={"CF-Connecting-IP": ip}, transport=self._observed(off), bookmarks=False)
        quiet.spaces.list()
        quiet.spaces.list()
        self.assertEqual([e[0] for e in off], [None, None])
        self.assertIsNone(quiet.bookmark)

        # One the server does not take (a format it no longer makes) is dropped and the call sent again without it.
        stale_log: List[Tuple[Optional[str], Optional[str], int]] = []
        stale = DhanamAPI(base_url=BASE_URL, access_token=token, headers={"CF-Connecting-IP": ip}, transport=self._observed(stale_log), bookmark="from-an-older-deployment")
        self.assertIsInstance(stale.spaces.list(), list)
        self.assertEqual([(e[0], e[2]) for e in stale_log], [("from-an-older-deployment", 422), (None, 200)])
        self.assertEqual(stale.bookmark, stale_log[1][1])


class RegisterLocaleTest(SdkTestCase):
    def test_register_sends_no_locale_unless_given_so_accept_language_chooses(self) -> None:
        sent: List[Dict[str, Any]] = []

        def transport(method: str, url: str, headers: Dict[str, str], body: Optional[bytes], timeout: float):
            if body:
                sent.append(json.loads(body))
            return urllib_transport(method, url, headers, body, timeout)

        ip = next_ip()
        spanish = DhanamAPI(base_url=BASE_URL, headers={"CF-Connecting-IP": ip, "Accept-Language": "es-MX,es;q=0.9"}, transport=transport)
        user = spanish.auth.register(name="Ana", email=unique_email(), password=PASSWORD)["user"]
        self.assertNotIn("locale", sent[-1])
        self.assertEqual(user["locale"], "es")
        chosen = DhanamAPI(base_url=BASE_URL, headers={"CF-Connecting-IP": ip, "Accept-Language": "es"}, transport=transport)
        self.assertEqual(chosen.auth.register(name="Bo", email=unique_email(), password=PASSWORD, locale="pt")["user"]["locale"], "pt")
        self.assertEqual(sent[-1]["locale"], "pt")


class NamespacesTest(unittest.TestCase):
    """Static: needs no server."""

    def test_every_namespace_route_is_a_documented_operation_and_every_namespace_is_wired(self) -> None:
        import inspect
        import re

        from dhanam import resources

        documented = set(OPERATIONS.values())
        calls = []
        for name in resources.__all__:
            cls = getattr(resources, name)
            if inspect.isclass(cls) and issubclass(cls, resources.Resource) and cls is not resources.Resource:
                src = inspect.getsource(cls)
                calls += [(name, m, p) for m, p in re.findall(r'self\._call\(\s*"([A-Z]+)",\s*"([^"]+)"', src)]
        self.assertGreater(len(calls), 100)
        self.assertEqual([c for c in calls if (c[1], c[2]) not in documented], [])

        api = DhanamAPI(api_key="unused")
        wired = {type(v) for v in vars(api).values() if isinstance(v, resources.Resource)}
        namespaces = {getattr(resources, n) for n in resources.__all__ if inspect.isclass(getattr(resources, n)) and issubclass(getattr(resources, n), resources.Resource)}
        self.assertEqual(namespaces - {resources.Resource} - wired, set())


if __name__ == "__main__":
    unittest.main()


SANDBOX_ORIGIN = os.environ.get("DHANAM_SANDBOX_ORIGIN", "https://sandbox.dhanam.invalid")


class AreasTest(SdkTestCase):
    def test_assets_analytics_projections_webhooks_providers_households_and_life_beat(self) -> None:
        rec = Recorder()
        dhanam = client(next_ip(), rec)
        dhanam.auth.register(name="Areas", email=unique_email(), password=PASSWORD)
        space = dhanam.spaces.create(name="Areas", currency="USD")
        sid = space["id"]
        account = dhanam.accounts.create(space_id=sid, name="Checking", type="checking", currency="USD", opening_balance=Decimal("1500.25"))

        # Assets: one with a second valuation, paged one at a time.
        house = dhanam.assets.create(space_id=sid, name="House", type="real_estate", currency="USD", value=Decimal("250000.00"), valuation_date="2026-01-01")
        self.assertEqual(house["currentValueDecimal"], "250000.00")
        valuation = dhanam.assets.create_valuation(house["id"], value="260000.50", date="2026-02-01", notes="appraisal")
        self.assertEqual((valuation["valueDecimal"], valuation["date"]), ("260000.50", "2026-02-01"))
        car = dhanam.assets.create(space_id=sid, name="Car", type="vehicle", currency="USD", value="12000")
        self.assertEqual(dhanam.assets.get(house["id"])["currentValueDecimal"], "260000.50")
        page = dhanam.assets.list(space_id=sid, limit=1)
        self.assertEqual((page["pagination"]["total"], page["pagination"]["hasMore"]), (2, True))
        self.assertEqual(sorted(a["id"] for a in dhanam.assets.iterate(space_id=sid, limit=1)), sorted([house["id"], car["id"]]))
        self.assertEqual(sorted(v["valueDecimal"] for v in dhanam.assets.iterate_valuations(house["id"], limit=1)), ["250000.00", "260000.50"])

        # Analytics: the dashboard counts the account and both assets; the forecast starts from the balance.
        dash = dhanam.analytics.dashboard(space_id=sid)
        self.assertEqual((dash["currency"], dash["netWorth"]["currentDecimal"], dash["accounts"]["total"]), ("USD", "273500.75", 1))
        forecast = dhanam.analytics.forecast(space_id=sid)
        self.assertEqual([(a["accountId"], a["currentBalanceDecimal"]) for a in forecast["accounts"]], [(account["id"], "1500.25")])
        self.assertEqual(dhanam.analytics.recurring(space_id=sid)["series"], [])

        # Projections: a seeded custom run saved as a scenario, the same seed unsaved, listed and compared.
        inputs: Dict[str, Any] = {"years": 10, "scenarios": 200, "seed": 7, "starting_net_worth": 100000, "annual_contribution": 12000}
        run = dhanam.projections.create(space_id=sid, name="Base", **inputs)
        self.assertEqual(run["scenario"]["name"], "Base")
        self.assertEqual((run["projection"]["horizon"], run["projection"]["startingNetWorthDecimal"]), (10, "100000.00"))
        again = dhanam.projections.create(space_id=sid, save=False, **inputs)
        self.assertEqual(again["projection"]["outcomes"]["median"]["year10Decimal"], run["projection"]["outcomes"]["median"]["year10Decimal"])
        self.assertEqual([s["id"] for s in dhanam.projections.iterate_scenarios(space_id=sid, limit=1)], [run["scenario"]["id"]])
        # Life events are written in snake_case like every argument (they were sent as given: a 422).
        eventful = dhanam.projections.create(space_id=sid, save=False, **inputs, life_events=[{"year": 2, "type": "retirement", "income_change": Decimal("-100.00")}])
        self.assertEqual(eventful["projection"]["horizon"], 10)
        compared = dhanam.projections.compare(space_id=sid, scenario_ids=[run["scenario"]["id"]], seed=7)
        self.assertEqual([s["id"] for s in compared["scenarios"]], [run["scenario"]["id"]])

        # Webhooks: a subscription to the sandbox receiver, a test ping, its delivery; disable and re-enable.
        hook = dhanam.webhooks.create(space_id=sid, url=f"{SANDBOX_ORIGIN}/sandbox/webhook-receiver/py{uuid.uuid4().hex}", events=["transaction.created"])
        self.assertTrue(hook["secret"].startswith("whsec_"))
        ping = dhanam.webhooks.test(hook["id"])
        self.assertEqual((ping["event"], ping["status"], ping["responseStatus"]), ("webhook.test", "succeeded", 200))
        self.assertEqual([(d["id"], d["status"]) for d in dhanam.webhooks.iterate_deliveries(hook["id"])], [(ping["id"], "succeeded")])
        self.assertEqual([w["id"] for w in dhanam.webhooks.iterate(space_id=sid)], [hook["id"]])
        self.assertEqual(dhanam.webhooks.disable(hook["id"])["disabledReason"], "manual")
        enabled = dhanam.webhooks.enable(hook["id"])
        self.assertEqual((enabled["enabled"], enabled["disabledReason"]), (True, None))

        # Providers: a sandbox Bitso connection, then the space's connections and its sync job.
        self.assertEqual(dhanam.providers.list_connections(space_id=sid)["connections"], [])
        bitso = dhanam.providers.bitso_connect(space_id=sid, api_key=f"key-{uuid.uuid4()}", api_secret=f"secret-{uuid.uuid4()}")
        connections = dhanam.providers.list_connections(space_id=sid)["connections"]
        self.assertEqual([(c["id"], c["provider"]) for c in connections], [(bitso["connection"]["id"], "bitso")])
        job = dhanam.providers.job(bitso["jobId"])
        self.assertEqual((job["connectionId"], job["provider"]), (bitso["connection"]["id"], "bitso"))

        # Households and life beat.
        household = dhanam.households.create(name="Family", space_ids=[sid])
        self.assertEqual((household["spaceIds"], [m["role"] for m in household["members"]]), ([sid], ["owner"]))
        self.assertEqual([h["id"] for h in dhanam.households.list()], [household["id"]])
        beat = dhanam.life_beat.get(household_id=household["id"])
        self.assertEqual((beat["householdId"], beat["enabled"], beat["currentEscalationLevel"]), (household["id"], False, 0))
        on = dhanam.life_beat.update(household_id=household["id"], enabled=True, check_in_interval="weekly")
        self.assertEqual((on["enabled"], on["checkInInterval"]), (True, "weekly"))
        self.assertEqual(dhanam.life_beat.check_in(household_id=household["id"])["currentEscalationLevel"], 0)
        self.assertEqual(list(dhanam.life_beat.iterate_access_log(household_id=household["id"])), [])

        # Snake_case query keys went out camelCase; no write of these areas carried an Idempotency-Key.
        self.assertIn(f"householdId={household['id']}", rec.where("GET", "/v1/life-beat")[0]["query"])
        writes = [s for s in rec.seen if s["method"] != "GET" and s["path"] not in ("/v1/accounts", "/v1/auth/register")]
        self.assertGreater(len(writes), 10)
        self.assertEqual([s for s in writes if s["idempotency_key"]], [])

    def test_real_estate_collectibles_documents_recurring_rates_defi_gaming_esg_and_ledger(self) -> None:
        rec = Recorder()
        dhanam = client(next_ip(), rec)
        dhanam.auth.register(name="More", email=unique_email(), password=PASSWORD)
        sid = dhanam.spaces.create(name="More", currency="USD")["id"]
        address = {"address": "123 Main Street", "city": "San Francisco", "state": "CA", "zip_code": "94102"}

        self.assertEqual(dhanam.assets.real_estate_lookup(**address)["zestimateDecimal"], "875000.00")
        house = dhanam.assets.create(space_id=sid, name="House", type="real_estate", currency="USD", value="850000", address=address)
        self.assertEqual(house["address"]["zipCode"], "94102")  # nested snake_case keys went out camelCase
        self.assertEqual(dhanam.assets.zestimate(house["id"])["zestimate"], 875000)
        synced = dhanam.assets.sync_real_estate(house["id"])
        self.assertEqual((synced["previousValueDecimal"], synced["newValueDecimal"]), ("850000.00", "875000.00"))

        found = dhanam.assets.search_collectibles(category="sneaker", q="jordan 1 chicago", limit=5)
        self.assertEqual([(c["externalId"], c["currentMarketValueDecimal"]) for c in found], [("CW2288-111", "320.00")])
        shoe = dhanam.assets.create(space_id=sid, name="AJ1", type="collectible", currency="USD", value=300)
        self.assertTrue(dhanam.assets.link_collectible(shoe["id"], external_id="CW2288-111", provider="sneaks", category="sneaker")["success"])
        self.assertEqual(dhanam.assets.refresh_collectible(shoe["id"])["newValueDecimal"], "320.00")
        dhanam.assets.unlink_collectible(shoe["id"])
        self.assertIsNone(dhanam.assets.get(shoe["id"])["collectibleLink"])

        issued = dhanam.assets.document_upload_url(house["id"], filename="deed.pdf", content_type="application/pdf", category="deed")
        self.assertEqual(issued["method"], "PUT")
        docs = dhanam.assets.list_documents(house["id"])["documents"]
        self.assertEqual([(d["id"], d["filename"], d["status"]) for d in docs], [(issued["documentId"], "deed.pdf", "pending")])
        dhanam.assets.delete_document(house["id"], issued["documentId"])
        self.assertEqual(dhanam.assets.list_documents(house["id"])["documents"], [])

        # Recurring series: six monthly charges are detected; confirm, edit, dismiss and restore.
        checking = dhanam.accounts.create(space_id=sid, name="Checking", type="checking", currency="USD", opening_balance="500.00")
        today = time.gmtime()
        for k in range(6, 0, -1):
            year, month = divmod(today.tm_year * 12 + today.tm_mon - 1 - k, 12)
            dhanam.transactions.create(
                space_id=sid, account_id=checking["id"], amount="-15.99", date=f"{year:04d}-{month + 1:02d}-05", description="StreamFlix", merchant_name="StreamFlix"
            )
        series = dhanam.analytics.recurring(space_id=sid)["series"]
        self.assertEqual([(r["name"], r["cadence"], r["amountDecimal"], r["occurrences"]) for r in series], [("StreamFlix", "monthly", "-15.99", 6)])
        series_id = series[0]["id"]
        self.assertEqual(dhanam.analytics.confirm_recurring(series_id, space_id=sid)["status"], "confirmed")
        edited = dhanam.analytics.edit_recurring(series_id, space_id=sid, name="Streaming", amount=Decimal("-17.99"))
        self.assertEqual((edited["status"], edited["series"]["name"], edited["series"]["amountDecimal"]), ("edited", "Streaming", "-17.99"))
        self.assertEqual(dhanam.analytics.dismiss_recurring(series_id, space_id=sid)["status"], "dismissed")
        self.assertEqual(dhanam.analytics.recurring(space_id=sid)["dismissedCount"], 1)
        self.assertEqual([r["id"] for r in dhanam.analytics.recurring(space_id=sid, include_dismissed=True)["series"]], [series_id])
        self.assertEqual(dhanam.analytics.restore_recurring(series_id, space_id=sid)["status"], "detected")

        rate = dhanam.rates.get(base="USD", quote="MXN", date="2024-02-14")
        self.assertEqual((rate["base"], rate["quote"], rate["exact"], rate["derivation"]), ("USD", "MXN", True, "direct"))
        manual = dhanam.rates.set_manual(sid, [{"base": "USD", "quote": "MXN", "date": "2024-03-01", "rate": Decimal("17.05")}])
        self.assertEqual(manual, {"spaceId": sid, "updated": 1, "removed": 0})
        listed = dhanam.rates.list_manual(sid, from_="2024-03-01", to="2024-03-31")["rates"]
        self.assertEqual([(r["date"], r["rate"]) for r in listed], [("2024-03-01", "17.05")])

        # The ledger's batch, metadata and logs.
        def posting(source: str, destination: str, amount: int) -> Dict[str, Any]:
            return {"source": source, "destination": destination, "amount": amount, "asset": "USD/2"}

        batch = dhanam.ledger.batch_transactions(sid, {"transactions": [{"postings": [posting("world", "bank", 1000)]}, {"postings": [posting("bank", "shop", 250)]}]})
        self.assertEqual([t["postings"][0]["amount"] for t in batch["data"]], [1000, 250])
        self.assertRegex(rec.where("POST", f"/v1/spaces/{sid}/ledger/transactions/batch")[0]["idempotency_key"] or "", r"^[0-9a-f-]{36}$")
        txid = batch["data"][1]["txid"]
        dhanam.ledger.set_transaction_metadata(sid, txid, {"note": "sdk"})
        self.assertEqual(dhanam.ledger.get_transaction(sid, txid)["data"]["metadata"], {"note": "sdk"})
        dhanam.ledger.set_account_metadata(sid, "shop", {"kind": "merchant"})
        shop = dhanam.ledger.get_account(sid, "shop")["data"]
        self.assertEqual((shop["metadata"], shop["balances"]), ({"kind": "merchant"}, {"USD/2": 250}))
        logs = list(dhanam.ledger.iterate_logs(sid, page_size=1))
        self.assertGreaterEqual(len(logs), 4)
        self.assertEqual(len({log["id"] for log in logs}), len(logs))

        wallet = dhanam.defi.add_wallet(space_id=sid, address="0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", label="Main")
        self.assertEqual(wallet["wallet"]["address"], "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        self.assertEqual(len(dhanam.defi.positions(space_id=sid)["positions"]), wallet["sync"]["positions"])
        self.assertEqual([(r["walletId"], r["status"]) for r in dhanam.defi.sync(space_id=sid)["results"]], [(wallet["wallet"]["id"], "ok")])
        self.assertTrue(next(p for p in dhanam.gaming.platforms()["platforms"] if p["platform"] == "axie")["available"])
        self.assertEqual(dhanam.gaming.portfolio(space_id=sid)["spaceId"], sid)
        self.assertGreater(dhanam.esg.methodology()["dataset"]["assetCount"], 0)
        self.assertEqual(dhanam.esg.scores(space_id=sid)["spaceId"], sid)
        # The wallet is disconnected by name: its positions go with it.
        self.assertIsNone(dhanam.defi.remove_wallet(wallet["wallet"]["id"]))
        self.assertEqual(dhanam.defi.positions(space_id=sid)["positions"], [])
        with self.assertRaises(NotFoundError):
            dhanam.defi.remove_wallet(wallet["wallet"]["id"])
        # The chain's verification, whole or continued from a cursor (one the API did not issue is refused by name).
        verdict = dhanam.ledger.verify_logs(sid)["data"]
        self.assertEqual((verdict["valid"], verdict["hasMore"]), (True, False))
        self.assertEqual(dhanam.ledger.verify_all_logs(sid)["data"]["checked"], verdict["checked"])
        with self.assertRaises(ValidationError) as refused:
            dhanam.ledger.verify_logs(sid, cursor="not-a-cursor")
        self.assertIn("cursor", [d["field"] for d in refused.exception.details])
