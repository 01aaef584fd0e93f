"""Abuse hygiene (docs/protocol.md, "Throttles and caps"): REST throttles on password checks,
sign-ups and room look-ups, caps on the rooms and drafts one player holds, CSRF on session
login and logout, and access tokens kept out of the access log."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from gamerooms.testing import GameClient, ServerProcess, running_server
from tests.integration.kit import assert_error
from tests.integration.rooms_kit import (
    api,
    guest,
    join_room,
    log_a_token,
    next_about,
    open_lobby,
    room_fields,
)
from tests.integration.sessions import PASSWORD, csrf_headers
from tests.support import redis_env

ROOM_CAP = 3
DRAFT_CAP = 3
LOGIN_ALLOWANCE = 10
ATTEMPTS = 50
"""Room creations one guest tries, paced inside the frame allowance."""


def _register(http: httpx.Client) -> str:
    username = f"user{uuid.uuid4().hex[:8]}"
    answer = http.post("/api/auth/register/", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    return username


def _flood_login(servers: list[ServerProcess], username: str) -> list[int]:
    """Statuses of LOGIN_ALLOWANCE + 1 wrong passwords and then the right one, round robin."""
    statuses = []
    for attempt in range(LOGIN_ALLOWANCE + 2):
        password = PASSWORD if attempt == LOGIN_ALLOWANCE + 1 else f"wrong {attempt}"
        server = servers[attempt % len(servers)]
        answer = httpx.post(
            f"{server.base_url}/api/auth/token/",
            json={"username": username, "password": password},
        )
        statuses.append(answer.status_code)
    return statuses


def test_a_wrong_password_flood_on_the_token_endpoint_gets_429() -> None:
    with running_server() as server, httpx.Client(base_url=server.base_url) as http:
        username = _register(http)
        statuses = _flood_login([server], username)
        assert statuses == [401] * LOGIN_ALLOWANCE + [429, 429], statuses
        # Session login checks passwords too, and shares the allowance.
        login = http.post(
            "/api/auth/login/",
            json={"username": username, "password": PASSWORD},
            headers={"X-CSRFToken": http.get("/api/auth/login/").json()["csrf_token"]},
        )
        assert login.status_code == 429 and "Retry-After" in login.headers, login.text


@pytest.mark.redis
def test_throttles_hold_across_processes_on_redis() -> None:
    env = redis_env()
    with ExitStack() as stack:
        data = stack.enter_context(tempfile.TemporaryDirectory())
        servers = [stack.enter_context(running_server(data, env)) for _ in range(2)]
        with httpx.Client(base_url=servers[0].base_url) as http:
            username = _register(http)
        statuses = _flood_login(servers, username)
        assert statuses == [401] * LOGIN_ALLOWANCE + [429, 429], statuses


def test_guests_registrations_and_room_look_ups_are_throttled() -> None:
    env = {
        "GAMEROOMS_THROTTLE_GUEST": "5/min",
        "GAMEROOMS_THROTTLE_REGISTER": "3/min",
        "GAMEROOMS_THROTTLE_ROOM_LOOKUP": "5/min",
    }
    with running_server(env=env) as server, httpx.Client(base_url=server.base_url) as http:
        guests = [http.post("/api/auth/guest/", json={"name": "G"}) for _ in range(6)]
        assert [answer.status_code for answer in guests] == [201] * 5 + [429]
        registrations = [
            http.post(
                "/api/auth/register/",
                json={"username": f"u{i}{uuid.uuid4().hex[:6]}", "password": PASSWORD},
            )
            for i in range(4)
        ]
        assert [answer.status_code for answer in registrations] == [201] * 3 + [429]
        lookups = [http.get(f"/api/rooms/{code}/") for code in ("AAAAAA", "BBBBBB") * 3]
        assert [answer.status_code for answer in lookups] == [404] * 5 + [429]
        assert int(lookups[-1].headers["Retry-After"]) > 0


async def _create_until_refused(lobby: GameClient) -> tuple[list[str], list[dict[str, object]]]:
    """ATTEMPTS room.create requests paced at 19 a second: the rooms made, and the refusals."""
    made, refusals = [], []
    for _ in range(ATTEMPTS):
        reply = await lobby.request("room.create", **room_fields())
        if reply["type"] == "room.created":
            made.append(reply["room"]["id"])
        else:
            refusals.append(reply)
        await asyncio.sleep(1 / 19)  # pacing inside the frame allowance, not a wait for state
    return made, refusals


async def test_one_guest_cannot_open_more_than_three_rooms(server: ServerProcess) -> None:
    owner = guest(server)
    lobby, _ = await open_lobby(server, owner)
    made, refusals = await _create_until_refused(lobby)
    assert len(made) == ROOM_CAP, made
    assert len(refusals) == ATTEMPTS - ROOM_CAP
    for refusal in refusals:
        assert_error(refusal, "limit_reached", refusal["id"])
    status, body = await api(server, "POST", "/api/rooms/", owner, room_fields())
    assert (status, body["code"]) == (409, "limit_reached"), body

    # Leaving a room frees its place; someone else's cap is their own.
    socket, _ = await join_room(server, owner, made[0])
    await socket.send("room.leave")
    assert await socket.closed() == 4000
    status, body = await api(server, "POST", "/api/rooms/", owner, room_fields())
    assert status == 201, body
    assert (await lobby.request("room.create", **room_fields()))["code"] == "limit_reached"
    other = guest(server)
    status, body = await api(server, "POST", "/api/rooms/", other, room_fields())
    assert status == 201, body
    await lobby.close()


async def test_one_guest_has_at_most_three_drafts(server: ServerProcess) -> None:
    drafter = guest(server)
    lobbies = [(await open_lobby(server, drafter))[0] for _ in range(DRAFT_CAP + 1)]
    watcher = lobbies[0]
    pending_ids = []
    for lobby in lobbies[:DRAFT_CAP]:
        await lobby.send("room.drafting")
        pending = await next_about(watcher, {drafter.id})
        assert pending["type"] == "lobby.room_pending", pending
        pending_ids.append(pending["pending_id"])
    refused = await lobbies[DRAFT_CAP].request("room.drafting")
    assert_error(refused, "limit_reached", refused["id"])

    await lobbies[0].send("room.draft_cancel")
    cancelled = await next_about(watcher, {drafter.id, pending_ids[0]})
    assert cancelled == {"type": "lobby.room_pending_cancelled", "pending_id": pending_ids[0]}
    await lobbies[DRAFT_CAP].send("room.drafting")
    again = await next_about(watcher, {drafter.id})
    assert again["type"] == "lobby.room_pending" and again["by"] == drafter.player, again
    for lobby in lobbies:
        await lobby.close()


@pytest.fixture(scope="module")
def quiet_server() -> Iterator[ServerProcess]:
    """An embedded-default server with default settings."""
    with running_server() as process:
        yield process


async def test_session_login_and_logout_need_the_csrf_token(quiet_server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=quiet_server.base_url) as http:
        username = f"user{uuid.uuid4().hex[:8]}"
        credentials = {"username": username, "password": PASSWORD}
        assert (await http.post("/api/auth/register/", json=credentials)).status_code == 201
        forged = await http.post("/api/auth/login/", json=credentials)
        assert forged.status_code == 403 and "CSRF" in forged.json()["detail"], forged.text
        assert "sessionid" not in http.cookies
        csrf = await csrf_headers(http)
        assert (await http.post("/api/auth/login/", json=credentials, headers=csrf)).is_success
        csrf = await csrf_headers(http)  # a login rotates the token
        assert (await http.get("/api/me/")).status_code == 200
        assert (await http.post("/api/auth/logout/")).status_code == 403
        assert (await http.get("/api/me/")).status_code == 200
        assert (await http.post("/api/auth/logout/", headers=csrf)).status_code == 204
        assert (await http.get("/api/me/")).status_code in (401, 403)


async def test_access_tokens_never_reach_the_access_log(tmp_path: Path) -> None:
    player, text = await log_a_token(tmp_path / "server.log")
    assert "GET /api/games/?token=[redacted]&x=1" in text, text[-2000:]
    assert "/ws/lobby/?token=[redacted]" in text, text[-2000:]
    assert player.access not in text
    assert player.access.split(".")[2] not in text
