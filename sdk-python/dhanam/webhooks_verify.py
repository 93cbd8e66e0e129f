"""Checks a Dhanam webhook delivery's signature on the receiving side (README, "Webhooks").

``X-Dhanam-Signature`` is ``sha256=`` + hex HMAC-SHA256, keyed with the whole secret string (UTF-8), of
``<X-Dhanam-Timestamp>.<raw body>``. The comparison is ``hmac.compare_digest`` (constant time), and a timestamp
further than ``tolerance`` seconds from now is refused (a replayed request keeps its old timestamp, and changing
it breaks the signature).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import time
from typing import Any, Mapping, Optional, Union

_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def _header(headers: Any, name: str) -> Optional[str]:
    # Mapping-like headers of any case: a dict, http.client.HTTPMessage, a framework's headers object.
    getter = getattr(headers, "get", None)
    if getter is not None:
        value = getter(name)
        if value is None:
            value = getter(name.lower())
        if value is not None:
            return value if isinstance(value, str) else None
    if isinstance(headers, Mapping):
        for key, value in headers.items():
            if isinstance(key, str) and key.lower() == name.lower():
                return value if isinstance(value, str) else None
    return None


def verify_webhook(secret: str, headers: Any, raw_body: Union[bytes, bytearray, str], *, tolerance: float = 300, now: Optional[float] = None) -> bool:
    """Whether a delivery is signed with ``secret`` (the subscription's ``whsec_...``) and recent.

    Pass the **raw** body as received (``request.get_data()``, ``await request.body()``), not re-serialised JSON::

        if not verify_webhook(SECRET, request.headers, request.get_data()):
            abort(401)
    """
    timestamp = (_header(headers, "X-Dhanam-Timestamp") or "").strip()
    signature = (_header(headers, "X-Dhanam-Signature") or "").strip()
    if not secret or not signature or not _TIMESTAMP.fullmatch(timestamp):
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        return False
    body = raw_body.encode("utf-8") if isinstance(raw_body, str) else bytes(raw_body)
    expected = "sha256=" + hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("utf-8"), signature.encode("utf-8"))
