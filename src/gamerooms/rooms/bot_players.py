"""Bot players: the Player objects that sit in seats a person left or never took."""

from __future__ import annotations

import secrets
from typing import Any

BOT_EMOJI = "🤖"
BOT_COLOR = "#64748b"


def bot_player(level: str, number: int = 1) -> dict[str, Any]:
    """A new bot Player of this level."""
    return {
        "id": "bot" + secrets.token_hex(6),
        "name": f"{level.capitalize()} bot {number}",
        "avatar": {"emoji": BOT_EMOJI, "color": BOT_COLOR},
        "bot": True,
        "level": level,
    }
