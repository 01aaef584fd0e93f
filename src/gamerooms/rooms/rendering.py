"""Frames a match sends: the state on connect and one update per distinct view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gamerooms.engine import Applied
from gamerooms.protocol.frames import frame, iso
from gamerooms.rooms.announcement import EVERYONE, PUBLIC, Announcement
from gamerooms.rooms.live import LiveMatch


def turn_of(match: LiveMatch) -> dict[str, Any]:
    """The Turn object: who may act now, and until when."""
    deadline = None if match.deadline is None else iso(match.deadline)
    return {"seats": match.turn_seats(), "deadline": deadline}


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
        turn=turn_of(match),
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
    """One match.update frame per distinct view: a single one when nothing is hidden."""
    common: dict[str, Any] = {
        "version": match.version,
        "seat": seat,
        "action": action,
        "events": events,
        "turn": turn_of(match),
        "status": match.status,
        "result": result_of(match),
    }
    game, data = match.game, match.core.data
    if not game.hidden_information:
        return Announcement(
            frames={EVERYONE: frame("match.update", state=game.view(data, None), **common)}
        )
    frames = {
        str(index): frame("match.update", state=game.view(data, index), **common)
        for index in range(len(match.players))
    }
    frames[PUBLIC] = frame("match.update", state=game.view(data, None), **common)
    return Announcement(frames=frames)


@dataclass(frozen=True, slots=True)
class Reply:
    """Which socket asked (its token) and the id of its request."""

    token: str
    request_id: str | int | None
