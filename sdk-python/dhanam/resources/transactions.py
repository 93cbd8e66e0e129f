"""Transactions (money-moving calls carry an Idempotency-Key)."""
from __future__ import annotations

from typing import Any, Iterator, List, Optional

from .._case import camelize
from ..pagination import iterate_offset
from .base import JSON, Resource


class Transactions(Resource):
    """Creating, transferring and voiding move money: each carries an Idempotency-Key reused on retry."""

    def list(self, *, space_id: str, limit: Optional[int] = None, offset: Optional[int] = None, **filters: Any) -> JSON:
        """One page: ``{"transactions": [...], "pagination": {"total", "limit", "offset", "hasMore"}}``.
        Filters: account_id, category_id (with its subcategories unless include_subcategories=False), type, status,
        start_date, end_date, search."""
        return self._call("GET", "/v1/transactions", query={"space_id": space_id, "limit": limit, "offset": offset, **filters})

    def iterate(self, *, space_id: str, limit: int = 100, offset: int = 0, max_items: Optional[int] = None, **filters: Any) -> Iterator[JSON]:
        """Every matching transaction, fetching pages of ``limit`` as you iterate."""
        return iterate_offset(lambda o, l: self.list(space_id=space_id, offset=o, limit=l, **filters), "transactions", offset=offset, limit=limit, max_items=max_items)

    def get(self, transaction_id: str) -> JSON:
        return self._call("GET", "/v1/transactions/{id}", path_params={"id": transaction_id})

    def create(self, *, space_id: str, account_id: str, description: str, date: str, idempotency_key: Optional[str] = None, **fields: Any) -> JSON:
        """Fields: amount (Decimal or string), currency, merchant_name, category_id, tags, notes, type, status, ..."""
        body = camelize({"space_id": space_id, "account_id": account_id, "description": description, "date": date, **fields})
        return self._call("POST", "/v1/transactions", body=body, idempotency_key=idempotency_key or True)

    def transfer(
        self,
        *,
        space_id: str,
        from_account_id: str,
        to_account_id: str,
        amount: Any,
        date: str,
        description: str,
        to_amount: Any = None,
        idempotency_key: Optional[str] = None,
    ) -> JSON:
        """``amount`` leaves the source account in its currency; ``to_amount`` is what arrived in the destination's
        (required between accounts of two currencies: the API converts nothing)."""
        body = camelize(
            {
                "space_id": space_id, "from_account_id": from_account_id, "to_account_id": to_account_id, "amount": amount, "to_amount": to_amount,
                "date": date, "description": description,
            }
        )
        return self._call("POST", "/v1/transactions/transfer", body=body, idempotency_key=idempotency_key or True)

    def update(self, transaction_id: str, **fields: Any) -> JSON:
        return self._call("PATCH", "/v1/transactions/{id}", path_params={"id": transaction_id}, body=camelize(fields))

    def void(self, transaction_id: str, idempotency_key: Optional[str] = None) -> JSON:
        """Voids by reversal."""
        return self._call("DELETE", "/v1/transactions/{id}", path_params={"id": transaction_id}, idempotency_key=idempotency_key or True)

    def bulk_categorize(self, *, space_id: str, transaction_ids: List[str], category_id: str) -> JSON:
        return self._call(
            "POST", "/v1/transactions/bulk-categorize", body={"spaceId": space_id, "transactionIds": transaction_ids, "categoryId": category_id}
        )
