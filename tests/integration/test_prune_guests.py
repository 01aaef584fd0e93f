"""`gamerooms prune-guests --days N` against a real server's database: guests unused for N days
lose their accounts (their tokens stop working), match records they sat in stay whole (action
log included) with their names anonymized, and registered players and recent guests are
untouched."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

from gamerooms.testing import GameClient, Guest, ServerProcess, create_guest
from tests.integration.rooms_kit import api, guest


def prune(server: ServerProcess, days: float) -> str:
    """Run the command on this server's data folder; its output."""
    command = [sys.executable, "-m", "gamerooms", "prune-guests", "--days", str(days)]
    command += ["--data", server.data]
    done = subprocess.run(
        command, env={**os.environ, **server.env}, check=True, capture_output=True, timeout=60
    )
    return done.stdout.decode().strip()


async def me(server: ServerProcess, player: Guest) -> int:
    """The status of GET /api/me/ with this player's token."""
    status, _ = await api(server, "GET", "/api/me/", player)
    return status


async def test_prune_guests(memory_server: ServerProcess) -> None:
    idle, ann, bob = guest(memory_server), guest(memory_server), guest(memory_server)
    username = f"reg-{uuid.uuid4().hex[:6]}"
    credentials = {"username": username, "password": "correct horse battery"}
    status, reply = await api(memory_server, "POST", "/api/auth/register/", body=credentials)
    assert status == 201
    registered = Guest(reply["access"], reply["refresh"], reply["player"])
    match_id = memory_server.create_match("tictactoe", [ann, registered], seed=3)
    client = await GameClient.connect(memory_server.ws_url(f"/ws/matches/{match_id}/", ann.access))
    try:
        await client.expect("match.state")
        await client.request("match.action", action="place", data={"cell": 0})
    finally:
        await client.close()
    _, before = await api(memory_server, "GET", f"/api/matches/{match_id}/")

    assert prune(memory_server, days=1) == "removed 0 guests (0 kept anonymized in match records)"
    assert [await me(memory_server, player) for player in (idle, ann, bob, registered)] == [200] * 4

    output = prune(memory_server, days=0)
    assert output == "removed 3 guests (1 kept anonymized in match records)"
    assert [await me(memory_server, player) for player in (idle, ann, bob)] == [401] * 3
    assert await me(memory_server, registered) == 200

    _, after = await api(memory_server, "GET", f"/api/matches/{match_id}/")
    players = [seat["player"] for seat in after["seats"]]
    assert [(player["id"], player["name"]) for player in players] == [
        (ann.id, "Guest"),
        (registered.id, username),
    ]
    assert players[0]["avatar"] == before["seats"][0]["player"]["avatar"]
    assert after | {"seats": None} == before | {"seats": None}

    newcomer = create_guest(memory_server.base_url, "New")
    prune(memory_server, days=1)
    assert await me(memory_server, newcomer) == 200
