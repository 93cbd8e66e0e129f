"""Blockchain gaming holdings (tokens, staking, land, NFTs, earnings) in a space's wallets."""
from __future__ import annotations

from typing import Optional

from .base import JSON, Resource


class Gaming(Resource):
    def portfolio(self, *, space_id: str) -> JSON:
        return self._call("GET", "/v1/gaming/portfolio", query={"space_id": space_id})

    def platforms(self) -> JSON:
        """``{"platforms": [...]}``, those without a client marked unavailable."""
        return self._call("GET", "/v1/gaming/platforms")

    def positions(self, platform: str, *, space_id: str) -> JSON:
        return self._call("GET", "/v1/gaming/platforms/{platform}/positions", path_params={"platform": platform}, query={"space_id": space_id})

    def earnings(self, *, space_id: str, period: Optional[str] = None) -> JSON:
        return self._call("GET", "/v1/gaming/earnings", query={"space_id": space_id, "period": period})

    def nfts(self, *, space_id: str) -> JSON:
        return self._call("GET", "/v1/gaming/nfts", query={"space_id": space_id})
