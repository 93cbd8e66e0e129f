"""A 2xx whose body is not JSON (a captive portal's or a proxy's page answering for the API) is a typed DhanamError.

json.loads raised a bare JSONDecodeError out of the SDK. A raw socket server plays the portal; no app needed.
"""
from __future__ import annotations

import socket
import threading
import unittest
from typing import List

from dhanam import DhanamAPI, DhanamError, DhanamNetworkError

PAGE = b"<html><body>Sign in to the hotel Wi-Fi</body></html>"


class PortalServer:
    """Answers every request with a whole 200 text/html page, and counts the requests."""

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
            with conn:
                self.requests.append(conn.recv(65536).split(b"\r\n", 1)[0])
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(PAGE), PAGE))

    def close(self) -> None:
        self.sock.close()


class NotJsonTest(unittest.TestCase):
    def test_a_page_instead_of_json_is_an_invalid_response_sent_once(self) -> None:
        server = PortalServer()
        self.addCleanup(server.close)
        api = DhanamAPI(api_key="k", base_url=server.base_url, max_retries=3, retry_base_delay=0.001)
        with self.assertRaises(DhanamError) as caught:
            api.spaces.list()
        self.assertNotIsInstance(caught.exception, DhanamNetworkError)
        self.assertEqual((caught.exception.status, caught.exception.code), (200, "INVALID_RESPONSE"))
        self.assertEqual(caught.exception.body, PAGE.decode())
        self.assertEqual(server.requests, [b"GET /v1/spaces HTTP/1.1"])


if __name__ == "__main__":
    unittest.main()
