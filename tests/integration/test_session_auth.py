"""A browser logged in with a Django session needs no token on its WebSocket."""

from __future__ import annotations

import uuid

import httpx
import websockets

from gamerooms.testing import GameClient, Guest, ServerProcess
from tests.integration.sessions import csrf_headers


async def test_session_cookie_authenticates_a_match_socket(memory_server: ServerProcess) -> None:
    base = memory_server.base_url
    name = f"user{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=base) as http:
        registered = await http.post(
            "/api/auth/register/", json={"username": name, "password": "s3cret-pass"}
        )
        assert registered.status_code == 201
        body = registered.json()
        csrf = await csrf_headers(http)
        wrong = await http.post(
            "/api/auth/login/", json={"username": name, "password": "nope"}, headers=csrf
        )
        assert wrong.status_code == 401
        login = await http.post(
            "/api/auth/login/", json={"username": name, "password": "s3cret-pass"}, headers=csrf
        )
        assert login.status_code == 200
        assert login.json()["id"] == body["player"]["id"]
        cookie = f"sessionid={http.cookies['sessionid']}"
        guest = await http.post("/api/auth/guest/", json={"name": "Opponent"})
    user = Guest(body["access"], body["refresh"], body["player"])
    opponent = Guest(**guest.json())
    match_id = memory_server.create_match("tictactoe", [user, opponent])
    url = memory_server.ws_url(f"/ws/matches/{match_id}/")
    connection = await websockets.connect(url, additional_headers={"Cookie": cookie})
    client = GameClient(connection)
    state = await client.expect("match.state")
    assert state["seat"] == 0
    reply = await client.request("match.action", action="place", data={"cell": 0})
    assert reply["type"] == "match.update"
    await client.close()

    anonymous = await GameClient.connect(url)
    refused = await anonymous.expect("error")
    assert refused["code"] == "not_authorized"
    assert await anonymous.closed() == 4002
