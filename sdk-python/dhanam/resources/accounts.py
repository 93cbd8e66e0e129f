"""Accounts: manual ones are created here; provider-linked ones arrive through connections."""
from __future__ import annotations

from typing import Any, Iterator, Optional

from .._case import camelize
from ..pagination import iterate_offset
from .base import JSON, Resource


class Accounts(Resource):
    def list(self, *, space_id: str, **filters: Any) -> JSON:
        """One page: ``{"accounts": [...], "pagination": {...}}`` (filters: provider, type, limit, offset)."""
        return self._call("GET", "/v1/accounts", query={"space_id": space_id, **filters})

    def iterate(self, *, space_id: str, limit: int = 100, offset: int = 0, max_items: Optional[int] = None, **filters: Any) -> Iterator[JSON]:
        return iterate_offset(lambda o, l: self.list(space_id=space_id, offset=o, limit=l, **filters), "accounts", offset=offset, limit=limit, max_items=max_items)

    def create(self, *, space_id: str, name: str, type: str, currency: str, idempotency_key: Optional[str] = None, **fields: Any) -> JSON:
        """A manual account; an opening balance moves money, so the call carries an Idempotency-Key."""
        body = camelize({"space_id": space_id, "name": name, "type": type, "currency": currency, **fields})
        return self._call("POST", "/v1/accounts", body=body, idempotency_key=idempotency_key or True)

    def summary(self, *, space_id: str) -> JSON:
        return self._call("GET", "/v1/accounts/summary", query={"space_id": space_id})

    def get(self, account_id: str) -> JSON:
        return self._call("GET", "/v1/accounts/{accountId}", path_params={"accountId": account_id})

    def update(self, account_id: str, **fields: Any) -> JSON:
        return self._call("PATCH", "/v1/accounts/{accountId}", path_params={"accountId": account_id}, body=camelize(fields))

    def delete(self, account_id: str) -> JSON:
        return self._call("DELETE", "/v1/accounts/{accountId}", path_params={"accountId": account_id})

    def transactions(self, account_id: str, **filters: Any) -> JSON:
        return self._call("GET", "/v1/accounts/{accountId}/transactions", path_params={"accountId": account_id}, query=filters)

    def ledger(self, account_id: str, **filters: Any) -> JSON:
        return self._call("GET", "/v1/accounts/{accountId}/ledger", path_params={"accountId": account_id}, query=filters)
