"""A raw socket HTTP server for the SDK's transport tests: it plays a broken proxy or portal, no app needed."""
from __future__ import annotations

import socket
import threading
from typing import Callable, List


class RawServer:
    """Hands each connection to ``answer`` on a thread of its own, after noting its request line in ``requests``."""

    def __init__(self, answer: Callable[[socket.socket], None]) -> None:
        self.requests: List[bytes] = []
        self._answer = answer
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
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            self.requests.append(conn.recv(65536).split(b"\r\n", 1)[0])
            try:
                self._answer(conn)
            except OSError:
                return

    def close(self) -> None:
        self.sock.close()
