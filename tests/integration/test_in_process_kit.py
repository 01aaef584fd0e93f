"""The in-process test kit (`gamerooms.testing.InProcessServer`) as a game's author uses it:
tic-tac-toe played to its end through the queue, and through a room against a bot, with no
server process; the match record says how it ended once the server has stopped."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from gamerooms.models import MatchRecord
from gamerooms.testing import InProcessClient, InProcessServer

pytestmark = pytest.mark.django_db(transaction=True)

TOP_ROW = [(0, 0), (1, 3), (0, 1), (1, 4), (0, 2)]
"""(seat, cell) moves in which seat 0 takes the top row."""


async def result_of(match_id: str) -> dict[str, Any] | None:
    """The result in the match's record."""
    record = await sync_to_async(MatchRecord.objects.get)(id=match_id)
    return record.result


async def play_to_the_end(socket: InProcessClient) -> dict[str, Any]:
    """Play the first action offered whenever it is this seat's turn; the last frame."""
    frame = await socket.expect("match.state")
    while frame["status"] != "finished":
        if frame["turn"]["actions"]:
            move = frame["turn"]["actions"][0]
            frame = await socket.request("match.action", action=move["name"], data=move["data"])
            assert frame["type"] == "match.update", frame
        else:
            frame = await socket.wait_for("match.update")
    return frame


async def test_two_guests_queue_and_play_a_match_to_a_win() -> None:
    async with InProcessServer() as server:
        ann, bob = await server.guest("Ann"), await server.guest("Bob")
        queues = [await server.connect("/ws/queue/tictactoe/", player) for player in (ann, bob)]
        found = {(await queue.wait_for("match.found"))["match_id"] for queue in queues}
        assert [await queue.closed() for queue in queues] == [4001, 4001]
        [match_id] = found
        seats: dict[int, InProcessClient] = {}
        for player in (ann, bob):
            socket = await server.connect(f"/ws/matches/{match_id}/", player)
            state = await socket.expect("match.state")
            seats[state["seat"]] = socket
        for seat, cell in TOP_ROW:
            update = await seats[seat].request("match.action", action="place", data={"cell": cell})
            assert update["type"] == "match.update", update
        assert update["status"] == "finished"
        assert update["result"]["winners"] == [0]
        heard = await seats[1].wait_for("match.update")
        assert heard["version"] == update["version"] and heard["result"] == update["result"]
        status, record = await server.call("GET", f"/api/matches/{match_id}/", player=ann)
        assert status == 200 and record["game"] == "tictactoe"
    assert (await result_of(match_id) or {})["winners"] == [0]


async def test_a_room_owner_plays_a_bot_to_the_end() -> None:
    async with InProcessServer(BOT_DELAY_SECONDS=0.0, TIMER_POLL_SECONDS=0.05) as server:
        owner = await server.guest("Owner", {"emoji": "🦊", "color": "#ff8800"})
        room = {"name": "Kit", "game": "tictactoe", "max_players": 2}
        room["settings"] = {"bot_level": "random", "target_players": 2}
        status, created = await server.call("POST", "/api/rooms/", room, player=owner)
        assert status == 201, created
        lobby = await server.connect(f"/ws/rooms/{created['id']}/", owner)
        joined = await lobby.request("room.join")
        assert joined["type"] == "room.joined" and joined["you"] == owner.player
        assert (await lobby.request("room.ready", ready=True))["all_ready"] is True
        match_id = (await lobby.request("room.start"))["match_id"]
        assert await lobby.closed() == 4001
        last = await play_to_the_end(await server.connect(f"/ws/matches/{match_id}/", owner))
    assert last["result"] is not None
    assert await result_of(match_id) == last["result"]
