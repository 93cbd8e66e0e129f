"""Households: spaces grouped with family members and executors."""
from __future__ import annotations

from typing import List, Optional

from .._case import camelize
from .base import JSON, Resource


class Households(Resource):
    def list(self) -> List[JSON]:
        return self._call("GET", "/v1/households")

    def create(self, *, name: str, space_ids: Optional[List[str]] = None) -> JSON:
        return self._call("POST", "/v1/households", body=camelize({"name": name, "space_ids": space_ids}))

    def get(self, household_id: str) -> JSON:
        return self._call("GET", "/v1/households/{householdId}", path_params={"householdId": household_id})

    def add_member(self, household_id: str, *, email: str, relationship: str, role: str, name: Optional[str] = None) -> JSON:
        """Invites a member or executor by email."""
        body = camelize({"email": email, "relationship": relationship, "role": role, "name": name})
        return self._call("POST", "/v1/households/{householdId}/members", path_params={"householdId": household_id}, body=body)

    def remove_member(self, household_id: str, member_id: str) -> None:
        self._call("DELETE", "/v1/households/{householdId}/members/{memberId}", path_params={"householdId": household_id, "memberId": member_id})

    def accept_invitation(self, token: str) -> JSON:
        """Accepts an emailed invitation as the signed-in user it was sent to."""
        return self._call("POST", "/v1/households/invitations/{token}/accept", path_params={"token": token})
