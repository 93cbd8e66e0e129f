"""Exchange rates as the provider published them per day (exact decimal strings)."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from .base import JSON, Resource


class Rates(Resource):
    def get(self, *, base: str, quote: str, date: Optional[str] = None) -> JSON:
        """The rate of ``base``/``quote`` on ``date`` (default today), with how it was derived."""
        return self._call("GET", "/v1/rates", query={"base": base, "quote": quote, "date": date})

    def list_manual(self, space_id: str, *, from_: Optional[str] = None, to: Optional[str] = None) -> JSON:
        """A space's manual rates (they win over the provider's for that space and day), newest day first."""
        return self._call("GET", "/v1/spaces/{spaceId}/rates", path_params={"spaceId": space_id}, query={"from_": from_, "to": to})

    def set_manual(self, space_id: str, rates: List[Mapping[str, Any]]) -> JSON:
        """Each ``{"base", "quote", "date", "rate"}``: ``rate`` an exact string or Decimal, or None to remove it."""
        body: Dict[str, Any] = {"rates": [dict(r) for r in rates]}
        return self._call("PUT", "/v1/spaces/{spaceId}/rates", path_params={"spaceId": space_id}, body=body)

