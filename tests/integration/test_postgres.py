"""`DATABASE_URL` moves the durable records to PostgreSQL; a restart still keeps the match."""

from __future__ import annotations

import tempfile

from gamerooms.testing import GameClient, ServerProcess, free_port
from tests.integration.conftest import guests, seat_clients
from tests.support import postgres_url_or_skip


async def test_match_on_postgres_survives_a_restart() -> None:
    env = {"DATABASE_URL": postgres_url_or_skip()}
    with tempfile.TemporaryDirectory() as data:
        server = ServerProcess(free_port(), data, env)
        server.start()
        try:
            players = guests(server, 2)
            match_id = server.create_match("tictactoe", players)
            clients = await seat_clients(server, match_id, players)
            reply = await clients[0].request("match.action", action="place", data={"cell": 4})
            assert reply["version"] == 1
        finally:
            server.stop()
        server.start()
        try:
            client = await GameClient.connect(
                server.ws_url(f"/ws/matches/{match_id}/", players[1].access)
            )
            state = await client.expect("match.state")
            assert state["version"] == 1
            assert state["state"]["board"][4] == 0
            await client.close()
        finally:
            server.stop()
