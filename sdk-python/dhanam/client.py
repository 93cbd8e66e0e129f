"""``DhanamAPI``: the entry point.

    from dhanam import DhanamAPI
    dhanam = DhanamAPI(api_key="...", base_url="http://localhost:8787")
    dhanam = DhanamAPI.login("demo@dhanam.app", "demo123", base_url="http://localhost:8787")
    page = dhanam.transactions.list(space_id=space["id"], limit=50)
    for tx in dhanam.transactions.iterate(space_id=space["id"]):
        ...
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Union

from ._case import camel, camelize
from ._http import HttpClient, TokensCallback, Transport
from ._operations import OPERATIONS
from .resources import (
    Accounts,
    Analytics,
    Assets,
    Auth,
    Budgets,
    Categories,
    Defi,
    Esg,
    Gaming,
    Households,
    Ledger,
    LifeBeat,
    Ml,
    Projections,
    Providers,
    Rates,
    Spaces,
    Trades,
    Transactions,
    Webhooks,
)


class DhanamAPI:
    def __init__(
        self,
        api_key: Optional[str] = None,
        base_url: str = "http://localhost:8787",
        *,
        access_token: Optional[str] = None,
        refresh_token: Optional[str] = None,
        on_tokens: Optional[TokensCallback] = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        retry_base_delay: float = 0.25,
        max_retry_delay: float = 60.0,
        refresh_skew: float = 30.0,
        headers: Optional[Mapping[str, str]] = None,
        transport: Optional[Transport] = None,
        bookmarks: bool = True,
        bookmark: Optional[str] = None,
    ) -> None:
        """``api_key`` (or ``access_token``) is sent as a bearer token; with a ``refresh_token``
        the client renews it itself. ``on_tokens`` is called with each new pair (to persist it).
        ``transport`` replaces urllib (see ``dhanam._http.Transport``). Every request sends back the
        ``X-D1-Bookmark`` of the latest response (read-your-writes); ``bookmarks=False`` opts out,
        ``bookmark`` starts from one persisted earlier (``dhanam.bookmark``)."""
        self.http = HttpClient(
            base_url=base_url,
            access_token=access_token or api_key,
            refresh_token=refresh_token,
            on_tokens=on_tokens,
            timeout=timeout,
            max_retries=max_retries,
            retry_base_delay=retry_base_delay,
            max_retry_delay=max_retry_delay,
            refresh_skew=refresh_skew,
            headers=headers,
            transport=transport,
            bookmarks=bookmarks,
            bookmark=bookmark,
        )
        #: Any route: ``dhanam.request("GET", "/v1/accounts/summary", query={"space_id": sid})``
        #: (the client's request loop; ``idempotency_key=True`` for a money-moving POST).
        self.request = self.http.request
        self.auth = Auth(self.http)
        self.spaces = Spaces(self.http)
        self.accounts = Accounts(self.http)
        self.transactions = Transactions(self.http)
        self.categories = Categories(self.http)
        self.budgets = Budgets(self.http)
        self.ledger = Ledger(self.http)
        self.trades = Trades(self.http)
        self.ml = Ml(self.http)
        self.providers = Providers(self.http)
        self.webhooks = Webhooks(self.http)
        self.assets = Assets(self.http)
        self.analytics = Analytics(self.http)
        self.rates = Rates(self.http)
        self.projections = Projections(self.http)
        self.esg = Esg(self.http)
        self.defi = Defi(self.http)
        self.gaming = Gaming(self.http)
        self.households = Households(self.http)
        self.life_beat = LifeBeat(self.http)

    @classmethod
    def login(cls, email: str, password: str, base_url: str = "http://localhost:8787", *, totp_code: Optional[str] = None, **options: Any) -> "DhanamAPI":
        """A client signed in with email and password (and a 2FA code when enabled)."""
        client = cls(base_url=base_url, **options)
        client.auth.login(email=email, password=password, totp_code=totp_code)
        return client

    @property
    def bookmark(self) -> Optional[str]:
        """The ``X-D1-Bookmark`` of the latest response, sent back on every request; opaque (persist it as is)."""
        return self.http.bookmark

    @property
    def tokens(self) -> Optional[Dict[str, Any]]:
        """The current tokens (they change on every refresh), e.g. to store between runs."""
        return self.http.tokens

    def health(self) -> Dict[str, Any]:
        return self.http.request("GET", "/v1/health", auth=False)

    def call(
        self,
        operation_id: str,
        *,
        path_params: Optional[Mapping[str, Any]] = None,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        idempotency_key: Union[bool, str, None] = None,
    ) -> Any:
        """Any documented operation by its OpenAPI operationId, camelCase or snake_case
        (the table is generated: dhanam/_operations.py):
        ``dhanam.call("list_transactions", query={"space_id": sid, "limit": 50})``."""
        entry = OPERATIONS.get(operation_id) or OPERATIONS.get(camel(operation_id))
        if entry is None:
            raise ValueError(f"Unknown operationId {operation_id!r} (regenerate with `npm run sdk:generate`)")
        method, path = entry
        return self.http.request(method, path, path_params=camelize(path_params) if path_params else None, query=query, body=body, idempotency_key=idempotency_key)
