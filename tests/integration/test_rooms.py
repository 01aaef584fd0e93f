"""Rooms on a real server (docs/protocol.md): joining, ready, settings, chat, kick, leave, the seat
grace, and starting the match; every refusal goes to its sender only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

import pytest

from gamerooms.testing import GameClient, ServerProcess
from tests.integration.kit import assert_error, close_all, join
from tests.integration.rooms_kit import (
    connect,
    guest,
    join_room,
    new_room,
    next_about,
    open_lobby,
    refused,
    room_barrier,
    room_path,
    seated,
    tuned_server,
)

GRACE_SECONDS = 1.5


@pytest.fixture(scope="module", params=["memory", "redis"])
def tuned(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """A server per backend with a GRACE_SECONDS seat grace that offers the Counter game."""
    with tuned_server(request.param, ROOM_SEAT_GRACE_SECONDS=GRACE_SECONDS) as process:
        yield process


async def ready_all(clients: list[GameClient]) -> None:
    """Mark every member ready, each room.ready heard by everyone."""
    for client in clients:
        await client.send("room.ready", ready=True)
        for member in clients:
            assert (await member.expect("room.ready"))["ready"] is True


async def test_joining_sends_the_room_state_to_the_joiner_and_the_others(
    server: ServerProcess,
) -> None:
    owner, other = guest(server), guest(server)
    room = await new_room(server, owner)
    owner_socket, joined = await join_room(server, owner, room["id"])
    state = joined["room"]
    assert state["owner_id"] == owner.id and state["owner"] == owner.player
    assert {key: value for key, value in state.items() if key in room and key != "players"} == {
        key: value for key, value in room.items() if key != "players"
    }
    [seat] = state["players"]
    assert seat["player"] == owner.player and seat["ready"] is False

    other_socket, joined = await join_room(server, other, room["id"])
    state = joined["room"]
    assert [seat["player"] for seat in state["players"]] == [owner.player, other.player]
    assert [seat["ready"] for seat in state["players"]] == [False, False]
    times = [datetime.fromisoformat(seat["joined_at"]) for seat in state["players"]]
    assert times[0] <= times[1] and state["players"][0] == seat
    assert state["owner_id"] == owner.id and state["status"] == "full"
    heard = await owner_socket.expect("room.player_joined")
    assert heard == {"type": "room.player_joined", "player": other.player, "room": state}
    await room_barrier(other_socket, [owner_socket])
    await close_all([owner_socket, other_socket])


async def test_an_unknown_room_is_closed_with_4004(server: ServerProcess) -> None:
    client = await connect(server, room_path("NOROOM"), guest(server))
    error, code = await refused(client)
    assert_error(error, "not_found")
    assert code == 4004


async def test_a_full_room_refuses_with_4003(server: ServerProcess) -> None:
    room, clients = await seated(server, [guest(server), guest(server)])
    late = await connect(server, room_path(room["id"]), guest(server))
    await late.send("room.join", id="late", password=None)
    error, code = await refused(late)
    assert_error(error, "room_full", "late")
    assert code == 4003
    await room_barrier(clients[0], clients[1:])
    await close_all(clients)


async def test_a_password_room_refuses_a_wrong_password_with_4003(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    room = await new_room(server, owner, password="sesame")
    assert room["has_password"] is True and "password" not in room
    owner_socket, _ = await join_room(server, owner, room["id"])
    for request_id, wrong in ((7, "open sesame"), ("no password", None)):
        client = await connect(server, room_path(room["id"]), other)
        await client.send("room.join", id=request_id, password=wrong)
        error, code = await refused(client)
        assert_error(error, "wrong_password", request_id)
        assert code == 4003
    other_socket, joined = await join_room(server, other, room["id"], password="sesame")
    assert len(joined["room"]["players"]) == 2
    assert (await owner_socket.expect("room.player_joined"))["player"] == other.player
    await close_all([owner_socket, other_socket])


async def test_the_first_frame_must_be_room_join(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    room = await new_room(server, owner)
    owner_socket, _ = await join_room(server, owner, room["id"])
    client = await connect(server, room_path(room["id"]), other)
    reply = await client.request("room.chat", text="let me in")
    assert_error(reply, "bad_message", reply.get("id"))
    assert reply["id"] == 1 and "room.join" in reply["message"]
    await client.send("room.join", password=None)
    assert (await client.expect("room.joined"))["you"] == other.player
    assert (await owner_socket.expect("room.player_joined"))["player"] == other.player
    await close_all([owner_socket, client])


async def test_a_second_join_on_the_same_socket_is_refused(server: ServerProcess) -> None:
    _, clients = await seated(server, [guest(server), guest(server)])
    reply = await clients[1].request("room.join", password=None)
    assert_error(reply, "already_joined", reply.get("id"))
    await room_barrier(clients[1], [clients[0]])
    await close_all(clients)


async def test_a_second_socket_of_a_player_replaces_the_first(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    room, clients = await seated(server, [owner, other])
    newer, joined = await join_room(server, other, room["id"])
    assert [seat["player"] for seat in joined["room"]["players"]] == [owner.player, other.player]
    assert await clients[1].closed() == 4009
    await room_barrier(newer, [clients[0]])
    await close_all([clients[0], newer])


async def test_ready_marks_reach_everyone_with_all_ready(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    _, clients = await seated(server, [owner, other])
    steps = [(0, owner, True, False), (1, other, True, True), (0, owner, False, False)]
    for index, player, ready, all_ready in steps:
        expected = {"player_id": player.id, "ready": ready, "all_ready": all_ready}
        reply = await clients[index].request("room.ready", ready=ready)
        assert reply == {"type": "room.ready", **expected, "id": reply["id"]}
        assert await clients[1 - index].expect("room.ready") == {"type": "room.ready", **expected}
    await close_all(clients)


async def test_settings_are_the_owners_and_checked(server: ServerProcess) -> None:
    room, clients = await seated(server, [guest(server), guest(server)])
    owner_socket, other_socket = clients
    reply = await other_socket.request("room.settings", settings={"bot_level": "hard"})
    assert_error(reply, "not_owner", reply["id"])
    for bad, field in [
        ({"settings": {"bot_level": "godlike"}}, "bot_level"),
        ({"settings": {"target_players": 3}}, "target_players"),
        ({"max_players": 3}, "max_players"),
        ({"max_players": 1}, "max_players"),
    ]:
        reply = await owner_socket.request("room.settings", **bad)
        assert_error(reply, "bad_message", reply["id"], field)
    await room_barrier(owner_socket, [other_socket])

    reply = await owner_socket.request("room.settings", settings={"bot_level": "hard"})
    assert reply["type"] == "room.settings", reply
    assert reply["room"]["settings"] == {**room["settings"], "bot_level": "hard"}
    assert await other_socket.expect("room.settings") == {
        "type": "room.settings",
        "room": reply["room"],
    }
    await close_all(clients)


async def test_max_players_cannot_go_below_the_seated_count(tuned: ServerProcess) -> None:
    players = [guest(tuned) for _ in range(3)]
    _, clients = await seated(tuned, players, game="counter", max_players=5)
    reply = await clients[0].request("room.settings", max_players=2)
    assert_error(reply, "bad_message", reply["id"], "max_players")
    assert "3 players are seated" in reply["message"], reply
    await room_barrier(clients[0], clients[1:])
    reply = await clients[0].request("room.settings", max_players=3)
    assert reply["room"]["max_players"] == 3 and reply["room"]["status"] == "full"
    for other in clients[1:]:
        assert (await other.expect("room.settings"))["room"] == reply["room"]
    await close_all(clients)


async def test_chat_takes_1_to_500_characters(server: ServerProcess) -> None:
    owner = guest(server)
    _, clients = await seated(server, [owner, guest(server)])
    for text in ("x", "y" * 500):
        reply = await clients[0].request("room.chat", text=text)
        heard = await clients[1].expect("room.chat")
        assert reply == {**heard, "id": reply["id"]}
        assert heard["from"] == owner.player and heard["text"] == text and "id" not in heard
        datetime.fromisoformat(heard["at"])
    for text in ("", "z" * 501):
        reply = await clients[0].request("room.chat", text=text)
        assert_error(reply, "bad_message", reply["id"], "text")
    await room_barrier(clients[1], [clients[0]])
    await close_all(clients)


async def test_kick_is_the_owners_and_closes_4010(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    room, (owner_socket, other_socket) = await seated(server, [owner, other])
    reply = await other_socket.request("room.kick", player_id=owner.id)
    assert_error(reply, "not_owner", reply["id"])
    reply = await owner_socket.request("room.kick", player_id=owner.id)
    assert_error(reply, "bad_message", reply["id"], "player_id")
    reply = await owner_socket.request("room.kick", player_id=guest(server).id)
    assert_error(reply, "not_found", reply["id"], "player_id")
    await room_barrier(owner_socket, [other_socket])

    left = await owner_socket.request("room.kick", player_id=other.id)
    assert left["type"] == "room.player_left", left
    assert left["player_id"] == other.id and left["owner_id"] == owner.id
    assert [seat["player"] for seat in left["room"]["players"]] == [owner.player]
    assert await other_socket.closed() == 4010
    again, joined = await join_room(server, other, room["id"])
    assert len(joined["room"]["players"]) == 2
    await close_all([owner_socket, again])


async def test_leave_closes_4000_and_tells_the_others(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    _, (owner_socket, other_socket) = await seated(server, [owner, other])
    await other_socket.send("room.leave")
    assert await other_socket.closed() == 4000
    left = await owner_socket.expect("room.player_left")
    assert left["player_id"] == other.id and left["owner_id"] == owner.id
    assert [seat["player"] for seat in left["room"]["players"]] == [owner.player]
    await room_barrier(owner_socket, [])
    await owner_socket.close()


async def test_the_oldest_remaining_player_inherits_the_room(tuned: ServerProcess) -> None:
    players = [guest(tuned) for _ in range(3)]
    _, clients = await seated(tuned, players, game="counter", max_players=4)
    await clients[0].send("room.leave")
    assert await clients[0].closed() == 4000
    for client in clients[1:]:
        left = await client.expect("room.player_left")
        assert left["player_id"] == players[0].id and left["owner_id"] == players[1].id
        assert left["room"]["owner"] == players[1].player
    reply = await clients[2].request("room.settings", max_players=3)
    assert_error(reply, "not_owner", reply["id"])
    reply = await clients[1].request("room.settings", max_players=3)
    assert reply["type"] == "room.settings" and reply["room"]["max_players"] == 3, reply
    await clients[2].expect("room.settings")
    await close_all(clients)


async def test_a_dropped_socket_keeps_its_seat_within_the_grace(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    room, (owner_socket, other_socket) = await seated(server, [owner, other])
    ready = await other_socket.request("room.ready", ready=True)
    await owner_socket.expect("room.ready")
    await other_socket.close()
    back, joined = await join_room(server, other, room["id"])
    seats = joined["room"]["players"]
    assert [seat["player"] for seat in seats] == [owner.player, other.player]
    assert seats[1]["ready"] is True and ready["ready"] is True
    await room_barrier(back, [owner_socket])
    await close_all([owner_socket, back])


async def test_a_seat_is_given_up_when_the_grace_runs_out(tuned: ServerProcess) -> None:
    owner, other = guest(tuned), guest(tuned)
    room, (owner_socket, other_socket) = await seated(tuned, [owner, other])
    code = room["id"]
    watcher, _ = await open_lobby(tuned, guest(tuned))
    await other_socket.close()
    dropped = time.monotonic()
    left = await owner_socket.expect("room.player_left", timeout=GRACE_SECONDS + 10)
    assert time.monotonic() - dropped >= GRACE_SECONDS * 0.9
    assert left["player_id"] == other.id and left["owner_id"] == owner.id
    updated = await next_about(watcher, {code})
    assert updated["type"] == "lobby.room_updated", updated
    assert updated["room"]["players"] == [owner.player] and updated["room"]["status"] == "open"

    await owner_socket.close()
    removed = await next_about(watcher, {code}, timeout=GRACE_SECONDS + 10)
    assert removed == {"type": "lobby.room_removed", "room_id": code}
    await watcher.close()


async def test_start_is_refused_until_the_owner_may_start(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    _, clients = await seated(server, [owner, other])
    reply = await clients[1].request("room.start")
    assert_error(reply, "not_owner", reply["id"])
    reply = await clients[0].request("room.start")
    assert_error(reply, "not_ready", reply["id"])
    await clients[0].request("room.ready", ready=True)
    await clients[1].expect("room.ready")
    reply = await clients[0].request("room.start")
    assert_error(reply, "not_ready", reply["id"])
    await room_barrier(clients[1], [clients[0]])
    await close_all(clients)

    alone = guest(server)
    _, (solo,) = await seated(server, [alone])
    assert (await solo.request("room.ready", ready=True))["all_ready"] is True
    reply = await solo.request("room.start")
    assert_error(reply, "too_few_players", reply["id"])
    await room_barrier(solo, [])
    await solo.close()


async def test_start_moves_everyone_to_the_match(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    room, clients = await seated(server, [owner, other])
    code = room["id"]
    await ready_all(clients)
    watcher, rooms = await open_lobby(server, guest(server))
    assert {listed["id"]: listed["status"] for listed in rooms}[code] == "full"

    started = await clients[0].request("room.start")
    assert started["type"] == "match.started", started
    match_id = started["match_id"]
    assert await clients[1].expect("match.started") == {
        "type": "match.started",
        "match_id": match_id,
    }
    for client in clients:
        assert await client.closed() == 4001
    updated = await next_about(watcher, {code})
    assert updated["type"] == "lobby.room_updated" and updated["room"]["status"] == "playing"

    late = await connect(server, room_path(code), guest(server))
    await late.send("room.join", password=None)
    error, closed = await refused(late)
    assert_error(error, "room_full")
    assert closed == 4003

    seen = []
    for player in (owner, other):
        match, state = await join(server, match_id, player)
        assert state["status"] == "active" and state["game"] == "tictactoe"
        assert sorted(seat["seat"] for seat in state["players"]) == [0, 1]
        assert {seat["player"]["id"] for seat in state["players"]} == {owner.id, other.id}
        seen.append(state["seat"])
        await match.close()
    assert sorted(seen) == [0, 1]
    await watcher.close()
