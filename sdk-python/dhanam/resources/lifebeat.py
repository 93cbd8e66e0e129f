"""Life Beat: check-ins, escalation to the executor, and emergency read-only access with its log."""
from __future__ import annotations

from typing import Any, Iterator, Optional

from .._case import camelize
from ..pagination import iterate_offset
from .base import JSON, Resource


class LifeBeat(Resource):
    """Check-ins, escalation to the executor, and emergency read-only access with its log."""

    def get(self, *, household_id: str) -> JSON:
        return self._call("GET", "/v1/life-beat", query={"household_id": household_id})

    def update(self, *, household_id: str, **fields: Any) -> JSON:
        """Fields: enabled, check_in_interval, escalation_days, executor_id, notification_channels,
        sms_number, emergency_access_days."""
        return self._call("PUT", "/v1/life-beat", body=camelize({"household_id": household_id, **fields}))

    def check_in(self, *, household_id: str) -> JSON:
        return self._call("POST", "/v1/life-beat/check-in", body={"householdId": household_id})

    def grant_emergency_access(self, *, household_id: str, expires_at: str, executor_id: Optional[str] = None) -> JSON:
        body = camelize({"household_id": household_id, "expires_at": expires_at, "executor_id": executor_id})
        return self._call("POST", "/v1/life-beat/emergency-access", body=body)

    def access_log(self, *, household_id: str, limit: Optional[int] = None, offset: Optional[int] = None) -> JSON:
        """One page: ``{"entries": [...], "pagination": {...}}``."""
        return self._call("GET", "/v1/life-beat/access-log", query={"household_id": household_id, "limit": limit, "offset": offset})

    def iterate_access_log(self, *, household_id: str, limit: int = 100, offset: int = 0, max_items: Optional[int] = None) -> Iterator[JSON]:
        return iterate_offset(lambda o, l: self.access_log(household_id=household_id, offset=o, limit=l), "entries", offset=offset, limit=limit, max_items=max_items)
