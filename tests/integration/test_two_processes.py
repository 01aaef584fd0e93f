"""Two server processes share one Redis and one database: a match spans both (docs/protocol.md).

Player 0 plays on process A and player 1 on process B; everything one process does must reach the
sockets of the other: updates, chat, presence, and seat replacement (4009).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from gamerooms.testing import GameClient, Guest, ServerProcess, running_server
from tests.integration.conftest import guests
from tests.integration.kit import (
    assert_error,
    barrier,
    close_all,
    frames_until_close,
    fresh_state,
    join,
    match_path,
    next_frame,
    place,
    race_for_seat,
)
from tests.support import cluster_env, redis_url_or_skip

Pair = tuple[ServerProcess, ServerProcess]


REDIS_DB = 12
"""This module's Redis database, flushed at start. The store's keys (matches, presence, timers)
are global to a database, and a timer is fired by whichever process claims it: processes of other
suites, with other databases, must not see these matches, nor these processes theirs."""


def private_redis_url() -> str:
    """The test Redis URL with this module's (flushed) database."""
    parts = urlsplit(redis_url_or_skip())
    url = urlunsplit(parts._replace(path=f"/{REDIS_DB}"))
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()
    return url


@pytest.fixture(scope="module")
def pair(request: pytest.FixtureRequest) -> Iterator[Pair]:
    """Processes A and B on the same Redis (or, param "cluster", the test Redis Cluster) and
    the same data folder (database, signing key)."""
    cluster = getattr(request, "param", "standalone") == "cluster"
    env = cluster_env() if cluster else {"REDIS_URL": private_redis_url()}
    with (
        tempfile.TemporaryDirectory() as data,
        running_server(data, env) as first,
        running_server(data, env) as second,
    ):
        yield first, second


def new_match(pair: Pair) -> tuple[str, list[Guest]]:
    """A tic-tac-toe match between two new guests (made on A, created through B's settings)."""
    players = guests(pair[0], 2)
    return pair[1].create_match("tictactoe", players), players


async def split(pair: Pair, match_id: str, players: list[Guest]) -> list[GameClient]:
    """Seat 0 connected to A, seat 1 to B."""
    zero, _ = await join(pair[0], match_id, players[0])
    one, state = await join(pair[1], match_id, players[1])
    assert [p["connected"] for p in state["players"]] == [True, True], state["players"]
    return [zero, one]


@pytest.mark.parametrize("pair", ["standalone", "cluster"], indirect=True)
async def test_play_to_a_win_across_processes(pair: Pair) -> None:
    match_id, players = new_match(pair)
    clients = await split(pair, match_id, players)
    cells = [0, 3, 1, 4, 2]
    for index, cell in enumerate(cells):
        mover, watcher = clients[index % 2], clients[1 - index % 2]
        reply = await mover.request("match.action", action="place", data={"cell": cell})
        heard = await next_frame(watcher)
        assert "id" in reply and "id" not in heard, (reply, heard)
        for update in (reply, heard):
            assert update["type"] == "match.update", update
            assert update["version"] == index + 1
            assert update["seat"] == index % 2
            assert update["action"] == {"name": "place", "data": {"cell": cell}}
            assert update["state"]["board"][cell] == index % 2
    for update in (reply, heard):
        assert update["status"] == "finished"
        assert update["result"]["winners"] == [0]
        assert update["turn"]["seats"] == []

    await barrier(clients[0], [clients[1]])  # chat from A reaches B
    await barrier(clients[1], [clients[0]])  # and from B reaches A
    state = await fresh_state(pair[0], match_id, players[1])
    assert state["version"] == len(cells) and state["status"] == "finished"
    await close_all(clients)


@pytest.mark.parametrize("seat_one", [True, False], ids=["seat-1-on-B", "B-alone"])
async def test_second_socket_on_the_other_process_replaces_the_first(
    pair: Pair, seat_one: bool
) -> None:
    """Seat 0 on A, then seat 0 on B: A's socket is closed 4009, B's plays on. Without seat 1,
    process B has no socket of the match before the replacement."""
    match_id, players = new_match(pair)
    old, _ = await join(pair[0], match_id, players[0])
    watchers = [(await join(pair[1], match_id, players[1]))[0]] if seat_one else []
    new, state = await join(pair[1], match_id, players[0])
    assert state["seat"] == 0
    frames, code = await frames_until_close(old)
    assert code == 4009
    assert [f for f in frames if f.get("type") != "match.player_reconnected"] == []

    reply = await new.request("match.action", action="place", data={"cell": 4})
    assert reply["type"] == "match.update" and reply["version"] == 1, reply
    for watcher in watchers:
        heard = await next_frame(watcher)
        assert heard["type"] == "match.update" and heard["version"] == 1
    await barrier(new, watchers)
    await close_all([new, *watchers])


