"""Replays: a match re-run from its seed and action log, each step as one seat saw it live."""

from __future__ import annotations

from typing import Any

from gamerooms.engine import Game, MatchState, apply_action, seats_in_turn, start_match
from gamerooms.rooms.ports import MatchHistory


def replay_steps(game: Game[Any], history: MatchHistory, seat: int | None) -> list[dict[str, Any]]:
    """Every step of a match, version 0 to the last, as `seat` (None: a spectator) saw it.

    A step holds the version, the action that led to it (`{"seat", "name", "data"}`; None at
    version 0), that action's events, the seats in turn then, and the view: the one the seat's
    `match.update` carried (the public view, unless the game hides information). Events are the
    game's, as every socket got them; the server's own `timeout` marker is not journaled. Once
    the history has a result, the last step has no seat in turn, as the last live frame had."""
    match = start_match(game, history.settings, len(history.players), history.seed)
    steps = [_step(game, match, seat, None, [])]
    for actor, name, data in history.actions:
        applied = apply_action(game, match, actor, name, data)
        match = applied.match
        action = {"seat": actor, "name": applied.action, "data": applied.data}
        steps.append(_step(game, match, seat, action, applied.events))
    if history.result is not None:  # a match the server ended (abandoned) has no turn either
        steps[-1]["turn"]["seats"] = []
    return steps


def _step(
    game: Game[Any],
    match: MatchState,
    seat: int | None,
    action: dict[str, Any] | None,
    events: list[dict[str, Any]],
) -> dict[str, Any]:
    viewer = seat if game.hidden_information else None
    return {
        "version": match.version,
        "action": action,
        "events": events,
        "turn": {"seats": seats_in_turn(game, match)},
        "state": game.view(match.data, viewer),
    }
