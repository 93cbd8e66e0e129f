"""An offset walk while the list changes (run through ``npm run test:sdk-python``)."""
from __future__ import annotations

from .test_sdk import SdkTestCase, registered


class OffsetWalkTest(SdkTestCase):
    def test_a_transaction_created_ahead_of_the_next_page_is_not_yielded_twice_and_no_earlier_row_is_missed(self) -> None:
        _, _, dhanam = registered()
        sid = dhanam.spaces.create(name="Walk", type="personal", currency="USD")["id"]
        acc = dhanam.accounts.create(space_id=sid, name="Checking", type="checking", currency="USD", opening_balance="1000.00", opening_balance_date="2025-01-01")
        for i in range(9):
            dhanam.transactions.create(space_id=sid, account_id=acc["id"], amount="-1.00", description=f"row {i}", date=f"2026-01-{10 + i}")
        before = [t["id"] for t in dhanam.transactions.iterate(space_id=sid, limit=200)]
        self.assertEqual(len(before), 10)

        walked = []
        for tx in dhanam.transactions.iterate(space_id=sid, limit=4):
            walked.append(tx["id"])
            # Newest first: a newer row lands on page one and pushes the fourth row onto page two.
            if len(walked) == 4:
                dhanam.transactions.create(space_id=sid, account_id=acc["id"], amount="-2.00", description="new", date="2026-02-01")
        self.assertEqual(len(set(walked)), len(walked))
        self.assertTrue(set(before) <= set(walked))