async def test_sockets_racing_for_a_seat_across_processes_leave_exactly_one(pair: Pair) -> None:
    """Three sockets for seat 0 opened at once on A, B and A: exactly one keeps the seat."""
    match_id, players = new_match(pair)
    other, _ = await join(pair[1], match_id, players[1])
    urls = [server.ws_url(match_path(match_id), players[0].access) for server in (*pair, pair[0])]
    for _ in range(5):
        outcomes = await race_for_seat(urls, other)
        assert sorted(outcomes, key=str) == [4009, 4009, "open"], outcomes
    await other.close()


async def test_presence_crosses_processes(pair: Pair) -> None:
    """Seat 1 drops from B: seat 0 on A hears it, with a grace; it comes back on A: seat 0 hears
    that, and the returning socket gets the current state."""
    match_id, players = new_match(pair)
    zero, one = await split(pair, match_id, players)
    await one.close()
    dropped = await zero.receive()
    assert dropped["type"] == "match.player_disconnected" and dropped["seat"] == 1, dropped
    assert isinstance(dropped["grace_until"], str) and dropped["grace_until"]

    again, state = await join(pair[0], match_id, players[1])
    assert state["seat"] == 1 and [p["connected"] for p in state["players"]] == [True, True]
    back = await zero.receive()
    assert back == {"type": "match.player_reconnected", "seat": 1}, back
    await barrier(zero, [again])
    await close_all([zero, again])


async def test_racing_actions_with_the_same_version_apply_once(pair: Pair) -> None:
    """Seat 0 (on A) sends two moves expecting version 0, back to back: one is applied (version
    1, seen once by both seats), the other is refused as stale."""
    match_id, players = new_match(pair)
    zero, one = await split(pair, match_id, players)
    await place(zero, 0, version=0, request_id="first")
    await place(zero, 1, version=0, request_id="second")
    answers = {}
    for _ in range(2):
        message = await next_frame(zero)
        answers[message["id"]] = message
    applied, refused = answers["first"], answers["second"]
    assert applied["type"] == "match.update" and applied["version"] == 1, applied
    assert applied["action"]["data"] == {"cell": 0}
    assert_error(refused, "stale_version", "second")

    heard = await next_frame(one)
    assert heard["type"] == "match.update" and heard["version"] == 1, heard
    assert heard["action"]["data"] == {"cell": 0}
    await barrier(zero, [one])  # no second update anywhere
    state = await fresh_state(pair[0], match_id, players[1])
    assert state["version"] == 1
    assert state["state"]["board"][:2] == [0, None]
    await close_all([zero, one])


async def test_conflicting_actions_from_both_processes_at_once(pair: Pair) -> None:
    """Both seats send a move for version 0 at the same moment, from different processes: only
    seat 0's (whose turn it is) is applied; seat 1 is refused whatever the interleaving."""
    match_id, players = new_match(pair)
    zero, one = await split(pair, match_id, players)
    await place(one, 4, version=0, request_id="one")
    await place(zero, 0, version=0, request_id="zero")

    applied = await next_frame(zero)
    assert applied["type"] == "match.update" and applied["id"] == "zero", applied
    assert applied["version"] == 1 and applied["action"]["data"] == {"cell": 0}
    frames = sorted([await next_frame(one), await next_frame(one)], key=lambda m: m["type"])
    assert [m["type"] for m in frames] == ["error", "match.update"], frames
    refusal, update = frames
    assert refusal["id"] == "one" and refusal["code"] in {"not_your_turn", "stale_version"}
    assert update["version"] == 1 and "id" not in update

    await barrier(zero, [one])
    await barrier(one, [zero])
    state = await fresh_state(pair[1], match_id, players[0])
    assert state["version"] == 1 and state["state"]["board"][4] is None
    await close_all([zero, one])
