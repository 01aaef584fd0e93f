"""Room creation and look-up on a real server: `room.create` in the lobby and its REST twin
`POST /api/rooms/` (docs/protocol.md), `GET /api/rooms/` and `GET /api/rooms/<code>/`."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
import redis

from gamerooms.testing import ServerProcess
from tests.integration.kit import assert_error, close_all
from tests.integration.rooms_kit import (
    ROOM_CODE,
    api,
    connect,
    guest,
    join_room,
    lobby_barrier,
    new_room,
    open_lobby,
    refused,
    room_fields,
    room_path,
    seated,
)

SUMMARY_KEYS = {
    "id",
    "name",
    "game",
    "owner",
    "players",
    "max_players",
    "min_players",
    "status",
    "has_password",
    "private",
    "settings",
}

DEFAULT_SETTINGS = {"bot_level": "random", "target_players": 0}
"""What every room's settings hold unless the creator says otherwise."""

BAD_ROOMS = [
    pytest.param({"max_players": 1}, "max_players", "bad_message", id="too-few-seats"),
    pytest.param({"max_players": 3}, "max_players", "bad_message", id="too-many-seats"),
    pytest.param({"game": "chess"}, "game", "not_found", id="unknown-game"),
    pytest.param({"settings": {"bot_level": "godlike"}}, "bot_level", "bad_message", id="level"),
    pytest.param({"settings": {"target_players": 3}}, "target_players", "bad_message", id="high"),
    pytest.param({"settings": {"target_players": -1}}, "target_players", "bad_message", id="low"),
    pytest.param({"name": ""}, "name", "bad_message", id="empty-name"),
    pytest.param({"name": "  "}, "name", "bad_message", id="blank-name"),
    pytest.param({"name": "n" * 61}, "name", "bad_message", id="long-name"),
]
"""Rooms refused at creation: the fields, the field the refusal names, and its code (an unknown
game is `not_found`, as over REST, where the body says so with status 400)."""


def listed_ids(rooms: list[dict[str, Any]]) -> set[str]:
    """The ids in a room list."""
    return {room["id"] for room in rooms}


async def test_a_room_created_over_rest_is_listed_and_found(server: ServerProcess) -> None:
    owner = guest(server)
    status, room = await api(server, "POST", "/api/rooms/", owner, room_fields(name=" Friday "))
    assert status == 201, room
    assert set(room) == SUMMARY_KEYS and ROOM_CODE.fullmatch(room["id"])
    assert room == {
        **room_fields(name="Friday"),
        "id": room["id"],
        "owner": owner.player,
        "players": [owner.player],
        "min_players": 2,
        "status": "open",
        "has_password": False,
        "private": False,
        "settings": room["settings"],
    }
    assert room["settings"].items() >= DEFAULT_SETTINGS.items()
    status, rooms = await api(server, "GET", "/api/rooms/")
    assert status == 200 and room in rooms
    for code in (room["id"], room["id"].lower()):
        assert await api(server, "GET", f"/api/rooms/{code}/") == (200, room)
    status, rooms = await api(server, "GET", "/api/rooms/?game=tictactoe")
    assert room in rooms and {listed["game"] for listed in rooms} == {"tictactoe"}
    assert await api(server, "GET", "/api/rooms/?game=chess") == (200, [])
    socket, joined = await join_room(server, owner, room["id"])
    assert joined["room"]["owner_id"] == owner.id
    await socket.close()


async def test_only_open_rooms_over_rest(server: ServerProcess) -> None:
    full, clients = await seated(server, [guest(server), guest(server)])
    status, rooms = await api(server, "GET", "/api/rooms/")
    assert status == 200
    assert {listed["id"]: listed for listed in rooms}[full["id"]]["status"] == "full"
    status, rooms = await api(server, "GET", "/api/rooms/?only_open=true")
    assert status == 200 and full["id"] not in listed_ids(rooms)
    assert {listed["status"] for listed in rooms} <= {"open"}
    await close_all(clients)


async def test_room_codes_read_aloud_unambiguously(server: ServerProcess) -> None:
    codes = set()
    for _ in range(24):  # a guest each: one player owns at most 3 rooms at once
        body = room_fields(private=True)
        status, room = await api(server, "POST", "/api/rooms/", guest(server), body)
        assert status == 201, room
        codes.add(room["id"])
    assert len(codes) == 24
    assert all(ROOM_CODE.fullmatch(code) for code in codes), codes


