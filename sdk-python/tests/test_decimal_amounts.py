"""Decimal amounts reach the API as positional decimal strings, whatever exponent the Decimal carries.

``str(Decimal)`` writes exponent notation (``1E+2``, ``1.0E-7``, ``0E-8``), which the API refuses with a 422.
Run through ``npm run test:sdk-python`` (a real ``wrangler dev``; see test_sdk.py).
"""
from __future__ import annotations

from decimal import Decimal

from dhanam import DhanamAPI

from .test_sdk import SdkTestCase, registered


class DecimalAmountsTest(SdkTestCase):
    def test_decimals_with_exponents_post_the_amount_they_hold(self) -> None:
        _, _, dhanam = registered()
        sid = dhanam.spaces.create(name="Exact", type="personal", currency="USD")["id"]
        usd = dhanam.accounts.create(space_id=sid, name="Checking", type="checking", currency="USD", opening_balance=Decimal("1E+3"), opening_balance_date="2025-01-01")
        self.assertEqual(usd["balanceDecimal"], "1000.00")
        cases = [
            (Decimal("-100").normalize(), "-100.00"),  # Decimal('-1E+2')
            (Decimal("-5E+1"), "-50.00"),
            (Decimal("-12.50") * 2, "-25.00"),
        ]
        for amount, expected in cases:
            tx = dhanam.transactions.create(space_id=sid, account_id=usd["id"], amount=amount, description=f"spend {amount!r}", date="2026-01-15")
            self.assertEqual(tx["amountDecimal"], expected, repr(amount))

        btc = dhanam.accounts.create(space_id=sid, name="Wallet", type="crypto", currency="BTC", opening_balance=Decimal("0.00000000"), opening_balance_date="2025-01-01")
        self.assertEqual(btc["balanceDecimal"], "0.00000000")
        tx = dhanam.transactions.create(space_id=sid, account_id=btc["id"], amount=Decimal("0.00000010"), description="sats", date="2026-01-15")  # str: 1.0E-7
        self.assertEqual(tx["amountDecimal"], "0.00000010")

    def test_decimal_query_values_are_written_positionally(self) -> None:
        api = DhanamAPI(base_url="http://api.test")
        self.assertEqual(api.http.build_url("/v1/x", query={"min": Decimal("1E+2"), "max": Decimal("1.0E-7")}), "http://api.test/v1/x?min=100&max=0.00000010")
