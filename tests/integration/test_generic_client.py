"""A client that knows nothing of any game plays every bundled game and the tutorial's to the end,
sending only entries of `turn.actions` (a value drawn under its `schema` where one is given), and
is never refused: the legal moves on the wire are exactly the legal moves.

Matches are made as clients make them: a room per pair of players, with a rematch in the same
room after each match (ready, start), bots in some seats. Pairs play side by side.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from gamerooms.testing import GameClient, Guest, ServerProcess, running_server
from tests.integration.kit import match_path
from tests.integration.rooms_kit import ROOT, connect, guest, new_room, room_path
from tests.support import redis_env

MATCHES = 200
PAIRS = 8
"""Pairs of players, each playing MATCHES // PAIRS matches in a row in its own room."""

GAMES: dict[str, dict[str, Any]] = {
    "tictactoe": {"max_players": 2, "settings": {}},
    "blackjack": {
        "max_players": 3,
        "settings": {"rounds": 1, "decks": 1, "target_players": 3, "bot_level": "easy"},
    },
    "magnate": {
        "max_players": 3,
        "settings": {"max_turns": 1, "target_players": 3, "bot_level": "easy"},
    },
    "goofspiel": {"max_players": 2, "settings": {"cards": 3}},
}
"""Each game with its shortest settings; a bot in the third seat where the game takes three."""


@pytest.fixture(scope="module", params=["memory", "redis"])
def server(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """A server per backend offering the tutorial's game too; bots move at once."""
    examples = str(ROOT / "docs" / "examples")
    pythonpath = os.pathsep.join(filter(None, [examples, os.environ.get("PYTHONPATH")]))
    env = {
        "GAMEROOMS_GAMES": "goofspiel:Goofspiel",
        "PYTHONPATH": pythonpath,
        "GAMEROOMS_BOT_DELAY_SECONDS": "0",
        "GAMEROOMS_THROTTLE_GUEST": "off",
        "GAMEROOMS_RATE_PER_SECOND": "1000",
        "GAMEROOMS_RATE_BURST": "1000",
    }
    if request.param == "redis":
        env |= redis_env()
    with running_server(env=env) as process:
        yield process


@dataclass
class Tally:
    """What the generic client did: moves sent, refusals heard, matches finished."""

    moves: int = 0
    finished: int = 0
    refusals: list[dict[str, Any]] = field(default_factory=list)


def a_move(entry: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The data to send for an entry of turn.actions: its own, or a value drawn under its
    schema (integers between their bounds)."""
    schema = entry.get("schema")
    if schema is None:
        return dict(entry["data"])
    data = dict(entry["data"])
    for name, rule in schema.get("properties", {}).items():
        if rule.get("type") == "integer" and "minimum" in rule and "maximum" in rule:
            data[name] = rng.randint(rule["minimum"], rule["maximum"])
    return data


async def play_seat(client: GameClient, rng: random.Random, tally: Tally) -> None:
    """Play one seat to the end: after every frame, send one of the latest turn.actions (and
    wait for its answer before the next)."""
    latest = await client.expect("match.state")
    while latest.get("status") != "finished":
        actions = latest.get("turn", {}).get("actions") or []
        if actions and latest.get("status") == "active":
            entry = rng.choice(actions)
            reply = await client.request(
                "match.action", action=entry["name"], data=a_move(entry, rng)
            )
            tally.moves += 1
            if reply["type"] == "error":
                tally.refusals.append(reply)
                return
            latest = reply
            continue
        frame = await client.receive(timeout=30)
        if frame["type"] == "error":
            tally.refusals.append(frame)
            return
        if "turn" in frame:
            latest = frame


async def until(client: GameClient, kind: str, **fields: Any) -> dict[str, Any]:
    """The next frame of this type (with these field values), skipping the others."""
    while True:
        frame = await client.receive(timeout=30)
        assert frame["type"] != "error", frame
        if frame["type"] == kind and all(frame.get(k) == v for k, v in fields.items()):
            return frame


async def rematch(server: ServerProcess, code: str, players: list[Guest]) -> str:
    """Everyone (back) in the room, ready; the owner starts once all are; the match id."""
    sockets = []
    for player in players:
        socket = await connect(server, room_path(code), player)
        joined = await socket.request("room.join", password=None)
        assert joined["type"] == "room.joined", joined
        if joined["room"]["status"] == "playing":  # the last match's end is still reopening it
            await until(socket, "room.settings")
        sockets.append(socket)
    for socket in sockets:
        await socket.send("room.ready", ready=True)
    await until(sockets[0], "room.ready", all_ready=True)
    started = await sockets[0].request("room.start")
    assert started["type"] == "match.started", started
    for socket in sockets:
        assert await socket.closed(timeout=10) == 4001
    match_id: str = started["match_id"]
    return match_id


async def pair_plays(
    server: ServerProcess, game: str, matches: int, seed: int, tally: Tally
) -> None:
    """Two new players play `matches` matches of `game` in one room, one after the other."""
    rng = random.Random(seed)
    players = [guest(server), guest(server)]
    spec = GAMES[game]
    room = await new_room(
        server, players[0], game=game, max_players=spec["max_players"], settings=spec["settings"]
    )
    for _ in range(matches):
        match_id = await rematch(server, room["id"], players)
        seats = [await connect(server, match_path(match_id), player) for player in players]
        await asyncio.gather(*(play_seat(seat, rng, tally) for seat in seats))
        for seat in seats:
            await seat.close()
        tally.finished += 1


@pytest.mark.parametrize("game", list(GAMES))
async def test_a_generic_client_plays_every_game_to_the_end_unrefused(
    server: ServerProcess, game: str
) -> None:
    tally = Tally()
    each = MATCHES // PAIRS
    await asyncio.gather(*(pair_plays(server, game, each, seed, tally) for seed in range(PAIRS)))
    assert tally.refusals == []
    assert tally.finished == MATCHES
    assert tally.moves >= MATCHES, tally.moves  # every match took moves of the generic client
