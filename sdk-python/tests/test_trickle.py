"""A body that trickles in (a byte now and then, each well within the socket timeout) ends within ``timeout``.

The socket's timeout bounds each read only, so such a body held the call for ever. A raw socket server plays the
slow proxy; no app needed.
"""
from __future__ import annotations

import socket
import time
import unittest

from .raw_server import RawServer
from dhanam import DhanamAPI, DhanamNetworkError


def trickle(conn: socket.socket) -> None:
    """A 200 announcing 1000 bytes, then one byte every 50 ms."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    for _ in range(1000):
        time.sleep(0.05)
        conn.sendall(b" ")


class TrickleTest(unittest.TestCase):
    def test_a_trickling_body_times_out_as_a_network_error_and_a_get_is_sent_again(self) -> None:
        server = RawServer(trickle)
        self.addCleanup(server.close)
        api = DhanamAPI(api_key="k", base_url=server.base_url, timeout=0.4, max_retries=1, retry_base_delay=0.001)
        started = time.monotonic()
        with self.assertRaises(DhanamNetworkError) as caught:
            api.spaces.list()
        self.assertIn("did not arrive whole", str(caught.exception))
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual(server.requests, [b"GET /v1/spaces HTTP/1.1"] * 2)


if __name__ == "__main__":
    unittest.main()
