"""One namespace per API area, with snake_case methods and arguments.

Keyword arguments are sent as the API's camelCase fields (``space_id`` ->
``spaceId``); responses are returned as the API sends them (camelCase dicts).
Money: pass amounts as ``decimal.Decimal`` or strings (sent exactly); read the
``*Decimal`` string fields of responses for exact values.

Adding an area that lands later (assets, webhooks, analytics, projections, ...):
write a ``Resource`` subclass here whose methods call ``self._call(...)`` with
the path from the OpenAPI document, and add one attribute in ``DhanamAPI``;
until then ``dhanam.request(method, path, ...)`` reaches any route.
"""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping, Optional, Union

from ._http import HttpClient
from .pagination import iterate_cursor, iterate_offset

JSON = Dict[str, Any]


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def camelize(fields: Mapping[str, Any]) -> JSON:
    """snake_case keys to camelCase (one level deep, and into nested dicts); None values dropped."""
    out: JSON = {}
    for key, value in fields.items():
        if value is None:
            continue
        out[camel(key)] = camelize(value) if isinstance(value, dict) else value
    return out


class Resource:
    def __init__(self, http: HttpClient) -> None:
        self._http = http

    def _call(
        self,
        method: str,
        path: str,
        *,
        path_params: Optional[Mapping[str, Any]] = None,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        idempotency_key: Union[bool, str, None] = None,
        auth: bool = True,
    ) -> Any:
        return self._http.request(
            method,
            path,
            path_params=path_params,
            query=camelize(query) if query else None,
            body=body,
            idempotency_key=idempotency_key,
            auth=auth,
        )


class Auth(Resource):
    def register(self, *, name: str, email: str, password: str, locale: str = "en") -> JSON:
        """Creates a user and signs this client in as them."""
        res = self._call("POST", "/v1/auth/register", body={"name": name, "email": email, "password": password, "locale": locale}, auth=False)
        self._http.set_tokens(res["tokens"])
        return res

    def login(self, *, email: str, password: str, totp_code: Optional[str] = None) -> JSON:
        """Logs in; the client keeps (and from then on refreshes) the tokens."""
        res = self._call("POST", "/v1/auth/login", body=camelize({"email": email, "password": password, "totp_code": totp_code}), auth=False)
        self._http.set_tokens(res["tokens"])
        return res

    def refresh(self) -> None:
        """Rotates the refresh token now (the client also does this itself when the access token expires)."""
        self._http.refresh()

    def logout(self) -> None:
        self._call("POST", "/v1/auth/logout")
        self._http.set_tokens(None)

    def me(self) -> JSON:
        return self._call("GET", "/v1/auth/me")

    def two_factor_setup(self) -> JSON:
        return self._call("POST", "/v1/auth/2fa/setup")

    def two_factor_enable(self, *, code: str, password: str) -> JSON:
        return self._call("POST", "/v1/auth/2fa/enable", body={"code": code, "password": password})

    def two_factor_verify(self, *, code: str) -> JSON:
        return self._call("POST", "/v1/auth/2fa/verify", body={"code": code})

    def two_factor_disable(self, *, code: str, password: str) -> None:
        self._call("POST", "/v1/auth/2fa/disable", body={"code": code, "password": password})


class Spaces(Resource):
    def list(self) -> List[JSON]:
        return self._call("GET", "/v1/spaces")

    def create(self, *, name: str, type: str = "personal", currency: str = "USD", timezone: Optional[str] = None) -> JSON:
        return self._call("POST", "/v1/spaces", body=camelize({"name": name, "type": type, "currency": currency, "timezone": timezone}))

    def get(self, space_id: str) -> JSON:
        return self._call("GET", "/v1/spaces/{spaceId}", path_params={"spaceId": space_id})

    def update(self, space_id: str, **fields: Any) -> JSON:
        return self._call("PATCH", "/v1/spaces/{spaceId}", path_params={"spaceId": space_id}, body=camelize(fields))

    def delete(self, space_id: str) -> None:
        self._call("DELETE", "/v1/spaces/{spaceId}", path_params={"spaceId": space_id})

    def list_members(self, space_id: str) -> List[JSON]:
        return self._call("GET", "/v1/spaces/{spaceId}/members", path_params={"spaceId": space_id})

    def add_member(self, space_id: str, *, email: str, role: str) -> JSON:
        return self._call("POST", "/v1/spaces/{spaceId}/members", path_params={"spaceId": space_id}, body={"email": email, "role": role})

    def update_member(self, space_id: str, user_id: str, *, role: str) -> JSON:
        return self._call("PATCH", "/v1/spaces/{spaceId}/members/{userId}", path_params={"spaceId": space_id, "userId": user_id}, body={"role": role})

    def remove_member(self, space_id: str, user_id: str) -> None:
        self._call("DELETE", "/v1/spaces/{spaceId}/members/{userId}", path_params={"spaceId": space_id, "userId": user_id})


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


class Transactions(Resource):
    """Creating, transferring and voiding move money: each carries an Idempotency-Key reused on retry."""

    def list(self, *, space_id: str, limit: Optional[int] = None, offset: Optional[int] = None, **filters: Any) -> JSON:
        """One page: ``{"transactions": [...], "pagination": {"total", "limit", "offset", "hasMore"}}``.
        Filters: account_id, category_id, type, status, start_date, end_date, search."""
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
        self, *, space_id: str, from_account_id: str, to_account_id: str, amount: Any, date: str, description: str, idempotency_key: Optional[str] = None
    ) -> JSON:
        body = camelize(
            {"space_id": space_id, "from_account_id": from_account_id, "to_account_id": to_account_id, "amount": amount, "date": date, "description": description}
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


class Categories(Resource):
    def list(self, *, space_id: str) -> List[JSON]:
        return self._call("GET", "/v1/categories", query={"space_id": space_id})

    def create(self, *, space_id: str, name: str, **fields: Any) -> JSON:
        return self._call("POST", "/v1/categories", body=camelize({"space_id": space_id, "name": name, **fields}))

    def update(self, category_id: str, **fields: Any) -> JSON:
        return self._call("PATCH", "/v1/categories/{id}", path_params={"id": category_id}, body=camelize(fields))

    def delete(self, category_id: str, *, reassign_to: Optional[str] = None) -> JSON:
        return self._call("DELETE", "/v1/categories/{id}", path_params={"id": category_id}, query={"reassign_to": reassign_to})

    def apply_rules(self, *, space_id: str, dry_run: bool = False) -> JSON:
        return self._call("POST", "/v1/categories/apply-rules", body={"spaceId": space_id, "dryRun": dry_run})


class Budgets(Resource):
    def list(self, *, space_id: str, **filters: Any) -> List[JSON]:
        return self._call("GET", "/v1/budgets", query={"space_id": space_id, **filters})

    def create(self, *, space_id: str, **fields: Any) -> JSON:
        return self._call("POST", "/v1/budgets", body=camelize({"space_id": space_id, **fields}))

    def get(self, budget_id: str) -> JSON:
        return self._call("GET", "/v1/budgets/{id}", path_params={"id": budget_id})

    def update(self, budget_id: str, **fields: Any) -> JSON:
        return self._call("PATCH", "/v1/budgets/{id}", path_params={"id": budget_id}, body=camelize(fields))

    def delete(self, budget_id: str) -> None:
        self._call("DELETE", "/v1/budgets/{id}", path_params={"id": budget_id})


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

    def verify_logs(self, space_id: str) -> JSON:
        return self._call("GET", "/v1/spaces/{spaceId}/ledger/logs/verify", path_params={"spaceId": space_id})
