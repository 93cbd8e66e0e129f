"""Iterators over the API's two list shapes, fetching each page only when needed.

- offset lists ``{<items>: [...], "pagination": {"total", "limit", "offset", "hasMore"}}``
- cursor lists ``{"cursor": {"pageSize", "hasMore", "next", "previous", "data"}}``
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, Optional


def iterate_offset(
    fetch_page: Callable[[int, int], Dict[str, Any]],
    items_key: str,
    *,
    offset: int = 0,
    limit: int = 100,
    max_items: Optional[int] = None,
) -> Iterator[Dict[str, Any]]:
    """Yields every item; ``fetch_page(offset, limit)`` returns one page.

    Offsets shift when rows are written during the walk: a transaction created (or a void's reversal) ahead of
    the next page pushes a row already yielded onto it. An item whose ``id`` was already yielded is skipped, so
    a walk never repeats one; a row removed during the walk can still shift one later row past it."""
    yielded = 0
    seen = set()
    while True:
        page = fetch_page(offset, limit)
        items = page.get(items_key) or []
        for item in items:
            if max_items is not None and yielded >= max_items:
                return
            item_id = item.get("id") if isinstance(item, dict) else None
            if isinstance(item_id, str):
                if item_id in seen:
                    continue
                seen.add(item_id)
            yielded += 1
            yield item
        pagination = page.get("pagination") or {}
        if not pagination.get("hasMore") or not items:
            return
        offset = int(pagination.get("offset", offset)) + len(items)


def iterate_cursor(
    fetch_page: Callable[[Optional[str]], Dict[str, Any]],
    *,
    max_items: Optional[int] = None,
) -> Iterator[Dict[str, Any]]:
    """Yields every item; ``fetch_page(cursor)`` returns one page (cursor None for the first)."""
    cursor: Optional[str] = None
    yielded = 0
    while True:
        page = fetch_page(cursor)["cursor"]
        for item in page.get("data") or []:
            if max_items is not None and yielded >= max_items:
                return
            yielded += 1
            yield item
        if not page.get("hasMore") or not page.get("next"):
            return
        cursor = page["next"]
