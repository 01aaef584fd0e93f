"""Frames a match sends: the state on connect and one update per distinct view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gamerooms.engine import Applied
from gamerooms.protocol.frames import frame
from gamerooms.rooms.announcement import EVERYONE, PUBLIC, Announcement
from gamerooms.rooms.live import LiveMatch


def turn_of(match: LiveMatch) -> dict[str, Any]:
    """The Turn object: who may act now, and until when."""
    if match.core.result is not None:
        return {"seats": [], "deadline": None}
    return {"seats": list(match.game.turn(match.core.data)), "deadline": None}


def result_of(match: LiveMatch) -> dict[str, Any] | None:
    """The Result object, or None while the match goes on."""
    return None if match.core.result is None else match.core.result.to_dict()


def state_frame(match: LiveMatch, seat: int | None, connected: set[int]) -> str:
    """The match.state frame for a socket in `seat` (None: spectator)."""
    players = [
        {"seat": index, "player": player, "connected": index in connected}
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
        turn=turn_of(match),
        status=match.status,
        result=result_of(match),
    )


def update_announcement(match: LiveMatch, applied: Applied, reply: Reply | None) -> Announcement:
    """One match.update frame per distinct view (a single one when nothing is hidden); the
    acting socket's copy carries its request id."""
    common: dict[str, Any] = {
        "version": match.version,
        "seat": applied.seat,
        "action": {"name": applied.action, "data": applied.data},
        "events": applied.events,
        "turn": turn_of(match),
        "status": match.status,
        "result": result_of(match),
    }
    game, data = match.game, match.core.data
    if not game.hidden_information:
        frames = {EVERYONE: frame("match.update", state=game.view(data, None), **common)}
    else:
        frames = {
            str(seat): frame("match.update", state=game.view(data, seat), **common)
            for seat in range(len(match.players))
        }
        frames[PUBLIC] = frame("match.update", state=game.view(data, None), **common)
    if reply is None:
        return Announcement(version=match.version, frames=frames)
    return Announcement(
        version=match.version, frames=frames, reply_to=reply.token, request_id=reply.request_id
    )


@dataclass(frozen=True, slots=True)
class Reply:
    """Which socket asked (its token) and the id of its request."""

    token: str
    request_id: str | int | None
