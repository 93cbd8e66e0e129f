"""Exchange rates as the provider published them per day (exact decimal strings)."""
from __future__ import annotations

from typing import Optional

from .base import JSON, Resource


class Rates(Resource):
    def get(self, *, base: str, quote: str, date: Optional[str] = None) -> JSON:
        """The rate of ``base``/``quote`` on ``date`` (default today), with how it was derived."""
        return self._call("GET", "/v1/rates", query={"base": base, "quote": quote, "date": date})
