"""Signed webhook subscriptions of a space (admins) and their delivery log."""
from __future__ import annotations

from typing import Any, Iterator, List, Optional

from .._case import camelize
from ..pagination import iterate_offset
from .base import JSON, Resource


class Webhooks(Resource):
    def list(self, *, space_id: str, limit: Optional[int] = None, offset: Optional[int] = None) -> JSON:
        """One page: ``{"webhooks": [...], "pagination": {...}}``."""
        return self._call("GET", "/v1/webhooks", query={"space_id": space_id, "limit": limit, "offset": offset})

    def iterate(self, *, space_id: str, limit: int = 100, offset: int = 0, max_items: Optional[int] = None) -> Iterator[JSON]:
        return iterate_offset(lambda o, l: self.list(space_id=space_id, offset=o, limit=l), "webhooks", offset=offset, limit=limit, max_items=max_items)

    def create(self, *, space_id: str, url: str, events: List[str], description: Optional[str] = None, enabled: Optional[bool] = None) -> JSON:
        """The answer carries the subscription's signing ``secret``, shown this once."""
        body = camelize({"space_id": space_id, "url": url, "events": events, "description": description, "enabled": enabled})
        return self._call("POST", "/v1/webhooks", body=body)

    def get(self, webhook_id: str) -> JSON:
        return self._call("GET", "/v1/webhooks/{id}", path_params={"id": webhook_id})

    def update(self, webhook_id: str, **fields: Any) -> JSON:
        """Fields: url, events, description, enabled."""
        return self._call("PATCH", "/v1/webhooks/{id}", path_params={"id": webhook_id}, body=camelize(fields))

    def enable(self, webhook_id: str) -> JSON:
        """Re-enables a subscription (after a manual disable, or after failures disabled it)."""
        return self.update(webhook_id, enabled=True)

    def disable(self, webhook_id: str) -> JSON:
        return self.update(webhook_id, enabled=False)

    def delete(self, webhook_id: str) -> None:
        """Deletes the subscription and its delivery log."""
        self._call("DELETE", "/v1/webhooks/{id}", path_params={"id": webhook_id})

    def test(self, webhook_id: str) -> JSON:
        """Sends a signed test ping now; answers with its delivery."""
        return self._call("POST", "/v1/webhooks/{id}/test", path_params={"id": webhook_id})

    def list_deliveries(self, webhook_id: str, *, status: Optional[str] = None, limit: Optional[int] = None, offset: Optional[int] = None) -> JSON:
        """One page: ``{"deliveries": [...], "pagination": {...}}``, newest first."""
        query = {"status": status, "limit": limit, "offset": offset}
        return self._call("GET", "/v1/webhooks/{id}/deliveries", path_params={"id": webhook_id}, query=query)

    def iterate_deliveries(
        self, webhook_id: str, *, status: Optional[str] = None, limit: int = 100, offset: int = 0, max_items: Optional[int] = None
    ) -> Iterator[JSON]:
        return iterate_offset(
            lambda o, l: self.list_deliveries(webhook_id, status=status, offset=o, limit=l), "deliveries", offset=offset, limit=limit, max_items=max_items
        )
