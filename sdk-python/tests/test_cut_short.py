"""An answer cut short (the connection closes before the body its Content-Length announced) is a network error.

urllib raises http.client.IncompleteRead for it, which is not an OSError: it escaped the SDK untyped and was never
retried. A raw socket server plays the broken proxy; no app needed.
"""
from __future__ import annotations

import socket
import unittest

from .raw_server import RawServer
from dhanam import DhanamAPI, DhanamNetworkError


def cut_short(conn: socket.socket) -> None:
    """A 200 whose body stops after 5 of 100 bytes."""
    conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"spa')


class CutShortTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = RawServer(cut_short)
        self.addCleanup(self.server.close)
        self.api = DhanamAPI(api_key="k", base_url=self.server.base_url, max_retries=2, retry_base_delay=0.001)

    def test_a_get_is_retried_then_fails_as_a_typed_network_error(self) -> None:
        with self.assertRaises(DhanamNetworkError) as caught:
            self.api.spaces.list()
        self.assertIn("IncompleteRead", str(caught.exception))
        self.assertEqual(self.server.requests, [b"GET /v1/spaces HTTP/1.1"] * 3)

    def test_a_keyless_post_is_not_sent_again_and_a_keyed_one_is(self) -> None:
        with self.assertRaises(DhanamNetworkError):
            self.api.spaces.create(name="Home", type="personal", currency="USD")
        self.assertEqual(self.server.requests, [b"POST /v1/spaces HTTP/1.1"])
        with self.assertRaises(DhanamNetworkError):
            self.api.transactions.create(space_id="spc_1", account_id="acc_1", amount="-1.00", description="x", date="2026-01-15")
        self.assertEqual(self.server.requests[1:], [b"POST /v1/transactions HTTP/1.1"] * 3)


if __name__ == "__main__":
    unittest.main()
