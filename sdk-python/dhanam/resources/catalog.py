"""Categories and budgets."""
from __future__ import annotations

from typing import Any, List, Optional

from .._case import camelize
from .base import JSON, Resource


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


class Trades(Resource):
    def list(self, *, space_id: str, **filters: Any) -> List[JSON]:
        """Broker-style trades read from the ledger (filters: account_id, limit, offset, ...)."""
        return self._call("GET", "/v1/trades", query={"space_id": space_id, **filters})


class Ml(Resource):
    """Category predictions, corrections that teach the model, and retraining jobs."""

    def predict(self, *, space_id: str, description: str, **fields: Any) -> JSON:
        return self._call("POST", "/v1/ml/predict", body=camelize({"space_id": space_id, "description": description, **fields}))

    def list_corrections(self, *, space_id: str, **filters: Any) -> JSON:
        return self._call("GET", "/v1/ml/corrections", query={"space_id": space_id, **filters})

    def create_correction(self, *, transaction_id: str, corrected_category_id: str, apply_to_similar: Optional[bool] = None) -> JSON:
        body = camelize({"transaction_id": transaction_id, "corrected_category_id": corrected_category_id, "apply_to_similar": apply_to_similar})
        return self._call("POST", "/v1/ml/corrections", body=body)

    def retrain(self, *, space_id: str) -> JSON:
        return self._call("POST", "/v1/ml/retrain", body={"spaceId": space_id})

    def job(self, job_id: str) -> JSON:
        return self._call("GET", "/v1/ml/jobs/{jobId}", path_params={"jobId": job_id})
