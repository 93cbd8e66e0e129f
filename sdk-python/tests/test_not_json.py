"""A 2xx whose body is not JSON (a captive portal's or a proxy's page answering for the API) is a typed DhanamError.

json.loads raised a bare JSONDecodeError out of the SDK. A raw socket server plays the portal; no app needed.
"""
from __future__ import annotations

import socket
import unittest

from .raw_server import RawServer
from dhanam import DhanamAPI, DhanamError, DhanamNetworkError

PAGE = b"<html><body>Sign in to the hotel Wi-Fi</body></html>"


def portal(conn: socket.socket) -> None:
    """A whole 200 text/html page."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(PAGE), PAGE))


class NotJsonTest(unittest.TestCase):
    def test_a_page_instead_of_json_is_an_invalid_response_sent_once(self) -> None:
        server = RawServer(portal)
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
