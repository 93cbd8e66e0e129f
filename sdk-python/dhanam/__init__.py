"""Dhanam Ledger API client (standard library only)."""
from ._http import HttpClient, Transport, jwt_expiry, urllib_transport
from .client import DhanamAPI
from .errors import (
    AuthenticationError,
    ConflictError,
    DhanamError,
    DhanamNetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    ValidationError,
    parse_retry_after,
)
from .pagination import iterate_cursor, iterate_offset
from .webhooks_verify import verify_webhook

__version__ = "0.1.0"

__all__ = [
    "DhanamAPI",
    "HttpClient",
    "Transport",
    "urllib_transport",
    "jwt_expiry",
    "DhanamError",
    "DhanamNetworkError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "ValidationError",
    "RateLimitError",
    "ServiceUnavailableError",
    "parse_retry_after",
    "iterate_offset",
    "iterate_cursor",
    "verify_webhook",
]
