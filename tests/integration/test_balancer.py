"""Two `gamerooms serve` processes on a private Redis behind HAProxy with deploy/haproxy.cfg
(docs/deploying.md): every socket of a room or a match lands on one process, lobby and queue
sockets on both; when the process serving a match is killed (`kill -9`), its players reconnect
through the balancer to the other and play on from the same state and version.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gamerooms.testing import Balancer, GameClient, ServerProcess, running_server
from tests.integration.conftest import guests
from tests.integration.kit import close_all, fresh_state, join, next_frame
from tests.integration.outages import WAIT_SECONDS, PrivateRedis, reconnect
from tests.integration.rooms_kit import LOBBY, connect, join_room, new_room, queue_path
from tests.integration.scraping import scrape, value
from tests.support import haproxy_or_skip, redis_url_or_skip

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "haproxy.cfg"

Pair = tuple[ServerProcess, ServerProcess]


@contextmanager
def balanced() -> Iterator[tuple[Balancer, Pair]]:
    """HAProxy in front of processes A and B, which share a private Redis and a data folder."""
    haproxy_or_skip()
    redis_url_or_skip()  # where the shared Redis runs, redis-server is installed
    redis = PrivateRedis()
    redis.start()
    try:
        with (
            tempfile.TemporaryDirectory() as data,
            running_server(data, {"REDIS_URL": redis.url}) as first,
            running_server(data, {"REDIS_URL": redis.url}) as second,
        ):
            balancer = Balancer.in_front_of([first, second], CONFIG)
            balancer.start()
            try:
                yield balancer, (first, second)
            finally:
                balancer.stop()
    finally:
        redis.stop()


async def sockets(servers: list[ServerProcess], kind: str, total: int) -> list[int]:
    """Each server's open sockets of `kind`, once they add up to `total`."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        counts = [
            int(value(await scrape(server), "gamerooms_sockets", kind=kind)) for server in servers
        ]
        if sum(counts) == total:
            return counts
        assert time.monotonic() < deadline, (kind, counts, total)
        await asyncio.sleep(0.05)


async def test_a_room_s_and_a_match_s_sockets_share_a_process_while_others_spread() -> None:
    with balanced() as (balancer, pair):
        players = guests(balancer, 4)
        for _ in range(3):
            match_id = balancer.create_match("tictactoe", players[:2])
            clients = [(await join(balancer, match_id, player))[0] for player in players[:2]]
            assert sorted(await sockets(list(pair), "match", 2)) == [0, 2]
            await close_all(clients)
            await sockets(list(pair), "match", 0)

        room = await new_room(balancer, players[0], max_players=4, game="blackjack")
        members = [(await join_room(balancer, player, room["id"]))[0] for player in players]
        assert sorted(await sockets(list(pair), "room", 4)) == [0, 4]
        await close_all(members)

        lobbies = [await connect(balancer, LOBBY, player) for player in players]
        assert await sockets(list(pair), "lobby", 4) == [2, 2]
        queued = [
            await connect(balancer, queue_path("blackjack"), player, "players=7")
            for player in players
        ]
        for client in queued:
            await client.expect("queue.waiting")
        assert await sockets(list(pair), "queue", 4) == [2, 2]
        await close_all([*lobbies, *queued])


async def test_the_players_of_a_killed_process_play_on_through_the_balancer() -> None:
    with balanced() as (balancer, pair):
        players = guests(balancer, 2)
        match_id = balancer.create_match("tictactoe", players)
        clients = [(await join(balancer, match_id, player))[0] for player in players]
        counts = await sockets(list(pair), "match", 2)
        serving, survivor = pair if counts == [2, 0] else pair[::-1]

        version = await play(clients, [4, 0, 8])  # each move acknowledged, and heard
        serving.kill()
        for client in clients:
            await client.closed(timeout=WAIT_SECONDS)

        clients = []
        for player in players:
            client, state = await reconnect(balancer, match_id, player)
            assert (state["status"], state["version"]) == ("active", version), state
            assert state["state"]["board"] == [1, None, None, None, 0, None, None, None, 0]
            clients.append(client)
        assert await sockets([survivor], "match", 2) == [2]

        assert await play(clients, [2, 6, 1], first=version) == version + 3
        await close_all(clients)
        state = await fresh_state(balancer, match_id, players[1])
        assert state["status"] == "finished" and state["result"]["winners"] == [1], state


async def play(clients: list[GameClient], cells: list[int], first: int = 0) -> int:
    """Tic-tac-toe moves in turn from move `first` on, each answered to its mover and heard by
    the other seat; the version after the last."""
    for number, cell in enumerate(cells, first):
        mover, watcher = clients[number % 2], clients[1 - number % 2]
        reply = await mover.request("match.action", action="place", data={"cell": cell})
        heard = await next_frame(watcher)
        for update in (reply, heard):
            assert update["type"] == "match.update" and update["version"] == number + 1, update
    return first + len(cells)
