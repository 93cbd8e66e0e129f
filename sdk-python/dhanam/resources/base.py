"""The base of every namespace: ``self._call`` is the client's request loop
(``HttpClient.request``: path parameters, snake_case query keys sent camelCase,
JSON body, ``idempotency_key=True`` for a generated key kept across retries).

Adding an area: a module here with a ``Resource`` subclass whose methods call
``self._call(method, path, ...)`` with the path from the OpenAPI document,
exported from ``__init__.py`` and added as one attribute in ``DhanamAPI``.
"""
from __future__ import annotations

from typing import Any, Dict

from .._http import HttpClient

JSON = Dict[str, Any]


class Resource:
    def __init__(self, http: HttpClient) -> None:
        self._http = http
        self._call = http.request
