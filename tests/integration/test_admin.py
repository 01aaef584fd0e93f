"""The Django admin on a real `gamerooms serve`: a superuser made with `gamerooms
createsuperuser` logs in, lists and opens match records (seats, result, replay link), reads the
action log without being able to change it, sees live rooms and matches from the store, closes a
room and ends a match."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from gamerooms.testing import GameClient, ServerProcess
from tests.integration.rooms_kit import api, guest, room_fields

PASSWORD = "correct horse battery staple"
ENDED = {"winners": [], "scores": None, "reason": "ended"}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def create_superuser(server: ServerProcess, username: str) -> None:
    """An admin account on this server's database, made as an operator would."""
    command = [sys.executable, "-m", "gamerooms", "createsuperuser", "--data", server.data]
    command += ["--username", username, "--email", f"{username}@example.com", "--noinput"]
    env = {**os.environ, **server.env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=60)


def csrf_token(page: httpx.Response) -> str:
    """The CSRF token of the first form on an admin page."""
    found = CSRF_FIELD.search(page.text)
    assert found is not None, page.text
    return found.group(1)


@pytest.fixture
async def admin_http(memory_server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client logged in to /admin/ as a new superuser."""
    username = f"root-{uuid.uuid4().hex[:6]}"
    create_superuser(memory_server, username)
    async with httpx.AsyncClient(base_url=memory_server.base_url, timeout=10) as http:
        login = await http.get("/admin/login/")
        assert login.status_code == 200
        form = {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_token(login),
        }
        response = await http.post("/admin/login/?next=/admin/", data=form)
        assert response.status_code == 302
        assert response.headers["location"] == "/admin/"
        yield http


async def test_admin_needs_a_login(memory_server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=memory_server.base_url, timeout=10) as http:
        response = await http.get("/admin/gamerooms/matchrecord/")
    assert response.status_code == 302
    assert response.headers["location"].startswith("/admin/login/")


async def test_match_records_and_the_action_log(
    memory_server: ServerProcess, admin_http: httpx.AsyncClient
) -> None:
    ann, bob = guest(memory_server), guest(memory_server)
    match_id = memory_server.create_match("tictactoe", [ann, bob], seed=7)
    client = await GameClient.connect(memory_server.ws_url(f"/ws/matches/{match_id}/", ann.access))
    try:
        await client.expect("match.state")
        await client.request("match.action", action="place", data={"cell": 4})
    finally:
        await client.close()

    listing = await admin_http.get("/admin/gamerooms/matchrecord/")
    assert listing.status_code == 200
    assert match_id in listing.text
    assert f'href="/matches/{match_id}/replay/"' in listing.text
    assert 'href="/admin/gamerooms/matchrecord/live/"' in listing.text

    record = await admin_http.get(f"/admin/gamerooms/matchrecord/{match_id}/change/")
    assert record.status_code == 200
    assert ann.player["name"] in record.text and bob.player["name"] in record.text
    assert f'href="/matches/{match_id}/replay/"' in record.text
    assert (await admin_http.get(f"/matches/{match_id}/replay/")).status_code == 200

    log = await admin_http.get(f"/admin/gamerooms/actionrecord/?q={match_id}")
    assert log.status_code == 200
    assert "place" in log.text
    assert (await admin_http.get("/admin/gamerooms/actionrecord/add/")).status_code == 403
    action_page = re.search(r'href="(/admin/gamerooms/actionrecord/\d+/change/)', log.text)
    assert action_page is not None
    view = await admin_http.get(action_page.group(1))
    assert view.status_code == 200
    assert 'name="_save"' not in view.text

    players = await admin_http.get(f"/admin/gamerooms/player/?q={ann.id}")
    assert players.status_code == 200
    assert ann.player["name"] in players.text


async def test_live_rooms_and_matches_and_closing_a_room(
    memory_server: ServerProcess, admin_http: httpx.AsyncClient
) -> None:
    owner, ann, bob = guest(memory_server), guest(memory_server), guest(memory_server)
    status, room = await api(memory_server, "POST", "/api/rooms/", owner, room_fields())
    assert status == 201
    match_id = memory_server.create_match("tictactoe", [ann, bob])
    client = await GameClient.connect(memory_server.ws_url(f"/ws/matches/{match_id}/", ann.access))
    try:
        await client.expect("match.state")
        live = await admin_http.get("/admin/gamerooms/matchrecord/live/")
    finally:
        await client.close()
    assert live.status_code == 200
    assert (
        room["id"] in live.text and room["name"] in live.text and owner.player["name"] in live.text
    )
    assert match_id in live.text and ann.player["name"] in live.text

    form = {"close": room["id"], "csrfmiddlewaretoken": csrf_token(live)}
    closed = await admin_http.post("/admin/gamerooms/matchrecord/live/", data=form)
    assert closed.status_code == 302
    after = await admin_http.get(closed.headers["location"])
    assert f"Room {room['id']} closed." in after.text
    assert f"<td>{room['id']}</td>" not in after.text
    status, refusal = await api(memory_server, "GET", f"/api/rooms/{room['id']}/")
    assert (status, refusal["code"]) == (404, "not_found")


async def test_ending_a_live_match(
    memory_server: ServerProcess, admin_http: httpx.AsyncClient
) -> None:
    ann, bob = guest(memory_server), guest(memory_server)
    match_id = memory_server.create_match("tictactoe", [ann, bob])
    path = f"/ws/matches/{match_id}/"
    sockets = [await GameClient.connect(memory_server.ws_url(path, p.access)) for p in (ann, bob)]
    try:
        for socket in sockets:
            await socket.expect("match.state")
        await sockets[0].request("match.action", action="place", data={"cell": 4})
        await sockets[1].expect("match.update")
        live = await admin_http.get("/admin/gamerooms/matchrecord/live/")
        assert f'name="end" value="{match_id}"' in live.text

        form = {"end": match_id, "csrfmiddlewaretoken": csrf_token(live)}
        ended = await admin_http.post("/admin/gamerooms/matchrecord/live/", data=form)
        assert ended.status_code == 302
        for socket in sockets:
            final = await socket.wait_for("match.update")
            assert final["status"] == "finished" and final["result"] == ENDED, final
            assert final["seat"] is None and final["events"] == [{"type": "ended"}]
            assert final["action"] == {"name": "end", "data": {}} and final["version"] == 1
        late = await sockets[1].request("match.action", action="place", data={"cell": 0})
        assert (late["type"], late["code"]) == ("error", "match_over"), late
    finally:
        for socket in sockets:
            await socket.close()
    after = await admin_http.get(ended.headers["location"])
    assert f"Match {match_id} ended." in after.text
    assert f'name="end" value="{match_id}"' not in after.text
    status, record = await api(memory_server, "GET", f"/api/matches/{match_id}/")
    assert (status, record["status"], record["result"]) == (200, "finished", ENDED), record

    form = {"end": match_id, "csrfmiddlewaretoken": csrf_token(after)}
    again = await admin_http.post(
        "/admin/gamerooms/matchrecord/live/", data=form, follow_redirects=True
    )
    assert f"Match {match_id} is already over." in again.text
    status, record = await api(memory_server, "GET", f"/api/matches/{match_id}/")
    assert record["result"] == ENDED and record["version"] == 1, record
