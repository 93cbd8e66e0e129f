"""The request loop every resource goes through (standard library only).

- Bearer tokens with automatic refresh and rotation: one refresh at a time
  however many threads wait on it (a lock and the token each caller saw).
- Money-moving calls carry an ``Idempotency-Key`` (uuid4) reused on every retry.
- Retries: 429 always, after ``Retry-After`` (the API refuses a rate-limited
  write before doing any of its work); 503 and network errors only for
  idempotent calls (GET, PUT, DELETE, and POSTs with an Idempotency-Key);
  a 401 on an authenticated call once, after refreshing the token.
- Read-your-writes: the ``X-D1-Bookmark`` of the latest state seen is kept and
  sent back on every request (as received; of two, the later state, by the part
  before the first "."), so reads see this client's own writes on a read replica.
"""
from __future__ import annotations

import base64
import datetime
import http.client
import json
import random
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

from ._case import camelize
from .errors import DhanamError, DhanamNetworkError, error_from_response, parse_retry_after

#: ``(method, url, headers, body, timeout) -> (status, lower-cased headers, body bytes)``.
#: Raises OSError (urllib.error.URLError, ConnectionError, socket.timeout) or http.client.HTTPException (a body cut short)
#: when no whole answer arrives.
Transport = Callable[[str, str, Dict[str, str], Optional[bytes], float], Tuple[int, Dict[str, str], bytes]]
TokensCallback = Callable[[Dict[str, Any]], None]

#: The response header naming the database state a response saw or wrote; sent back as the request header of the same name.
BOOKMARK_HEADER = "X-D1-Bookmark"

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:  # never follow: an API answer is final
        return None


_opener = urllib.request.build_opener(_NoRedirect())


