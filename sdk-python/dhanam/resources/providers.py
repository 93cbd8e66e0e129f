"""Bank and exchange connections (Plaid, Belvo, Bitso), account syncs and their jobs."""
from __future__ import annotations

from typing import Any, List, Mapping, Optional

from .._case import camelize
from .base import JSON, Resource


class Providers(Resource):
    def list_connections(self, *, space_id: str) -> JSON:
        """``{"connections": [...]}``."""
        return self._call("GET", "/v1/providers/connections", query={"space_id": space_id})

    def delete_connection(self, connection_id: str) -> JSON:
        """Disconnects; the accounts and their history stay."""
        return self._call("DELETE", "/v1/providers/connections/{connectionId}", path_params={"connectionId": connection_id})

    def list_review_flags(self, *, space_id: str, status: Optional[str] = None, limit: Optional[int] = None, offset: Optional[int] = None) -> JSON:
        """Posted transactions that might settle a pending one, left for a person to decide (``status``: open, resolved, all)."""
        return self._call("GET", "/v1/providers/review-flags", query={"space_id": space_id, "status": status, "limit": limit, "offset": offset})

    def resolve_review_flag(self, flag_id: str, *, action: str, pending_transaction_id: Optional[str] = None) -> JSON:
        """``action="merge"`` (the posted transaction supersedes the chosen pending one) or ``"keep_both"``."""
        body = camelize({"action": action, "pending_transaction_id": pending_transaction_id})
        return self._call("POST", "/v1/providers/review-flags/{flagId}/resolve", path_params={"flagId": flag_id}, body=body)

    def plaid_link_token(self, *, space_id: str, connection_id: Optional[str] = None) -> JSON:
        """A Link token for Plaid Link (``connection_id`` for update mode)."""
        return self._call("POST", "/v1/providers/plaid/link-token", body=camelize({"space_id": space_id, "connection_id": connection_id}))

    def plaid_exchange_token(self, *, space_id: str, public_token: str, metadata: Optional[Mapping[str, Any]] = None) -> JSON:
        """Exchanges Link's public token for a connection and queues its first sync (``metadata`` is sent as given)."""
        body = {"spaceId": space_id, "publicToken": public_token, **({"metadata": dict(metadata)} if metadata else {})}
        return self._call("POST", "/v1/providers/plaid/exchange-token", body=body)

    def belvo_link(self, *, space_id: str, institution: str) -> JSON:
        return self._call("POST", "/v1/providers/belvo/link", body={"spaceId": space_id, "institution": institution})

    def belvo_connect(self, *, space_id: str, institution: str, username: str, password: str) -> JSON:
        body = {"spaceId": space_id, "institution": institution, "username": username, "password": password}
        return self._call("POST", "/v1/providers/belvo/connect", body=body)

    def belvo_repair(self, *, space_id: str, connection_id: str, password: str) -> JSON:
        """A connection whose bank wants its login again: the new password goes to the same link (only its connecting member)."""
        return self._call("POST", "/v1/providers/belvo/repair", body={"spaceId": space_id, "connectionId": connection_id, "password": password})

    def bitso_connect(self, *, space_id: str, api_key: str, api_secret: str) -> JSON:
        return self._call("POST", "/v1/providers/bitso/connect", body={"spaceId": space_id, "apiKey": api_key, "apiSecret": api_secret})

    def bitso_sync(self, *, space_id: str) -> JSON:
        return self._call("POST", "/v1/providers/bitso/sync", body={"spaceId": space_id})

    def sync(self, *, space_id: str, account_ids: Optional[List[str]] = None, force: Optional[bool] = None) -> JSON:
        """Queues a sync of the space's provider accounts; answers with job ids."""
        return self._call("POST", "/v1/accounts/sync", body=camelize({"space_id": space_id, "account_ids": account_ids, "force": force}))

    def job(self, job_id: str) -> JSON:
        """A sync job's status and counts."""
        return self._call("GET", "/v1/sync-jobs/{jobId}", path_params={"jobId": job_id})
