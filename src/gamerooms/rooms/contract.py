"""Each game's published contract: everything a client needs to play it, from its rules alone."""

from __future__ import annotations

from functools import cache
from typing import Any

from gamerooms.engine import Game, GameRegistry, start_match
from gamerooms.engine.schema import inline_schema
from gamerooms.rooms.room_settings import RoomOptions, room_capacity


def room_settings_schema(game: Game[Any]) -> dict[str, Any]:
    """The JSON Schema of a room's `settings` for this game: the game's own settings and the
    options every room has (bots, the turn clock, spectators)."""
    own = game.settings_schema()
    options = inline_schema(RoomOptions)["properties"]
    options["bot_level"] = {
        "description": "Level of the bots that fill seats or take them over",
        "enum": list(game.bot_levels),
        "default": game.bot_levels[0],
    }
    options["target_players"] = {
        **options["target_players"],
        "description": "Seats filled at the start, with bots for those nobody took",
        "maximum": room_capacity(game),
    }
    options["turn_seconds"]["description"] = "Seconds each turn may take (null: no clock)"
    options["max_timeouts"]["description"] = "Timeouts in a row before the seat is lost"
    options["spectators"]["description"] = "Whether others may watch (?spectate=1)"
    properties = {**own.get("properties", {}), **options}
    description = f"Settings of a {game.title} room: the game's own, then every room's options"
    return {
        **own,
        "title": f"{game.title} room settings",
        "description": description,
        "type": "object",
        "properties": properties,
    }


@cache
def _contract(game: Game[Any]) -> dict[str, Any]:
    fresh = start_match(game, None, game.match_size(), seed=0)
    return {
        **game.describe(),
        "settings_schema": room_settings_schema(game),
        "view_example": {
            "seat": game.view(fresh.data, 0),
            "spectator": game.view(fresh.data, None),
        },
        "static": game.static_data(),
    }


def game_contract(game: Game[Any]) -> dict[str, Any]:
    """The game's description, every action's data schema, the room settings schema, an example
    view (of a new match, for seat 0 and for a spectator) and the game's static data."""
    return _contract(game)


def contracts(games: GameRegistry) -> list[dict[str, Any]]:
    """The contract of every registered game, in registry order."""
    return [game_contract(games.get(name)) for name in games.names()]