def urllib_transport(method: str, url: str, headers: Dict[str, str], body: Optional[bytes], timeout: float) -> Tuple[int, Dict[str, str], bytes]:
    """The default transport: urllib.request, with HTTP errors returned rather than raised."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with _opener.open(req, timeout=timeout) as res:
            return res.status, {k.lower(): v for k, v in res.headers.items()}, _read_whole(res, timeout)
    except urllib.error.HTTPError as err:
        try:
            data = _read_whole(err, timeout)
        finally:
            err.close()
        return err.code, {k.lower(): v for k, v in err.headers.items()}, data


def _read_whole(res: Any, timeout: float) -> bytes:
    """The body, whole within ``timeout`` seconds of its headers (0 or less: no limit).

    The socket's timeout bounds each read only, so a body that trickles a byte at a time would otherwise hold the call
    for ever; past the deadline it is a ``socket.timeout`` (a network error: retried only when the call is idempotent).
    """
    if not timeout or timeout <= 0:
        return res.read()
    deadline = time.monotonic() + timeout
    chunks = []
    while True:
        # read1: at most one read of the socket, so the deadline is looked at as bytes come.
        chunk = res.read1(65536)
        if not chunk:
            # Unlike read(), a chunk's read does not tell a body cut short (fewer bytes than its Content-Length).
            left = getattr(res, "length", None)
            if isinstance(left, int) and left > 0:
                raise http.client.IncompleteRead(b"".join(chunks), left)
            return b"".join(chunks)
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise socket.timeout(f"The answer did not arrive whole within {timeout:g} s")


def jwt_expiry(token: str) -> Optional[float]:
    """The ``exp`` claim of a JWT as epoch seconds, read without verifying (only to know when to refresh)."""
    parts = token.split(".")
    if len(parts) < 2:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, TypeError):
        return None
    exp = payload.get("exp") if isinstance(payload, dict) else None
    return float(exp) if isinstance(exp, (int, float)) else None


def _plain_decimal(value: Decimal) -> str:
    """A Decimal as the API's decimal string: positional, never exponent notation. ``str`` writes ``1E+2`` for
    ``Decimal(100).normalize()``, ``1.0E-7`` for ``Decimal("0.00000010")`` and ``0E-8`` for ``Decimal("0.00000000")``,
    which the API refuses (422 INVALID_AMOUNT); ``format(..., "f")`` writes ``100``, ``0.00000010``, ``0.00000000``."""
    return format(value, "f") if value.is_finite() else str(value)


def _iso(value: Any) -> str:
    """A date as ``YYYY-MM-DD``; a datetime at the API's millisecond precision. ``isoformat()`` writes microseconds
    (``datetime.now(timezone.utc)`` nearly always has some), which the API refuses (422 INVALID_DATE, "At most
    millisecond precision"), so the digits past the millisecond are dropped. A naive datetime stays naive: the API
    refuses a time without its offset, and guessing one here would move the day."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="milliseconds") if value.microsecond else value.isoformat()
    return value.isoformat()


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _plain_decimal(value)  # exact: the API takes decimal strings for amounts
    if hasattr(value, "isoformat"):
        return _iso(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _refuses_bookmark(raw: bytes) -> bool:
    """Whether a 422's body is the API refusing the request's X-D1-Bookmark (detail code INVALID_BOOKMARK)."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    if not isinstance(body, dict):
        return False
    error = body.get("error")
    details = error.get("details") if isinstance(error, dict) else body.get("errors")
    return isinstance(details, list) and any(isinstance(d, dict) and d.get("code") == "INVALID_BOOKMARK" for d in details)


QueryValue = Union[str, int, float, bool, None]


class HttpClient:
    def __init__(
        self,
        base_url: str = "http://localhost:8787",
        access_token: Optional[str] = None,
        refresh_token: Optional[str] = None,
        on_tokens: Optional[TokensCallback] = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        retry_base_delay: float = 0.25,
        max_retry_delay: float = 60.0,
        refresh_skew: float = 30.0,
        headers: Optional[Mapping[str, str]] = None,
        transport: Optional[Transport] = None,
        sleep: Callable[[float], None] = time.sleep,
        bookmarks: bool = True,
        bookmark: Optional[str] = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_base_delay = retry_base_delay
        self.max_retry_delay = max_retry_delay
        self.refresh_skew = refresh_skew
        self.default_headers: Dict[str, str] = dict(headers or {})
        self.transport: Transport = transport or urllib_transport
        self._sleep = sleep
        self._on_tokens = on_tokens
        self._lock = threading.Lock()  # guards the token fields
        self._refresh_lock = threading.Lock()  # one refresh at a time
        self._access_token: Optional[str] = access_token
        self._refresh_token: Optional[str] = refresh_token
        self._expires_at: Optional[float] = jwt_expiry(access_token) if access_token else (0.0 if refresh_token else None)
        self._failed_refresh: Optional[Tuple[Optional[str], DhanamError]] = None
        #: How many refreshes this client has sent.
        self.refresh_count = 0
        #: Whether requests send back the latest response's bookmark (read-your-writes).
        self.bookmarks = bookmarks
        self._bookmark: Optional[str] = bookmark or None

    # --- bookmarks --------------------------------------------------------------

    @property
    def bookmark(self) -> Optional[str]:
        """The ``X-D1-Bookmark`` of the latest response that carried one: what the next request sends."""
        with self._lock:
            return self._bookmark

    @bookmark.setter
    def bookmark(self, value: Optional[str]) -> None:
        with self._lock:
            self._bookmark = value or None

    def _note_bookmark(self, res_headers: Mapping[str, str]) -> None:
        # Kept as received, unless the one held names a later state (the part before the first "." sorts as the
        # states): responses of concurrent calls arrive in any order, and a read served before a write must not
        # replace the write's.
        value = res_headers.get(BOOKMARK_HEADER.lower())
        if value:
            with self._lock:
                if self._bookmark is None or value.split(".")[0] >= self._bookmark.split(".")[0]:
                    self._bookmark = value

    # --- tokens -----------------------------------------------------------------

    @property
    def tokens(self) -> Optional[Dict[str, Any]]:
        with self._lock:
            if self._access_token is None and self._refresh_token is None:
                return None
            return {"access_token": self._access_token, "refresh_token": self._refresh_token, "expires_at": self._expires_at}

    def set_tokens(self, tokens: Optional[Mapping[str, Any]]) -> None:
        """Takes an API ``tokens`` object (``accessToken``, ``refreshToken``, ``expiresIn``), or None to forget them."""
        with self._lock:
            if tokens is None:
                self._access_token = self._refresh_token = self._expires_at = None
                return
            self._access_token = str(tokens["accessToken"])
            if tokens.get("refreshToken"):
                self._refresh_token = str(tokens["refreshToken"])
            expires_in = tokens.get("expiresIn")
            self._expires_at = time.time() + float(expires_in) if expires_in is not None else jwt_expiry(self._access_token)
            self._failed_refresh = None
        if self._on_tokens:
            self._on_tokens(self.tokens or {})

    def refresh(self, stale: Optional[str] = None) -> None:
        """Exchanges the refresh token for a new pair. Threads that saw the same stale
        access token share one refresh: the first sends it, the rest find the token replaced
        (or the same failure) when they get the lock."""
        with self._refresh_lock:
            with self._lock:
                current, refresh_token, failed = self._access_token, self._refresh_token, self._failed_refresh
            if stale is not None and (current or "") != stale:
                return
            if failed is not None and failed[0] == current:
                raise failed[1]
            if not refresh_token:
                raise error_from_response(401, {}, b'{"error":{"code":"UNAUTHORIZED","message":"No refresh token: log in again"}}')
            self.refresh_count += 1
            try:
                res = self.request("POST", "/v1/auth/refresh", body={"refreshToken": refresh_token}, auth=False)
            except DhanamError as err:
                with self._lock:
                    self._failed_refresh = (current, err)
                    # A refused refresh token (used, expired, session revoked) will not work again.
                    if err.status == 401 and self._refresh_token == refresh_token:
                        self._refresh_token = None
                raise
            self.set_tokens(res["tokens"])

    def _current_access_token(self) -> Optional[str]:
        with self._lock:
            token, refresh_token, expires_at = self._access_token, self._refresh_token, self._expires_at
        if refresh_token and expires_at is not None and time.time() >= expires_at - self.refresh_skew:
            self.refresh(token or "")
            with self._lock:
                token = self._access_token
        return token or None

    # --- requests ---------------------------------------------------------------

    def build_url(self, path: str, path_params: Optional[Mapping[str, Any]] = None, query: Optional[Mapping[str, Any]] = None) -> str:
        def fill(name: str) -> str:
            value = (path_params or {}).get(name)
            if value is None or value == "":
                raise ValueError(f"Missing path parameter {name!r} for {path}")
            return urllib.parse.quote(str(value), safe="")

        out, i = [], 0
        while i < len(path):
            j = path.find("{", i)
            if j < 0:
                out.append(path[i:])
                break
            k = path.index("}", j)
            out.append(path[i:j])
            out.append(fill(path[j + 1 : k]))
            i = k + 1
        pairs = []
        for key, value in (query or {}).items():
            if value is None:
                continue
            for item in value if isinstance(value, (list, tuple)) else [value]:
                # Decimals and dates as in a body (str() writes 1E+2, and a datetime with a space, not a "T").
                text = _plain_decimal(item) if isinstance(item, Decimal) else _iso(item) if isinstance(item, (datetime.date, datetime.time)) else str(item)
                pairs.append((key, "true" if item is True else "false" if item is False else text))
        qs = urllib.parse.urlencode(pairs)
        return f"{self.base_url}{''.join(out)}" + (f"?{qs}" if qs else "")

    def _backoff(self, attempt: int) -> float:
        exp = self.retry_base_delay * (2**attempt)
        return min(self.max_retry_delay, exp / 2 + random.random() * exp / 2)

    def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Optional[Mapping[str, Any]] = None,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        idempotency_key: Union[bool, str, None] = None,
        auth: bool = True,
        headers: Optional[Mapping[str, str]] = None,
    ) -> Any:
        """Sends one API call; returns the parsed JSON (None for 204). ``path`` is a documented
        path whose ``{name}`` parts come from ``path_params``; ``query`` keys may be snake_case
        (sent camelCase, None values dropped). ``idempotency_key=True`` generates a key (uuid4)
        kept for every retry of this call; a string uses that key."""
        method = method.upper()
        query = camelize(query) if query else None
        key = str(uuid.uuid4()) if idempotency_key is True else (idempotency_key or None)
        retry_safe = method in IDEMPOTENT_METHODS or key is not None
        url = self.build_url(path, path_params, query)
        data = None if body is None else json.dumps(body, default=_json_default, separators=(",", ":")).encode("utf-8")
        attempt = 0
        refreshed = False
        refused_bookmark = False
        while True:
            h = dict(self.default_headers)
            h.update(headers or {})
            # A bookmark the caller set in ``headers`` stands; otherwise the latest one received.
            sent_bookmark = None
            if self.bookmarks and not any(k.lower() == BOOKMARK_HEADER.lower() for k in h):
                sent_bookmark = self.bookmark
                if sent_bookmark:
                    h[BOOKMARK_HEADER] = sent_bookmark
            h["Accept"] = "application/json"
            h.setdefault("User-Agent", "dhanam-python/0.1.0")
            if data is not None:
                h["Content-Type"] = "application/json"
            if key:
                h["Idempotency-Key"] = key
            token = self._current_access_token() if auth else None
            if token:
                h["Authorization"] = f"Bearer {token}"
            try:
                status, res_headers, raw = self.transport(method, url, h, data, self.timeout)
            # URLError, ConnectionError and timeouts are OSErrors; a body cut short (IncompleteRead) or a garbled status
            # line is an http.client.HTTPException, which is not: either way no whole answer arrived.
            except (OSError, socket.timeout, http.client.HTTPException) as err:
                if retry_safe and attempt < self.max_retries:
                    self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise DhanamNetworkError(err) from err
            if self.bookmarks:
                self._note_bookmark(res_headers)

            # A bookmark the server no longer takes (persisted before a deployment changed their format) is refused
            # before any work is done: forget it and send the request again without it, once.
            if status == 422 and sent_bookmark and not refused_bookmark and _refuses_bookmark(raw):
                refused_bookmark = True
                with self._lock:
                    if self._bookmark == sent_bookmark:
                        self._bookmark = None
                continue

            if 200 <= status < 300:
                if status == 204 or not raw:
                    return None
                try:
                    return json.loads(raw.decode("utf-8"))
                except ValueError:
                    # A success that is not JSON comes from something between the client and the API (a captive
                    # portal, a proxy's page): typed, with the text kept, and not sent again (a create may be done).
                    raise DhanamError(
                        f"The answer (HTTP {status}) is not JSON: something between this client and the API answered",
                        status, "INVALID_RESPONSE", request_id=res_headers.get("x-request-id"), body=raw.decode("utf-8", "replace"),
                    ) from None

            if status == 401 and auth and token and not refreshed and self._refresh_token:
                refreshed = True
                self.refresh(token)
                continue

            if (status == 429 or (status == 503 and retry_safe)) and attempt < self.max_retries:
                after = parse_retry_after(res_headers.get("retry-after"))
                wait = after if after is not None else self._backoff(attempt)
                if wait <= self.max_retry_delay:
                    self._sleep(wait)
                    attempt += 1
                    continue
            raise error_from_response(status, res_headers, raw)
