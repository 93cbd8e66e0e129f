"""Typed exceptions: the API's error envelope ``{"error": {code, message, details, timestamp, requestId}}``."""
from __future__ import annotations

import email.utils
import json
import time
from typing import Any, Dict, List, Mapping, Optional


class DhanamError(Exception):
    """An error answer from the API (or no answer at all: see :class:`DhanamNetworkError`)."""

    def __init__(
        self,
        message: str,
        status: int,
        code: str,
        details: Optional[List[Dict[str, str]]] = None,
        request_id: Optional[str] = None,
        retry_after: Optional[float] = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        #: HTTP status; 0 when no response arrived.
        self.status = status
        #: Machine-readable code, e.g. ``VALIDATION_FAILED``, ``RESOURCE_NOT_FOUND``.
        self.code = code
        #: Per-field problems (422): ``[{"field", "message", "code"}]``.
        self.details: List[Dict[str, str]] = details or []
        #: The request's id (``X-Request-Id``), for support and logs.
        self.request_id = request_id
        #: Seconds the server asked to wait (``Retry-After`` on 429/503), when it said.
        self.retry_after = retry_after
        #: The parsed response body.
        self.body = body

    def __str__(self) -> str:
        # What a log line or a traceback shows: the message, and for a 422 which field failed and why (``message``
        # alone, "Validation failed for the provided data", names none of them).
        problems = "; ".join(
            f"{d.get('field') or '?'}: {d.get('message') or d.get('code') or '?'}" for d in self.details[:5] if isinstance(d, dict)
        )
        more = f"; and {len(self.details) - 5} more" if len(self.details) > 5 else ""
        return f"{self.message} ({problems}{more})" if problems else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, message={self.message!r}, request_id={self.request_id!r})"


class DhanamNetworkError(DhanamError):
    """No response arrived (connection refused or reset, timeout, DNS)."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(f"Network error: {cause}", 0, "NETWORK_ERROR")
        self.__cause__ = cause


class AuthenticationError(DhanamError):
    """401: missing, invalid or expired credentials."""


class PermissionDeniedError(DhanamError):
    """403: the role is too low, or a recent second factor is required."""


class NotFoundError(DhanamError):
    """404: no such resource, or it is in a space the caller cannot see."""


class ConflictError(DhanamError):
    """409: conflicts with existing state."""


class ValidationError(DhanamError):
    """422: ``details`` lists each bad field."""


class RateLimitError(DhanamError):
    """429: too many requests; ``retry_after`` says how long to wait."""


class ServiceUnavailableError(DhanamError):
    """503: try again later."""


_BY_STATUS = {
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        at = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, at - (time.time() if now is None else now))


def error_from_response(status: int, headers: Mapping[str, str], raw: bytes) -> DhanamError:
    """Builds the typed exception for a non-2xx answer."""
    text = raw.decode("utf-8", "replace")
    body: Any = text
    try:
        body = json.loads(text) if text else None
    except ValueError:
        pass
    header_id = headers.get("x-request-id")
    retry_after = parse_retry_after(headers.get("retry-after"))
    cls = _BY_STATUS.get(status, DhanamError)
    env = body.get("error") if isinstance(body, dict) else None
    if isinstance(env, dict):
        details = env.get("details")
        return cls(
            str(env.get("message") or f"HTTP {status}"),
            status,
            str(env.get("code") or f"HTTP_{status}"),
            details if isinstance(details, list) else [],
            env.get("requestId") or header_id,
            retry_after,
            body,
        )
    if isinstance(body, dict) and ("title" in body or "code" in body):
        errors = body.get("errors")
        return cls(
            str(body.get("detail") or body.get("title") or f"HTTP {status}"),
            status,
            str(body.get("code") or f"HTTP_{status}"),
            errors if isinstance(errors, list) else [],
            body.get("requestId") or header_id,
            retry_after,
            body,
        )
    return cls(f"HTTP {status}", status, f"HTTP_{status}", [], header_id, retry_after, body)
