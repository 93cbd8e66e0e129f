"""Every documented operation has a namespace method, and the ones added for it reach the real app.

Run through ``npm run test:sdk-python`` (a real ``wrangler dev``; see test_sdk.py).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import re
import struct
import time

from dhanam import NotFoundError, resources
from dhanam._operations import OPERATIONS

from .test_sdk import PASSWORD, SdkTestCase, registered

# Routes a namespace has no business wrapping: the client's own health and refresh, the presigned URLs' targets
# (a plain request to the URL an answer gives), and the providers' own webhooks (Plaid and Belvo call them).
NOT_NAMESPACED = {
    ("GET", "/v1/health"),
    ("POST", "/v1/auth/refresh"),
    ("PUT", "/v1/uploads/{token}"),
    ("GET", "/v1/downloads/{token}"),
    ("POST", "/v1/providers/plaid/webhook"),
    ("POST", "/v1/providers/belvo/webhook"),
}


def totp(secret: str) -> str:
    """RFC 6238, 30-second steps, six digits (what the app checks)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    at = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[at : at + 4])[0] & 0x7FFFFFFF) % 1_000_000)


class NamespaceCoverageTest(SdkTestCase):
    def test_every_documented_operation_is_reached_by_a_namespace_method(self) -> None:
        called = set()
        for name in resources.__all__:
            cls = getattr(resources, name)
            if inspect.isclass(cls) and issubclass(cls, resources.Resource):
                src = inspect.getsource(cls)
                called |= set(re.findall(r'self\._call\(\s*"([A-Z]+)",\s*"([^"]+)"', src))
                # A path named first: path = "..." then self._call("PUT", path, ...).
                called |= {(m, p) for p, m in re.findall(r'path = "([^"]+)"\s+return self\._call\("([A-Z]+)", path', src)}
        self.assertGreater(len(called), 100)
        missing = sorted(op for op in set(OPERATIONS.values()) if op not in called and op not in NOT_NAMESPACED)
        self.assertEqual(missing, [])

    def test_update_me_and_a_space_handed_to_a_member_who_accepts(self) -> None:
        _, _, owner = registered()
        self.assertEqual({k: owner.auth.update_me(name="Renamed", locale="es")[k] for k in ("name", "locale")}, {"name": "Renamed", "locale": "es"})
        # The owner turns 2FA on (confirmed just now, as an offer needs).
        secret = owner.auth.two_factor_setup()["secret"]
        owner.auth.two_factor_enable(code=totp(secret), password=PASSWORD)

        _, heir_email, heir = registered()
        heir_id = heir.auth.me()["id"]
        sid = owner.spaces.create(name="Family", type="personal", currency="USD")["id"]
        owner.spaces.add_member(sid, email=heir_email, role="member")

        owner.spaces.offer_ownership(sid, user_id=heir_id)
        owner.spaces.withdraw_ownership_offer(sid)
        with self.assertRaises(NotFoundError) as refused:
            heir.spaces.accept_ownership(sid)
        self.assertEqual(refused.exception.code, "RESOURCE_NOT_FOUND")

        owner.spaces.offer_ownership(sid, user_id=heir_id)
        heir.spaces.accept_ownership(sid)
        roles = {m["userId"]: m["role"] for m in heir.spaces.list_members(sid)}
        self.assertEqual(roles[heir_id], "owner")
