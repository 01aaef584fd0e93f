"""Frames a match sends: the state on connect and one update per distinct view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from gamerooms.engine import Applied, offered_actions
from gamerooms.protocol.frames import frame, iso
from gamerooms.rooms.announcement import EVERYONE, PUBLIC, Announcement
from gamerooms.rooms.live import ACTIVE, LiveMatch


def turn_for(match: LiveMatch, seat: int | None) -> dict[str, Any]:
    """The Turn a socket in `seat` gets: who may act now, until when, and what this seat may
    send now (`actions`; none for a spectator, `seat` None)."""
    deadline = None if match.deadline is None else iso(match.deadline)
    turn: dict[str, Any] = {"seats": match.turn_seats(), "deadline": deadline}
    if seat is not None:
        turn["actions"] = actions_for(match, seat)
    return turn


def actions_for(match: LiveMatch, seat: int) -> list[dict[str, Any]]:
    """The `turn.actions` of a seat: its legal moves while the match is active, else []."""
    if match.status != ACTIVE:
        return []
    return [action.to_wire() for action in offered_actions(match.game, match.core, seat)]


def seat_frames(
    match: LiveMatch, type_: str, fields: dict[str, Any], with_state: bool
) -> dict[str, str]:
    """One frame of `type_` per distinct (view, turn), keyed for an Announcement: each seat in
    turn gets its own actions, the other seats share one frame, spectators get one without
    actions. Views differ by seat only in games that hide information; a shared view is
    serialized once, and legal actions are computed only for the seats in turn."""
    game, data = match.game, match.core.data

    def build(state: Any, turn: dict[str, Any]) -> str:
        if with_state:
            return frame(type_, state=state, **fields, turn=turn)
        return frame(type_, **fields, turn=turn)

    public = orjson.Fragment(orjson.dumps(game.view(data, None))) if with_state else None
    frames = {PUBLIC: build(public, turn_for(match, None))}
    if game.hidden_information:
        for seat in range(len(match.players)):
            state = game.view(data, seat) if with_state else None
            frames[str(seat)] = build(state, turn_for(match, seat))
        return frames
    waiting = {**turn_for(match, None), "actions": []}
    frames[EVERYONE] = build(public, waiting)
    if match.status == ACTIVE:
        for seat in match.turn_seats():
            frames[str(seat)] = build(public, turn_for(match, seat))
    return frames


def result_of(match: LiveMatch) -> dict[str, Any] | None:
    """The Result object, or None while the match goes on."""
    return None if match.core.result is None else match.core.result.to_dict()


def state_frame(match: LiveMatch, seat: int | None, connected: set[int]) -> str:
    """The match.state frame for a socket in `seat` (None: spectator)."""
    players = [
        {"seat": index, "player": player, "connected": index in connected or bool(player["bot"])}
        for index, player in enumerate(match.players)
    ]
    return frame(
        "match.state",
        match_id=match.id,
        game=match.game.name,
        version=match.version,
        seat=seat,
        players=players,
        state=match.game.view(match.core.data, seat),
        turn=turn_for(match, seat),
        status=match.status,
        result=result_of(match),
    )


def update_announcement(match: LiveMatch, applied: Applied, reply: Reply | None) -> Announcement:
    """The match.update of an applied action."""
    action = {"name": applied.action, "data": applied.data}
    announcement = update_frames(match, applied.seat, action, applied.events)
    announcement.version = match.version
    if reply is not None:
        announcement.reply_to, announcement.request_id = reply.token, reply.request_id
    return announcement


def update_frames(
    match: LiveMatch, seat: int, action: dict[str, Any], events: list[dict[str, Any]]
) -> Announcement:
    """The match.update frames of a change (see `seat_frames`)."""
    fields: dict[str, Any] = {
        "version": match.version,
        "seat": seat,
        "action": action,
        "events": events,
        "status": match.status,
        "result": result_of(match),
    }
    return Announcement(frames=seat_frames(match, "match.update", fields, with_state=True))


@dataclass(frozen=True, slots=True)
class Reply:
    """Which socket asked (its token) and the id of its request."""

    token: str
    request_id: str | int | None
