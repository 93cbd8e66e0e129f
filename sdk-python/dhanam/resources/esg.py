"""ESG scores of a space's crypto holdings, the methodology, and daily score snapshots."""
from __future__ import annotations

from typing import Optional

from .._case import camelize
from .base import JSON, Resource


class Esg(Resource):
    def scores(self, *, space_id: str) -> JSON:
        return self._call("GET", "/v1/esg/scores", query={"space_id": space_id})

    def methodology(self) -> JSON:
        return self._call("GET", "/v1/esg/methodology")

    def snapshot(self, *, space_id: str, backfill_days: Optional[int] = None) -> JSON:
        """Snapshots today's score and backfills missing days; answers with the trend."""
        return self._call("POST", "/v1/esg/snapshots", body=camelize({"space_id": space_id, "backfill_days": backfill_days}))