async def test_a_private_room_is_unlisted_but_joinable_by_its_code(server: ServerProcess) -> None:
    owner, friend = guest(server), guest(server)
    status, room = await api(server, "POST", "/api/rooms/", owner, room_fields(private=True))
    assert status == 201 and room["private"] is True, room
    status, rooms = await api(server, "GET", "/api/rooms/")
    assert status == 200 and room["id"] not in listed_ids(rooms)
    lobby, rooms = await open_lobby(server, guest(server))
    assert room["id"] not in listed_ids(rooms)
    assert await api(server, "GET", f"/api/rooms/{room['id']}/") == (200, room)
    owner_socket, _ = await join_room(server, owner, room["id"])
    friend_socket, joined = await join_room(server, friend, room["id"])
    assert [seat["player"] for seat in joined["room"]["players"]] == [owner.player, friend.player]
    await close_all([lobby, owner_socket, friend_socket])


async def test_a_room_password_is_kept_hashed(server: ServerProcess) -> None:
    owner, other = guest(server), guest(server)
    body = room_fields(password="correct horse")
    status, room = await api(server, "POST", "/api/rooms/", owner, body)
    assert status == 201 and room["has_password"] is True, room
    assert b"correct horse" not in orjson.dumps(room)
    assert b"correct horse" not in orjson.dumps(await api(server, "GET", "/api/rooms/"))
    if "REDIS_URL" in server.env:
        store = redis.Redis.from_url(server.env["REDIS_URL"])
        try:
            prefix = server.env["GAMEROOMS_REDIS_PREFIX"]
            stored = store.hgetall(f"{prefix}doc:room:{room['id']}")
        finally:
            store.close()
        assert stored and not any(b"correct horse" in value for value in stored.values())
    client = await connect(server, room_path(room["id"]), other)
    await client.send("room.join", password="Correct Horse")
    error, code = await refused(client)
    assert_error(error, "wrong_password")
    assert code == 4003
    socket, _ = await join_room(server, other, room["id"], password="correct horse")
    await socket.close()


async def test_creating_a_room_needs_a_player(server: ServerProcess) -> None:
    status, body = await api(server, "POST", "/api/rooms/", None, room_fields())
    assert status == 401, body


async def test_an_unknown_code_is_not_found(server: ServerProcess) -> None:
    status, body = await api(server, "GET", "/api/rooms/NOROOM/")
    assert status == 404 and body["code"] == "not_found", body


@pytest.mark.parametrize(("fields", "field", "code"), BAD_ROOMS)
async def test_a_bad_room_is_refused_in_the_lobby(
    server: ServerProcess, fields: dict[str, Any], field: str, code: str
) -> None:
    owner = guest(server)
    lobby, _ = await open_lobby(server, owner)
    watcher, _ = await open_lobby(server, guest(server))
    reply = await lobby.request("room.create", **room_fields(**fields))
    assert_error(reply, code, reply["id"], field)
    await lobby_barrier(server, [watcher], {owner.id})
    assert (await lobby.request("room.create", **room_fields()))["type"] == "room.created"
    await close_all([lobby, watcher])


@pytest.mark.parametrize(("fields", "field", "code"), BAD_ROOMS)
async def test_a_bad_room_is_refused_over_rest(
    server: ServerProcess, fields: dict[str, Any], field: str, code: str
) -> None:
    owner = guest(server)
    status, body = await api(server, "POST", "/api/rooms/", owner, room_fields(**fields))
    assert status == 400 and field in orjson.dumps(body).decode(), body
    assert body.get("code", "bad_message") == code, body  # the serializer's have none
    status, rooms = await api(server, "GET", "/api/rooms/")
    assert status == 200 and all(room["owner"]["id"] != owner.id for room in rooms)


async def test_settings_get_their_defaults_and_drop_unknown_keys(server: ServerProcess) -> None:
    default = await new_room(server, guest(server))
    assert default["settings"].items() >= DEFAULT_SETTINGS.items()
    settings = {"bot_level": "hard", "target_players": 2, "colour": "blue"}
    room = await new_room(server, guest(server), settings=settings)
    assert room["settings"] == {**default["settings"], "bot_level": "hard", "target_players": 2}
