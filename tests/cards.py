"""Finding Blackjack's cards in what the server sends, for the hidden-information tests."""

from __future__ import annotations

import re
from typing import Any

CARD = re.compile(r"[A2-9TJQK][SHDC]")
"""A card code: rank then suit ("AS", "TD", "7H")."""


def cards_in(node: Any) -> list[str]:
    """Every card code anywhere in a JSON value."""
    if isinstance(node, str):
        return [node] if CARD.fullmatch(node) else []
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        return [card for item in node for card in cards_in(item)]
    return []
