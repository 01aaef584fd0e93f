"""Validation of a room's size and settings against its game."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import msgspec

from gamerooms.engine import Game, SettingsError
from gamerooms.engine.errors import field_message


def room_capacity(game: Game[Any]) -> int:
    """The most seats a room of this game may have."""
    return min(game.max_players, game.room_limit)


def check_max_players(game: Game[Any], value: int, seated: int = 0) -> int:
    """`value` if it is a valid room size for this game with `seated` players; SettingsError."""
    low, high = max(game.min_players, seated), room_capacity(game)
    if not low <= value <= high:
        why = f"{seated} players are seated; " if value < seated else ""
        raise SettingsError(f"max_players: {why}must be between {low} and {high}")
    return value


class RoomOptions(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """Settings every room has, whatever its game: bots, the turn clock, spectators."""

    bot_level: str | None = None
    target_players: Annotated[int, msgspec.Meta(ge=0)] = 0
    turn_seconds: Annotated[float, msgspec.Meta(ge=1, le=3600)] | None = None
    max_timeouts: Annotated[int, msgspec.Meta(ge=1, le=10)] = 2
    spectators: bool = True


ROOM_OPTIONS = frozenset(field.name for field in msgspec.structs.fields(RoomOptions))


def check_settings(game: Game[Any], raw: Mapping[str, Any], max_players: int) -> dict[str, Any]:
    """The game's settings with defaults filled in, plus the room's own options."""
    own = {key: value for key, value in raw.items() if key not in ROOM_OPTIONS}
    try:
        parsed = game.parse_settings(own)
    except SettingsError as exc:
        raise SettingsError(f"settings.{exc.message.removeprefix('settings: ')}") from exc
    try:
        options = msgspec.convert(dict(raw), RoomOptions)
    except msgspec.ValidationError as exc:
        raise SettingsError(f"settings.{field_message(exc, 'settings')}") from exc
    options.bot_level = options.bot_level or game.bot_levels[0]
    if options.bot_level not in game.bot_levels:
        levels = ", ".join(game.bot_levels)
        raise SettingsError(f"settings.bot_level: must be one of {levels}")
    if options.target_players > max_players:
        raise SettingsError(f"settings.target_players: must be at most {max_players}")
    game_settings: dict[str, Any] = msgspec.to_builtins(parsed)
    return {**game_settings, **msgspec.to_builtins(options)}
