"""Two `gamerooms serve` processes on a private Redis behind HAProxy with deploy/haproxy.cfg
(docs/deploying.md): every socket of a room or a match lands on one process, lobby and queue
sockets on both; when the process serving a match is killed (`kill -9`), its players reconnect
through the balancer to the other and play on from the same state and version (on Redis and on a
Redis Cluster); a process whose store stops answering gets no new requests or sockets until it
answers again.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from gamerooms.testing import Balancer, GameClient, ServerProcess, running_server
from tests.integration.conftest import guests
from tests.integration.kit import close_all, fresh_state, join, next_frame
from tests.integration.outages import (
    WAIT_SECONDS,
    PrivateRedis,
    health,
    health_becomes,
    private_redis,
    reconnect,
)
from tests.integration.rooms_kit import (
    LOBBY,
    connect,
    join_room,
    new_room,
    open_lobby,
    queue_path,
)
from tests.integration.scraping import scrape, value
from tests.support import cluster_env, haproxy_or_skip

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "haproxy.cfg"

Pair = tuple[ServerProcess, ServerProcess]


@contextmanager
def balanced(
    stores: Sequence[PrivateRedis] = (), env: dict[str, str] | None = None
) -> Iterator[tuple[Balancer, Pair]]:
    """HAProxy in front of processes A and B, which share a data folder and a private Redis,
    or use one of the two `stores` each, or both the store that `env` names."""
    haproxy_or_skip()
    with ExitStack() as stack:
        if env is None:
            first_store, second_store = stores or [stack.enter_context(private_redis())] * 2
            envs = [{"REDIS_URL": first_store.url}, {"REDIS_URL": second_store.url}]
        else:
            envs = [env, env]
        data = stack.enter_context(tempfile.TemporaryDirectory())
        first = stack.enter_context(running_server(data, envs[0]))
        second = stack.enter_context(running_server(data, envs[1]))
        balancer = Balancer.in_front_of([first, second], CONFIG)
        stack.callback(balancer.stop)
        balancer.start()
        yield balancer, (first, second)


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


@pytest.mark.parametrize("store", ["redis", "redis-cluster"])
async def test_the_players_of_a_killed_process_play_on_through_the_balancer(store: str) -> None:
    with balanced(env=cluster_env() if store == "redis-cluster" else None) as (balancer, pair):
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


ROUNDS = 10
"""New requests or sockets through the balancer that must all reach the one process in rotation."""


async def only_healthy_answer(balancer: Balancer) -> None:
    """Poll /healthz through the balancer, a new connection each time, until ROUNDS answers in
    a row are 200: round robin would send every other one to a process still in rotation."""
    deadline = time.monotonic() + WAIT_SECONDS
    in_a_row = 0
    while in_a_row < ROUNDS:
        status, body = await health(balancer)
        in_a_row = in_a_row + 1 if status == 200 else 0
        assert time.monotonic() < deadline, (status, body)
        await asyncio.sleep(0.1)


async def test_a_process_whose_store_is_down_leaves_the_rotation_until_it_answers() -> None:
    with (
        private_redis() as lost,
        private_redis() as kept,
        balanced([lost, kept]) as (balancer, pair),
    ):
        players = guests(balancer, ROUNDS)
        lost.stop()
        assert (await health_becomes(pair[0], 503))["status"] == "unavailable"
        await only_healthy_answer(balancer)
        lobbies = [(await open_lobby(balancer, player))[0] for player in players]
        assert await sockets([pair[1]], "lobby", ROUNDS) == [ROUNDS]
        await close_all(lobbies)

        lost.start()
        assert (await health_becomes(pair[0], 200))["status"] == "ok"
        lobbies = []
        deadline = time.monotonic() + WAIT_SECONDS
        for player in itertools.cycle(players):
            lobbies.append((await open_lobby(balancer, player))[0])
            if (await sockets(list(pair), "lobby", len(lobbies)))[0]:
                break
            assert time.monotonic() < deadline, "the balancer never sent a socket back to A"
            await asyncio.sleep(0.1)
        await close_all(lobbies)
