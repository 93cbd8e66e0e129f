"""Manual assets with their valuations, documents, collectible links and real-estate estimates."""
from __future__ import annotations

from typing import Any, Iterator, List, Optional

from .._case import camelize
from ..pagination import iterate_offset
from .base import JSON, Resource


class Assets(Resource):
    def list(self, *, space_id: str, type: Optional[str] = None, limit: Optional[int] = None, offset: Optional[int] = None) -> JSON:
        """One page: ``{"assets": [...], "pagination": {...}}``."""
        return self._call("GET", "/v1/assets", query={"space_id": space_id, "type": type, "limit": limit, "offset": offset})

    def iterate(self, *, space_id: str, type: Optional[str] = None, limit: int = 100, offset: int = 0, max_items: Optional[int] = None) -> Iterator[JSON]:
        return iterate_offset(lambda o, l: self.list(space_id=space_id, type=type, offset=o, limit=l), "assets", offset=offset, limit=limit, max_items=max_items)

    def create(self, *, space_id: str, name: str, type: str, currency: str, value: Any, **fields: Any) -> JSON:
        """With its first valuation; ``value`` as a Decimal or string is exact.
        Fields: valuation_date, description, address (dict with address, city, state, zip_code)."""
        body = camelize({"space_id": space_id, "name": name, "type": type, "currency": currency, "value": value, **fields})
        return self._call("POST", "/v1/assets", body=body)

    def get(self, asset_id: str) -> JSON:
        return self._call("GET", "/v1/assets/{assetId}", path_params={"assetId": asset_id})

    def update(self, asset_id: str, **fields: Any) -> JSON:
        """Fields: name, description, address, value."""
        return self._call("PATCH", "/v1/assets/{assetId}", path_params={"assetId": asset_id}, body=camelize(fields))

    def delete(self, asset_id: str) -> None:
        self._call("DELETE", "/v1/assets/{assetId}", path_params={"assetId": asset_id})

    def list_valuations(self, asset_id: str, *, limit: Optional[int] = None, offset: Optional[int] = None) -> JSON:
        """One page: ``{"assetId", "currency", "valuations": [...], "pagination": {...}}``."""
        return self._call("GET", "/v1/assets/{assetId}/valuations", path_params={"assetId": asset_id}, query={"limit": limit, "offset": offset})

    def iterate_valuations(self, asset_id: str, *, limit: int = 100, offset: int = 0, max_items: Optional[int] = None) -> Iterator[JSON]:
        return iterate_offset(lambda o, l: self.list_valuations(asset_id, offset=o, limit=l), "valuations", offset=offset, limit=limit, max_items=max_items)

    def create_valuation(self, asset_id: str, *, value: Any, date: Optional[str] = None, source: Optional[str] = None, notes: Optional[str] = None) -> JSON:
        body = camelize({"value": value, "date": date, "source": source, "notes": notes})
        return self._call("POST", "/v1/assets/{assetId}/valuations", path_params={"assetId": asset_id}, body=body)

    def document_upload_url(self, asset_id: str, *, filename: str, content_type: str, category: Optional[str] = None, size: Optional[int] = None) -> JSON:
        """A short-lived URL to PUT the file's bytes to (``method``, ``headers`` and ``maxBytes`` say how)."""
        body = camelize({"filename": filename, "content_type": content_type, "category": category, "size": size})
        return self._call("POST", "/v1/assets/{assetId}/documents/upload-url", path_params={"assetId": asset_id}, body=body)

    def list_documents(self, asset_id: str, *, limit: Optional[int] = None, offset: Optional[int] = None) -> JSON:
        """One page, newest first: ``{"documents": [...], "pagination": {...}}`` (the API's default page is 50),
        each uploaded one with a short-lived ``downloadUrl``."""
        return self._call("GET", "/v1/assets/{assetId}/documents", path_params={"assetId": asset_id}, query={"limit": limit, "offset": offset})

    def iterate_documents(self, asset_id: str, *, limit: int = 100, offset: int = 0, max_items: Optional[int] = None) -> Iterator[JSON]:
        """Every document of the asset, fetching pages of ``limit`` as you iterate."""
        return iterate_offset(lambda o, l: self.list_documents(asset_id, offset=o, limit=l), "documents", offset=offset, limit=limit, max_items=max_items)

    def delete_document(self, asset_id: str, document_id: str) -> None:
        self._call("DELETE", "/v1/assets/{assetId}/documents/{documentId}", path_params={"assetId": asset_id, "documentId": document_id})

    def collectible_categories(self) -> List[JSON]:
        return self._call("GET", "/v1/collectibles/categories")

    def search_collectibles(self, *, category: str, q: str, limit: Optional[int] = None) -> List[JSON]:
        return self._call("GET", "/v1/collectibles/search", query={"category": category, "q": q, "limit": limit})

    def link_collectible(self, asset_id: str, *, external_id: str, provider: str, category: str) -> JSON:
        """Links the asset to a catalog item and records its market value as a valuation."""
        body = {"externalId": external_id, "provider": provider, "category": category}
        return self._call("POST", "/v1/assets/{assetId}/collectible-link", path_params={"assetId": asset_id}, body=body)

    def unlink_collectible(self, asset_id: str) -> JSON:
        return self._call("DELETE", "/v1/assets/{assetId}/collectible-link", path_params={"assetId": asset_id})

    def refresh_collectible(self, asset_id: str) -> JSON:
        return self._call("POST", "/v1/assets/{assetId}/collectible-refresh", path_params={"assetId": asset_id})

    def real_estate_lookup(self, *, address: str, city: str, state: str, zip_code: str) -> JSON:
        body = {"address": address, "city": city, "state": state, "zipCode": zip_code}
        return self._call("POST", "/v1/real-estate/lookup", body=body)

    def zestimate(self, asset_id: str) -> JSON:
        return self._call("GET", "/v1/real-estate/{assetId}/zestimate", path_params={"assetId": asset_id})

    def sync_real_estate(self, asset_id: str) -> JSON:
        """Records the current estimate as a valuation."""
        return self._call("POST", "/v1/real-estate/{assetId}/sync", path_params={"assetId": asset_id})
