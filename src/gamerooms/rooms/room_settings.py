"""Validation of a room's size and settings against its game."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from gamerooms.engine import Game, SettingsError

BOT_LEVEL = "bot_level"
TARGET_PLAYERS = "target_players"


def room_capacity(game: Game[Any]) -> int:
    """The most seats a room of this game may have."""
    return min(game.max_players, game.room_limit)


def check_max_players(game: Game[Any], value: int, seated: int = 0) -> int:
    """`value` if it is a valid room size for this game with `seated` players; SettingsError."""
    low, high = max(game.min_players, seated), room_capacity(game)
    if not low <= value <= high:
        raise SettingsError(f"max_players: must be between {low} and {high}")
    return value


def check_settings(game: Game[Any], raw: Mapping[str, Any], max_players: int) -> dict[str, Any]:
    """The game's settings with defaults filled in, plus bot_level and target_players."""
    own = {key: value for key, value in raw.items() if key not in (BOT_LEVEL, TARGET_PLAYERS)}
    try:
        parsed = game.parse_settings(own)
    except SettingsError as exc:
        raise SettingsError(f"settings.{exc.message.removeprefix('settings: ')}") from exc
    bot_level = raw.get(BOT_LEVEL, game.bot_levels[0])
    if bot_level not in game.bot_levels:
        levels = ", ".join(game.bot_levels)
        raise SettingsError(f"settings.bot_level: must be one of {levels}")
    target = raw.get(TARGET_PLAYERS, 0)
    if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target <= max_players:
        raise SettingsError(f"settings.target_players: must be an integer from 0 to {max_players}")
    settings: dict[str, Any] = msgspec.to_builtins(parsed)
    return {**settings, BOT_LEVEL: bot_level, TARGET_PLAYERS: target}
