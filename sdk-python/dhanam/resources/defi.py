"""DeFi positions of a space's watched wallets (read-only addresses)."""
from __future__ import annotations

from typing import List, Optional

from .._case import camelize
from .base import JSON, Resource


class Defi(Resource):
    def positions(self, *, space_id: str, protocol: Optional[str] = None, network: Optional[str] = None) -> JSON:
        return self._call("GET", "/v1/defi/positions", query={"space_id": space_id, "protocol": protocol, "network": network})

    def add_wallet(self, *, space_id: str, address: str, label: Optional[str] = None, networks: Optional[List[str]] = None) -> JSON:
        """Adds a wallet address to watch and syncs it once."""
        body = camelize({"space_id": space_id, "address": address, "label": label, "networks": networks})
        return self._call("POST", "/v1/defi/wallets", body=body)

    def remove_wallet(self, wallet_id: str) -> None:
        """Disconnects a wallet: it and its DeFi and gaming positions are removed (member or above)."""
        return self._call("DELETE", "/v1/defi/wallets/{walletId}", path_params={"walletId": wallet_id})

    def sync(self, *, space_id: str, wallet_ids: Optional[List[str]] = None) -> JSON:
        return self._call("POST", "/v1/defi/sync", body=camelize({"space_id": space_id, "wallet_ids": wallet_ids}))
