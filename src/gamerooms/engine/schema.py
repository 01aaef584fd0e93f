"""JSON schemas of settings types, with references inlined for clients that render forms."""

from __future__ import annotations

from typing import Any

import msgspec


class _Cycle(Exception):
    """A recursive type, which can't be inlined."""


def inline_schema(tp: type) -> dict[str, Any]:
    """The JSON schema of `tp`, self-contained without `$ref`s unless the type is recursive."""
    schema: dict[str, Any] = msgspec.json.schema(tp)
    defs = schema.pop("$defs", {})
    try:
        inlined: dict[str, Any] = _inline(schema, defs, frozenset())
    except _Cycle:
        return {**schema, "$defs": defs}
    return inlined


def _inline(node: Any, defs: dict[str, Any], open_refs: frozenset[str]) -> Any:
    if isinstance(node, list):
        return [_inline(item, defs, open_refs) for item in node]
    if not isinstance(node, dict):
        return node
    inlined = {key: _inline(value, defs, open_refs) for key, value in node.items() if key != "$ref"}
    if "$ref" not in node:
        return inlined
    name = node["$ref"].rpartition("/")[2]
    if name in open_refs:
        raise _Cycle(name)
    return {**_inline(defs[name], defs, open_refs | {name}), **inlined}
