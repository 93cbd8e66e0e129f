"""snake_case keyword arguments to the API's camelCase field names."""
from __future__ import annotations

from typing import Any, Dict, Mapping


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def camelize(fields: Mapping[str, Any]) -> Dict[str, Any]:
    """snake_case keys to camelCase, into nested dicts and the dicts in lists (a projection's life events, a
    category's rules); None values dropped. Free-form maps (ledger metadata) are sent without it."""
    out: Dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        out[camel(key)] = _camelized(value)
    return out


def _camelized(value: Any) -> Any:
    if isinstance(value, dict):
        return camelize(value)
    if isinstance(value, (list, tuple)):
        return [_camelized(v) for v in value]
    return value
