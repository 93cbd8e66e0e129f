"""An asset's documents page by page, and a real signed webhook delivery checked with ``verify_webhook``.

Run through ``npm run test:sdk-python`` (a real ``wrangler dev``; see test_sdk.py).
"""
from __future__ import annotations

import json
import urllib.request
import uuid

from dhanam import verify_webhook

from .test_sdk import BASE_URL, SANDBOX_ORIGIN, SdkTestCase, registered


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


class VerifyWebhookTest(SdkTestCase):
    def test_a_real_delivery_verifies_and_any_change_does_not(self) -> None:
        _, _, dhanam = registered()
        space = dhanam.spaces.create(name="Hooks", type="personal", currency="USD")
        inbox = f"pyverify{uuid.uuid4().hex}"
        hook = dhanam.webhooks.create(space_id=space["id"], url=f"{SANDBOX_ORIGIN}/sandbox/webhook-receiver/{inbox}", events=["transaction.created"])
        self.assertEqual(dhanam.webhooks.test(hook["id"])["status"], "succeeded")
        # What the sandbox receiver got: the headers and the raw body, as sent.
        with urllib.request.urlopen(f"{BASE_URL}/sandbox/webhook-receiver/{inbox}", timeout=30) as res:
            received = json.loads(res.read())["received"]
        self.assertEqual(len(received), 1)
        headers, raw = received[0]["headers"], received[0]["body"]
        ts = int(headers["x-dhanam-timestamp"])
        secret = hook["secret"]

        self.assertTrue(verify_webhook(secret, headers, raw.encode("utf-8"), now=ts + 5))
        self.assertTrue(verify_webhook(secret, {k.title(): v for k, v in headers.items()}, raw, now=ts + 5))  # any header case, str body
        self.assertFalse(verify_webhook(secret, headers, raw.replace("webhook.test", "webhook.tesT"), now=ts + 5))
        self.assertFalse(verify_webhook(secret + "x", headers, raw, now=ts + 5))
        self.assertFalse(verify_webhook(secret, headers, raw, now=ts + 301))  # replayed later
        self.assertFalse(verify_webhook(secret, headers, raw, now=ts - 301))  # from the future
        self.assertTrue(verify_webhook(secret, headers, raw, now=ts + 3000, tolerance=3600))
        self.assertFalse(verify_webhook(secret, {**headers, "x-dhanam-timestamp": str(ts + 1)}, raw, now=ts + 5))
        self.assertFalse(verify_webhook(secret, {**headers, "x-dhanam-timestamp": f"{ts}.0"}, raw, now=ts + 5))
        self.assertFalse(verify_webhook(secret, {"x-dhanam-timestamp": str(ts)}, raw, now=ts + 5))
        self.assertFalse(verify_webhook(secret, {**headers, "x-dhanam-signature": headers["x-dhanam-signature"] + "é"}, raw, now=ts + 5))
        self.assertFalse(verify_webhook("", headers, raw, now=ts + 5))
