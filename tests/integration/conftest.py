"""Real `gamerooms serve` processes, on the embedded default and on Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from gamerooms.testing import GameClient, Guest, ServerProcess, create_guest, running_server
from tests.support import redis_env


@pytest.fixture(scope="module", params=["memory", "redis"])
def server(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """One server process per module and backend."""
    env = {}
    if request.param == "redis":
        env |= redis_env()
    with running_server(env=env) as process:
        yield process


@pytest.fixture(scope="module")
def memory_server() -> Iterator[ServerProcess]:
    """One embedded-default server process per module."""
    with running_server() as process:
        yield process


def guests(server: ServerProcess, count: int) -> list[Guest]:
    """New guests on this server."""
    return [create_guest(server.base_url, f"P{i}-{uuid.uuid4().hex[:4]}") for i in range(count)]


async def seat_clients(
    server: ServerProcess, match_id: str, players: list[Guest]
) -> list[GameClient]:
    """A connected client per player, each past its match.state."""
    clients = []
    for player in players:
        client = await GameClient.connect(server.ws_url(f"/ws/matches/{match_id}/", player.access))
        state = await client.expect("match.state")
        assert state["match_id"] == match_id
        clients.append(client)
    return clients
