"""Spaces (personal or business books) and their members."""
from __future__ import annotations

from typing import Any, List, Optional

from .._case import camelize
from .base import JSON, Resource


class Spaces(Resource):
    def list(self) -> List[JSON]:
        return self._call("GET", "/v1/spaces")

    def create(self, *, name: str, type: str = "personal", currency: str = "USD", timezone: Optional[str] = None) -> JSON:
        return self._call("POST", "/v1/spaces", body=camelize({"name": name, "type": type, "currency": currency, "timezone": timezone}))

    def get(self, space_id: str) -> JSON:
        return self._call("GET", "/v1/spaces/{spaceId}", path_params={"spaceId": space_id})

    def update(self, space_id: str, **fields: Any) -> JSON:
        return self._call("PATCH", "/v1/spaces/{spaceId}", path_params={"spaceId": space_id}, body=camelize(fields))

    def delete(self, space_id: str) -> None:
        self._call("DELETE", "/v1/spaces/{spaceId}", path_params={"spaceId": space_id})

    def offer_ownership(self, space_id: str, *, user_id: str) -> JSON:
        """The owner (2FA on and recently confirmed) offers the space to a member; nothing changes hands until they accept."""
        return self._call("POST", "/v1/spaces/{spaceId}/owner", path_params={"spaceId": space_id}, body={"userId": user_id})

    def accept_ownership(self, space_id: str) -> JSON:
        """The member named by the offer takes the space: they become its owner, the previous owner an admin."""
        return self._call("POST", "/v1/spaces/{spaceId}/owner/accept", path_params={"spaceId": space_id})

    def withdraw_ownership_offer(self, space_id: str) -> None:
        self._call("DELETE", "/v1/spaces/{spaceId}/owner/offer", path_params={"spaceId": space_id})

    def list_members(self, space_id: str) -> List[JSON]:
        return self._call("GET", "/v1/spaces/{spaceId}/members", path_params={"spaceId": space_id})

    def add_member(self, space_id: str, *, email: str, role: str) -> JSON:
        return self._call("POST", "/v1/spaces/{spaceId}/members", path_params={"spaceId": space_id}, body={"email": email, "role": role})

    def update_member(self, space_id: str, user_id: str, *, role: str) -> JSON:
        return self._call("PATCH", "/v1/spaces/{spaceId}/members/{userId}", path_params={"spaceId": space_id, "userId": user_id}, body={"role": role})

    def remove_member(self, space_id: str, user_id: str) -> None:
        self._call("DELETE", "/v1/spaces/{spaceId}/members/{userId}", path_params={"spaceId": space_id, "userId": user_id})
