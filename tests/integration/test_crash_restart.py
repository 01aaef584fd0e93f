"""kill -9 the embedded server mid-match, start it again on the same data: everything a match's
future depends on comes back — bots still move, a seat handed to a bot stays a bot's, a match
that ended stays ended, a pause stays a pause, and rooms are still there."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from gamerooms.testing import GameClient, Guest, ServerProcess, free_port
from tests.integration.conftest import guests
from tests.integration.kit import assert_error, join, next_frame
from tests.integration.rooms_kit import (
    COUNTER,
    ROOT,
    api,
    guest,
    join_room,
    new_room,
    ready_and_start,
    seated,
)

TIMINGS = {
    "GAMEROOMS_MATCH_GRACE_SECONDS": "60",
    "GAMEROOMS_DECIDE_SECONDS": "60",
    "GAMEROOMS_BOT_DELAY_SECONDS": "1",
    "GAMEROOMS_TIMER_POLL_SECONDS": "0.1",
}


@pytest.fixture
def server() -> Iterator[ServerProcess]:
    """An embedded server on a data folder of its own, which the test may kill and restart."""
    with tempfile.TemporaryDirectory() as data:
        env = {**TIMINGS, "GAMEROOMS_GAMES": COUNTER, "PYTHONPATH": str(ROOT)}
        process = ServerProcess(free_port(), data, env)
        process.start()
        try:
            yield process
        finally:
            process.stop()


def crash_and_restart(server: ServerProcess) -> None:
    """kill -9, then start again on the same port and data."""
    server.kill()
    server.start()


async def both_seated(server: ServerProcess) -> tuple[str, list[Guest], list[GameClient]]:
    """A tic-tac-toe match between two new guests, both connected, by seat."""
    players = guests(server, 2)
    match_id = server.create_match("tictactoe", players)
    clients = [(await join(server, match_id, player))[0] for player in players]
    return match_id, players, clients


async def paused_by_leaving(clients: list[GameClient]) -> dict[str, Any]:
    """Seat 0 leaves; the match.paused seat 1 hears."""
    await clients[0].send("match.leave")
    assert await clients[0].closed() == 4000
    paused = await next_frame(clients[1])
    assert paused["type"] == "match.paused" and paused["seat"] == 0, paused
    return paused


MOVES = (0, 1, 2, 4)
"""Tic-tac-toe cells, played in turn from seat 0, that end no match."""


async def play_moves(clients: list[GameClient]) -> int:
    """Play MOVES in turn; the version of the last acknowledged update."""
    version = 0
    for turn, cell in enumerate(MOVES):
        reply = await clients[turn % 2].request("match.action", action="place", data={"cell": cell})
        assert reply["type"] == "match.update", reply
        version = reply["version"]
    return version


async def test_every_acknowledged_action_of_matches_played_at_once_survives_a_crash(
    server: ServerProcess,
) -> None:
    matches = [await both_seated(server) for _ in range(4)]
    acknowledged = await asyncio.gather(*(play_moves(clients) for _, _, clients in matches))
    crash_and_restart(server)  # right after the last acknowledgement

    for (match_id, players, _), version in zip(matches, acknowledged, strict=True):
        client, state = await join(server, match_id, players[0])
        assert state["version"] == version == len(MOVES), state
        assert [state["state"]["board"][cell] for cell in MOVES] == [0, 1, 0, 1], state
        await client.close()


@pytest.mark.parametrize("game", ["tictactoe", "blackjack"])
async def test_a_bots_pending_move_is_made_after_a_crash(server: ServerProcess, game: str) -> None:
    person = guest(server)
    settings = {"target_players": 2, "bot_level": "easy"}
    _, [room_socket] = await seated(server, [person], game=game, settings=settings)
    match_id = await ready_and_start([room_socket])
    client, state = await join(server, match_id, person)
    seat = state["seat"]
    while seat not in state["turn"]["seats"]:  # the bot goes first: wait for its move
        state = await next_frame(client, timeout=15)
        assert state["type"] == "match.update", state
    action = _a_legal_move(state, game)
    state = await client.request("match.action", **action)
    assert state["type"] == "match.update", state
    moved_at = state["version"]
    crash_and_restart(server)

    client, state = await join(server, match_id, person)
    assert state["version"] >= moved_at and state["status"] == "active", state
    if seat not in state["turn"]["seats"]:
        update = await next_frame(client, timeout=15)
        assert update["type"] == "match.update" and update["seat"] != seat, update
        assert update["version"] == state["version"] + 1
    await client.close()


def _a_legal_move(state: dict[str, Any], game: str) -> dict[str, Any]:
    """A move the person may make now (tic-tac-toe: the first free cell; Blackjack: a bet)."""
    if game == "tictactoe":
        return {"action": "place", "data": {"cell": state["state"]["board"].index(None)}}
    if state["state"]["phase"] == "betting":
        return {"action": "bet", "data": {"amount": state["state"]["settings"]["min_bet"]}}
    return {"action": "stand", "data": {}}


async def test_a_seat_handed_to_a_bot_stays_a_bots_after_a_crash(server: ServerProcess) -> None:
    match_id, players, clients = await both_seated(server)
    await paused_by_leaving(clients)
    resumed = await clients[1].request("match.replace_with_bot", seat=0)
    assert resumed["type"] == "match.resumed" and resumed["player"]["bot"], resumed
    crash_and_restart(server)

    client, state = await join(server, match_id, players[1])
    assert state["status"] == "active", state
    assert state["players"][0]["player"] == resumed["player"], state
    await client.close()


async def test_an_ended_match_stays_ended_after_a_crash(server: ServerProcess) -> None:
    match_id, players, clients = await both_seated(server)
    await paused_by_leaving(clients)
    final = await clients[1].request("match.end")
    assert final["status"] == "finished" and final["result"]["reason"] == "abandoned", final
    crash_and_restart(server)

    client, state = await join(server, match_id, players[1])
    assert state["status"] == "finished" and state["result"] == final["result"], state
    refused = await client.request("match.action", action="place", data={"cell": 4})
    assert_error(refused, "match_over", refused.get("id"))
    await client.close()


async def test_a_paused_match_stays_paused_after_a_crash(server: ServerProcess) -> None:
    match_id, players, clients = await both_seated(server)
    paused = await paused_by_leaving(clients)
    crash_and_restart(server)

    client, state = await join(server, match_id, players[1])
    assert state["status"] == "paused", state
    again = await client.expect("match.paused")
    assert again["seat"] == 0 and again["decide_by"] == paused["decide_by"], again
    refused = await client.request("match.action", action="place", data={"cell": 4})
    assert_error(refused, "match_paused", refused.get("id"))
    resumed = await client.request("match.replace_with_bot", seat=0)
    assert resumed["type"] == "match.resumed", resumed
    await client.close()


async def test_rooms_survive_a_crash(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    room = await new_room(server, owner, name="kept", game="counter", max_players=3, private=True)
    socket, _ = await join_room(server, owner, room["id"])
    crash_and_restart(server)

    await socket.close()
    status, kept = await api(server, "GET", f"/api/rooms/{room['id']}/", owner)
    assert status == 200, kept
    assert kept["name"] == "kept" and kept["players"] == [owner.player]
    back, joined = await join_room(server, owner, room["id"])
    newcomer, _ = await join_room(server, other, room["id"])
    heard = await back.expect("room.player_joined")
    assert heard["player"] == other.player
    assert joined["room"]["owner_id"] == owner.id
    await back.close()
    await newcomer.close()
