"""A body that trickles in (a byte now and then, each well within the socket timeout) ends within ``timeout``.

The socket's timeout bounds each read only, so such a body held the call for ever. A raw socket server plays the
slow proxy; no app needed.
"""
from __future__ import annotations

import socket
import threading
import time
import unittest
from typing import List

from dhanam import DhanamAPI, DhanamNetworkError


class TrickleServer:
    """Answers every request with a 200 announcing 1000 bytes, then sends one byte every 50 ms."""

    def __init__(self) -> None:
        self.requests: List[bytes] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            self.requests.append(conn.recv(65536).split(b"\r\n", 1)[0])
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
                for _ in range(1000):
                    time.sleep(0.05)
                    conn.sendall(b" ")
            except OSError:
                return

    def close(self) -> None:
        self.sock.close()


class TrickleTest(unittest.TestCase):
    def test_a_trickling_body_times_out_as_a_network_error_and_a_get_is_sent_again(self) -> None:
        server = TrickleServer()
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
