"""A bot that plays on a remote server through the public protocol, as a guest."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from gamerooms.bots import policy_for
from gamerooms.client import GameClient, Guest, create_guest
from gamerooms.engine import Game, MatchState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Remote:
    """Where the server is: http(s)://host:port, and the matching ws(s):// base."""

    base_url: str

    @property
    def ws_base(self) -> str:
        """The WebSocket base URL."""
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{scheme}://{parts.netloc}"

    def ws(self, path: str, guest: Guest) -> str:
        """A WebSocket URL with the guest's token."""
        return f"{self.ws_base}{path}?token={guest.access}"


async def find_match(remote: Remote, guest: Guest, game: str, room: str | None) -> str:
    """Join a room (ready at once) or the queue; the id of the match that starts."""
    if room is not None:
        client = await GameClient.connect(remote.ws(f"/ws/rooms/{room}/", guest))
        await client.send("room.join", password=None)
        await client.expect("room.joined")
        await client.send("room.ready", ready=True)
        started = await client.wait_for("match.started", timeout=3600)
        return str(started["match_id"])
    client = await GameClient.connect(remote.ws(f"/ws/queue/{game}/", guest))
    found = await client.wait_for("match.found", timeout=3600)
    return str(found["match_id"])


async def play_match(
    remote: Remote, guest: Guest, rules: Game[Any], match_id: str, level: str
) -> dict[str, Any]:
    """Play a match to its end with the bot of `level`; the final result."""
    policy = policy_for(rules, level)
    url = remote.ws(f"/ws/matches/{match_id}/", guest)
    client = await GameClient.connect(url)
    frame = await client.expect("match.state")
    seat, seats = int(frame["seat"]), len(frame["players"])
    while frame["status"] != "finished":
        if seat in frame["turn"]["seats"] and frame["status"] == "active":
            state = rules.from_view(frame["state"], seat)
            match = MatchState(rules.name, seats, {}, 0, frame["version"], 0, state)
            action = policy.choose(rules, match, seat)
            version = frame["version"]
            await client.send("match.action", action=action.name, data=action.data, version=version)
        frame = await client.receive(timeout=3600)
        while frame["type"] not in ("match.update", "match.state"):
            if frame["type"] == "error":
                log.warning("move refused (%s); reloading the match", frame["message"])
                await client.close()
                client = await GameClient.connect(url)
            frame = await client.receive(timeout=3600)
    await client.close()
    return dict(frame["result"] or {})


async def run_bot(
    server: str, game: str, level: str, name: str, room: str | None, games: int
) -> list[dict[str, Any]]:
    """Sign in as a guest and play `games` matches; their results."""
    from gamerooms.engine import GameRegistry

    extra = [path for path in os.environ.get("GAMEROOMS_GAMES", "").split(",") if path]
    rules = GameRegistry.discover(extra).get(game)
    remote = Remote(server.rstrip("/"))
    guest = create_guest(remote.base_url, name, {"emoji": "🤖", "color": "#64748b"})
    results = []
    for _ in range(games):
        match_id = await find_match(remote, guest, game, room)
        results.append(await play_match(remote, guest, rules, match_id, level))
    return results
