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


class DatetimeValuesTest(SdkTestCase):
    def test_an_aware_datetime_with_microseconds_posts_at_millisecond_precision(self) -> None:
        import datetime as dt

        _, _, dhanam = registered()
        sid = dhanam.spaces.create(name="Times", type="personal", currency="USD", timezone="America/Mexico_City")["id"]
        acc = dhanam.accounts.create(space_id=sid, name="Checking", type="checking", currency="USD", opening_balance="100.00", opening_balance_date=dt.date(2025, 1, 1))
        # datetime.now(timezone.utc) nearly always carries microseconds; isoformat() wrote all six digits (a 422).
        at = dt.datetime(2026, 1, 15, 10, 30, 15, 123456, tzinfo=dt.timezone.utc)
        tx = dhanam.transactions.create(space_id=sid, account_id=acc["id"], amount="-1.00", description="stamped", date=at)
        self.assertEqual(tx["date"], "2026-01-15T04:30:15.123-06:00")
        day = dhanam.transactions.create(space_id=sid, account_id=acc["id"], amount="-1.00", description="a day", date=dt.date(2026, 1, 16))
        self.assertEqual(day["date"], "2026-01-16T00:00:00.000-06:00")
        # As query values too (str() of a datetime has a space where ISO 8601 has its "T").
        api = DhanamAPI(base_url="http://api.test")
        self.assertEqual(api.http.build_url("/v1/x", query={"at": at, "day": dt.date(2026, 1, 2)}), "http://api.test/v1/x?at=2026-01-15T10%3A30%3A15.123%2B00%3A00&day=2026-01-02")


class ErrorTextTest(SdkTestCase):
    def test_a_422_names_each_field_and_why_in_its_text(self) -> None:
        from dhanam import ValidationError

        _, _, dhanam = registered()
        sid = dhanam.spaces.create(name="Errors", type="personal", currency="USD")["id"]
        acc = dhanam.accounts.create(space_id=sid, name="Checking", type="checking", currency="USD")
        with self.assertRaises(ValidationError) as caught:
            dhanam.transactions.create(space_id=sid, account_id=acc["id"], amount="1.234", description="x", date="2026-13-45")
        err = caught.exception
        self.assertEqual(err.message, "Validation failed for the provided data")  # the API's, unchanged
        text = str(err)
        self.assertTrue(text.startswith("Validation failed for the provided data ("), text)
        self.assertIn("date: Must be a date YYYY-MM-DD", text)
        self.assertTrue(err.details)
        for d in err.details:
            self.assertIn(f"{d['field']}: {d['message']}", text)
