"""Request parsers of the gamerooms REST views: a body that cannot be read is a 400, not a 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any, Final

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from gamerooms.protocol.messages import MAX_DEPTH, unrepresentable


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with the WebSocket protocol's bounds on what a body may hold: no more
    than `MAX_DEPTH` levels of arrays and objects inside its top-level object, no integer beyond
    64 bits. JSON too deep even for Python's parser is refused the same way."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        """The body's JSON, or ParseError (400) naming what is wrong with it."""
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels") from None
        if problem := unrepresentable(data, MAX_DEPTH + 1):
            raise ParseError(f"JSON parse error - {problem}")
        return data


PARSER_CLASSES: Final = [JSONParser]
"""Bodies are JSON, read by gamerooms' JSON parser (form data could not carry an avatar or a
room's settings, which are objects): any other media type is refused with 415."""
