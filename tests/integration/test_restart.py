"""Stop and restart the embedded server mid-match: players get the same state and version."""

from __future__ import annotations

import tempfile

from gamerooms.testing import GameClient, ServerProcess, free_port
from tests.integration.conftest import guests, seat_clients


async def test_restart_mid_match_keeps_state_and_version() -> None:
    with tempfile.TemporaryDirectory() as data:
        server = ServerProcess(free_port(), data, {})
        server.start()
        try:
            players = guests(server, 2)
            match_id = server.create_match("tictactoe", players)
            clients = await seat_clients(server, match_id, players)
            for index, cell in enumerate([4, 0, 8]):
                reply = await clients[index % 2].request(
                    "match.action", action="place", data={"cell": cell}
                )
                assert reply["version"] == index + 1
            before = reply["state"]
        finally:
            server.stop()
        assert await clients[0].closed() is not None

        server.start()
        try:
            client = await GameClient.connect(
                server.ws_url(f"/ws/matches/{match_id}/", players[1].access)
            )
            state = await client.expect("match.state")
            assert state["version"] == 3
            assert state["state"] == before
            assert state["turn"]["seats"] == [1]
            reply = await client.request("match.action", action="place", data={"cell": 2})
            assert reply["type"] == "match.update" and reply["version"] == 4
            await client.close()
        finally:
            server.stop()
