"""Frames a match sends: the state on connect and one update per distinct view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import orjson

from gamerooms.engine import Applied
from gamerooms.protocol.frames import MatchStatus, iso, match_state, match_update
from gamerooms.rooms.announcement import EVERYONE, PUBLIC, Announcement
from gamerooms.rooms.live import ACTIVE, FINISHED, LiveMatch

SeatFrame = Callable[[Any, dict[str, Any]], str]
"""Builds one seat's frame from its view (`state`) and its Turn."""


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
    if match.status != ACTIVE or seat not in match.turn_seats():
        return []
    return [action.to_wire() for action in match.game.offered_actions(match.core.data, seat)]


def seat_frames(match: LiveMatch, build: SeatFrame, with_state: bool) -> dict[str, str]:
    """One frame per distinct (view, turn), made by `build(state, turn)` and keyed for an
    Announcement: each seat in turn gets its own actions, the other seats share one frame,
    spectators get one without actions. Views differ by seat only in games that hide
    information; a shared view is serialized once, and legal actions are computed only for the
    seats in turn. Without `with_state`, `state` is None."""
    game, data = match.game, match.core.data
    shared = turn_for(match, None)  # who is in turn and the deadline: worked out once
    in_turn = set(shared["seats"]) if match.status == ACTIVE else set()

    def turn_of(seat: int) -> dict[str, Any]:
        return {**shared, "actions": actions_for(match, seat) if seat in in_turn else []}

    public = orjson.Fragment(orjson.dumps(game.view(data, None))) if with_state else None
    frames = {PUBLIC: build(public, shared)}
    if game.hidden_information:
        for seat in range(len(match.players)):
            state = game.view(data, seat) if with_state else None
            frames[str(seat)] = build(state, turn_of(seat))
        return frames
    frames[EVERYONE] = build(public, {**shared, "actions": []})
    for seat in in_turn:
        frames[str(seat)] = build(public, turn_of(seat))
    return frames


def status_of(match: LiveMatch) -> MatchStatus:
    """The match's `status` as the protocol names it (LiveMatch keeps it as one of those strs)."""
    return cast(MatchStatus, match.status)


def result_of(match: LiveMatch) -> dict[str, Any] | None:
    """The Result object, or None while the match goes on."""
    return None if match.core.result is None else match.core.result.to_dict()


def state_frame(match: LiveMatch, seat: int | None, connected: set[int]) -> str:
    """The match.state frame for a socket in `seat` (None: spectator)."""
    players = [
        {"seat": index, "player": player, "connected": index in connected or bool(player["bot"])}
        for index, player in enumerate(match.players)
    ]
    return match_state(
        match_id=match.id,
        game=match.game.name,
        version=match.version,
        seat=seat,
        players=players,
        state=match.game.view(match.core.data, seat),
        turn=turn_for(match, seat),
        status=status_of(match),
        result=result_of(match),
    )


def update_announcement(match: LiveMatch, applied: Applied, reply: Reply | None) -> Announcement:
    """The match.update of an applied action (telling, if it ended the match, that it did)."""
    action = {"name": applied.action, "data": applied.data}
    announcement = update_frames(match, applied.seat, action, applied.events)
    announcement.version = match.version
    if match.finished:
        announcement.subject = {"status": FINISHED}
    if reply is not None:
        announcement.reply_to, announcement.request_id = reply.token, reply.request_id
    return announcement


def ends_match(announcement: Announcement) -> bool:
    """Whether a match's announcement tells that the match is over (for good)."""
    return announcement.subject is not None and announcement.subject.get("status") == FINISHED


def update_frames(
    match: LiveMatch, seat: int | None, action: dict[str, Any], events: list[dict[str, Any]]
) -> Announcement:
    """The match.update frames of a change made by `seat` (None: the server; see `seat_frames`)."""
    status, result = status_of(match), result_of(match)

    def build(state: Any, turn: dict[str, Any]) -> str:
        return match_update(
            version=match.version,
            seat=seat,
            action=action["name"],
            data=action["data"],
            events=events,
            state=state,
            turn=turn,
            status=status,
            result=result,
        )

    return Announcement(frames=seat_frames(match, build, with_state=True))


@dataclass(frozen=True, slots=True)
class Reply:
    """Which socket asked (its token) and the id of its request."""

    token: str
    request_id: str | int | None
