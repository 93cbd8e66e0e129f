"""Dashboard, net worth history, recurring series and the cash-flow forecast of a space."""
from __future__ import annotations

from typing import Any, Optional

from .._case import camelize
from .base import JSON, Resource


class Analytics(Resource):
    def dashboard(self, *, space_id: str, period: Optional[str] = None) -> JSON:
        return self._call("GET", "/v1/analytics/dashboard", query={"space_id": space_id, "period": period})

    def net_worth(self, *, space_id: str, **query: Any) -> JSON:
        """Query: from, to, interval."""
        return self._call("GET", "/v1/analytics/net-worth", query={"space_id": space_id, **query})

    def forecast(self, *, space_id: str) -> JSON:
        """Weekly income, expenses and per-account balances ahead, from the recurring series."""
        return self._call("GET", "/v1/analytics/forecast", query={"space_id": space_id})

    def recurring(self, *, space_id: str, include_dismissed: Optional[bool] = None) -> JSON:
        """``{"spaceId", "series": [...], "dismissedCount"}``."""
        return self._call("GET", "/v1/analytics/recurring", query={"space_id": space_id, "include_dismissed": include_dismissed})

    def confirm_recurring(self, series_id: str, *, space_id: str) -> JSON:
        return self._series(series_id, space_id=space_id, action="confirm")

    def edit_recurring(self, series_id: str, *, space_id: str, name: Optional[str] = None, amount: Any = None, cadence: Optional[str] = None) -> JSON:
        """Corrects a series' name, amount (Decimal or string) or cadence; it is kept as edited."""
        return self._series(series_id, space_id=space_id, action="edit", name=name, amount=amount, cadence=cadence)

    def dismiss_recurring(self, series_id: str, *, space_id: str) -> JSON:
        return self._series(series_id, space_id=space_id, action="dismiss")

    def restore_recurring(self, series_id: str, *, space_id: str) -> JSON:
        return self._series(series_id, space_id=space_id, action="restore")

    def _series(self, series_id: str, **change: Any) -> JSON:
        return self._call("PATCH", "/v1/analytics/recurring/{seriesId}", path_params={"seriesId": series_id}, body=camelize(change))
