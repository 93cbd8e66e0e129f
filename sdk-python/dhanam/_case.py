"""snake_case keyword arguments to the API's camelCase field names."""
from __future__ import annotations

from typing import Any, Dict, Mapping


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def camelize(fields: Mapping[str, Any]) -> Dict[str, Any]:
    """snake_case keys to camelCase (one level deep, and into nested dicts); None values dropped."""
    out: Dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        out[camel(key)] = camelize(value) if isinstance(value, dict) else value
    return out
