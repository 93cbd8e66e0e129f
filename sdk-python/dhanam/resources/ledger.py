"""A space's double-entry ledger with cursor lists."""
from __future__ import annotations

from typing import Any, Iterator, Mapping, Optional

from ..pagination import iterate_cursor
from .base import JSON, Resource


class Ledger(Resource):
    """A space's double-entry ledger (integer minor units, ``ASSET/SCALE``), with cursor lists."""

    def list_transactions(self, space_id: str, **query: Any) -> JSON:
        return self._call("GET", "/v1/spaces/{spaceId}/ledger/transactions", path_params={"spaceId": space_id}, query=query)

    def iterate_transactions(self, space_id: str, *, max_items: Optional[int] = None, **query: Any) -> Iterator[JSON]:
        return iterate_cursor(
            lambda c: self.list_transactions(space_id, **({"cursor": c} if c else query)),
            max_items=max_items,
        )

    def create_transaction(self, space_id: str, body: Mapping[str, Any], *, preview: bool = False, idempotency_key: Optional[str] = None) -> JSON:
        return self._call(
            "POST",
            "/v1/spaces/{spaceId}/ledger/transactions",
            path_params={"spaceId": space_id},
            query={"preview": "true"} if preview else None,
            body=dict(body),
            idempotency_key=idempotency_key or True,
        )

    def get_transaction(self, space_id: str, txid: int) -> JSON:
        return self._call("GET", "/v1/spaces/{spaceId}/ledger/transactions/{txid}", path_params={"spaceId": space_id, "txid": txid})

    def revert_transaction(self, space_id: str, txid: int, idempotency_key: Optional[str] = None) -> JSON:
        return self._call(
            "POST",
            "/v1/spaces/{spaceId}/ledger/transactions/{txid}/revert",
            path_params={"spaceId": space_id, "txid": txid},
            idempotency_key=idempotency_key or True,
        )

    def list_accounts(self, space_id: str, **query: Any) -> JSON:
        return self._call("GET", "/v1/spaces/{spaceId}/ledger/accounts", path_params={"spaceId": space_id}, query=query)

    def iterate_accounts(self, space_id: str, *, max_items: Optional[int] = None, **query: Any) -> Iterator[JSON]:
        return iterate_cursor(lambda c: self.list_accounts(space_id, **({"cursor": c} if c else query)), max_items=max_items)

    def balances(self, space_id: str, **query: Any) -> JSON:
        return self._call("GET", "/v1/spaces/{spaceId}/ledger/balances", path_params={"spaceId": space_id}, query=query)

    def stats(self, space_id: str) -> JSON:
        return self._call("GET", "/v1/spaces/{spaceId}/ledger/stats", path_params={"spaceId": space_id})

    def verify_logs(self, space_id: str, *, cursor: Optional[str] = None) -> JSON:
        """Rehashes the log chain, at most 100,000 logs a call: a longer chain answers ``hasMore: true`` and
        ``next``; pass it as ``cursor`` (within 15 minutes) to go on from there, or use ``verify_all_logs``."""
        return self._call("GET", "/v1/spaces/{spaceId}/ledger/logs/verify", path_params={"spaceId": space_id}, query={"cursor": cursor})

    def verify_all_logs(self, space_id: str) -> JSON:
        """Verifies the whole chain, however long: follows ``next`` until the chain ends or a break is found;
        returns the last call's verdict (``checked`` counts from the start)."""
        result = self.verify_logs(space_id)
        while result["data"].get("valid") and result["data"].get("hasMore") and result["data"].get("next"):
            result = self.verify_logs(space_id, cursor=result["data"]["next"])
        return result

    def batch_transactions(self, space_id: str, body: Mapping[str, Any], *, idempotency_key: Optional[str] = None) -> JSON:
        """Several transactions posted atomically; carries an Idempotency-Key."""
        return self._call(
            "POST", "/v1/spaces/{spaceId}/ledger/transactions/batch", path_params={"spaceId": space_id}, body=dict(body), idempotency_key=idempotency_key or True
        )

    def set_transaction_metadata(self, space_id: str, txid: int, metadata: Mapping[str, Any]) -> JSON:
        path = "/v1/spaces/{spaceId}/ledger/transactions/{txid}/metadata"
        return self._call("PUT", path, path_params={"spaceId": space_id, "txid": txid}, body=dict(metadata))

    def get_account(self, space_id: str, address: str) -> JSON:
        return self._call("GET", "/v1/spaces/{spaceId}/ledger/accounts/{address}", path_params={"spaceId": space_id, "address": address})

    def set_account_metadata(self, space_id: str, address: str, metadata: Mapping[str, Any]) -> JSON:
        path = "/v1/spaces/{spaceId}/ledger/accounts/{address}/metadata"
        return self._call("POST", path, path_params={"spaceId": space_id, "address": address}, body=dict(metadata))

    def list_logs(self, space_id: str, **query: Any) -> JSON:
        return self._call("GET", "/v1/spaces/{spaceId}/ledger/logs", path_params={"spaceId": space_id}, query=query)

    def iterate_logs(self, space_id: str, *, max_items: Optional[int] = None, **query: Any) -> Iterator[JSON]:
        return iterate_cursor(lambda c: self.list_logs(space_id, **({"cursor": c} if c else query)), max_items=max_items)

