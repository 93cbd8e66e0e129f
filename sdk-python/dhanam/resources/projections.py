"""Monte Carlo projections of a space's net worth, saved scenarios and their comparison."""
from __future__ import annotations

from typing import Any, Iterator, List, Optional

from .._case import camelize
from ..pagination import iterate_offset
from .base import JSON, Resource


class Projections(Resource):
    def run(self, *, space_id: str, **query: Any) -> JSON:
        """From the ledger with default assumptions, not saved (query: years, scenarios, steps_per_year, seed)."""
        return self._call("GET", "/v1/projections", query={"space_id": space_id, **query})

    def create(self, *, space_id: str, **fields: Any) -> JSON:
        """A custom projection, saved as a scenario unless ``save=False``. Fields: name, save, years,
        scenarios, steps_per_year, seed, starting_net_worth, annual_contribution, annual_income,
        annual_expenses, assumptions (dict), life_events (list of dicts); keys in snake_case, as the arguments."""
        return self._call("POST", "/v1/projections", body=camelize({"space_id": space_id, **fields}))

    def compare(self, *, space_id: Optional[str] = None, scenario_ids: Optional[List[str]] = None, seed: Optional[int] = None) -> JSON:
        """Re-runs saved scenarios side by side with one shared seed."""
        return self._call("POST", "/v1/projections/compare", body=camelize({"space_id": space_id, "scenario_ids": scenario_ids, "seed": seed}))

    def list_scenarios(self, *, space_id: str, limit: Optional[int] = None, offset: Optional[int] = None) -> JSON:
        """One page: ``{"scenarios": [...], "pagination": {...}}``."""
        return self._call("GET", "/v1/projections/scenarios", query={"space_id": space_id, "limit": limit, "offset": offset})

    def delete_scenario(self, scenario_id: str) -> None:
        """Deletes a saved scenario (a space keeps at most 500)."""
        self._call("DELETE", "/v1/projections/scenarios/{scenarioId}", path_params={"scenarioId": scenario_id})

    def iterate_scenarios(self, *, space_id: str, limit: int = 100, offset: int = 0, max_items: Optional[int] = None) -> Iterator[JSON]:
        return iterate_offset(lambda o, l: self.list_scenarios(space_id=space_id, offset=o, limit=l), "scenarios", offset=offset, limit=limit, max_items=max_items)
