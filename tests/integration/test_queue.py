"""The matchmaking queue on a real server (docs/protocol.md): waiting counts, matches, match sizes,
cancelling, and one place per player.

Every test leaves the queues it used empty (its players are matched or cancel, and a cancel is
done once its 4000 close arrives), so the next test's counts start from zero.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gamerooms.testing import GameClient, Guest, ServerProcess
from tests.integration.kit import assert_error, frames_until_close, join
from tests.integration.rooms_kit import connect, guest, queue_path, refused, tuned_server


@pytest.fixture(scope="module", params=["memory", "redis"])
def tuned(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """A server per backend that offers the Counter game (2 to 8 players) too."""
    with tuned_server(request.param) as process:
        yield process


async def enqueue(
    server: ServerProcess, player: Guest, game: str, query: str = ""
) -> tuple[GameClient, dict[str, Any]]:
    """A queue socket of `player` and its first frame, which must be a queue.waiting."""
    client = await connect(server, queue_path(game), player, query)
    return client, await client.expect("queue.waiting")


def waiting(queued: int, needed: int) -> dict[str, Any]:
    """The queue.waiting frame for these counts."""
    return {"type": "queue.waiting", "queued": queued, "needed": needed}


async def cancel(client: GameClient) -> None:
    """Leave the queue; done once the server closes the socket with 4000."""
    await client.send("queue.cancel")
    assert await client.closed() == 4000


async def matched(clients: list[GameClient]) -> str:
    """The match id every client got in its last frame before its 4001 close (only
    queue.waiting frames before it)."""
    found = set()
    for client in clients:
        frames, code = await frames_until_close(client)
        assert code == 4001, frames
        assert frames and frames[-1]["type"] == "match.found", frames
        assert all(frame["type"] == "queue.waiting" for frame in frames[:-1]), frames
        found.add(frames[-1]["match_id"])
    [match_id] = found
    return match_id


async def seated_ids(server: ServerProcess, match_id: str, player: Guest) -> list[str]:
    """The player ids of a match by seat, as `player` sees them."""
    client, state = await join(server, match_id, player)
    await client.close()
    seats = sorted(state["players"], key=lambda seat: seat["seat"])
    assert [seat["seat"] for seat in seats] == list(range(len(seats)))
    return [seat["player"]["id"] for seat in seats]


async def test_two_queued_players_get_one_match(server: ServerProcess) -> None:
    first, second = guest(server), guest(server)
    first_socket, frame = await enqueue(server, first, "tictactoe")
    assert frame == waiting(1, 2)
    second_socket = await connect(server, queue_path("tictactoe"), second)
    match_id = await matched([first_socket, second_socket])
    assert sorted(await seated_ids(server, match_id, first)) == sorted([first.id, second.id])


async def test_an_unknown_game_is_closed_with_4004(server: ServerProcess) -> None:
    client = await connect(server, queue_path("chess"), guest(server))
    error, code = await refused(client)
    assert_error(error, "not_found")
    assert code == 4004


@pytest.mark.parametrize("asked", ["1", "3", "-2", "two"])
async def test_a_match_size_out_of_range_is_refused(server: ServerProcess, asked: str) -> None:
    client = await connect(server, queue_path("tictactoe"), guest(server), f"players={asked}")
    error, code = await refused(client)
    assert_error(error, "bad_message", field="players")
    assert code == 4003


async def test_queue_join_out_of_range_is_refused_and_keeps_the_place(
    server: ServerProcess,
) -> None:
    first, second = guest(server), guest(server)
    first_socket, _ = await enqueue(server, first, "tictactoe")
    for players in (1, 3):
        reply = await first_socket.request("queue.join", players=players)
        assert_error(reply, "bad_message", reply["id"], "players")
    second_socket = await connect(server, queue_path("tictactoe"), second)
    match_id = await matched([first_socket, second_socket])
    assert sorted(await seated_ids(server, match_id, second)) == sorted([first.id, second.id])


async def test_queue_join_moves_to_the_asked_match_size(tuned: ServerProcess) -> None:
    mover, other, pair = guest(tuned), guest(tuned), guest(tuned)
    mover_socket, frame = await enqueue(tuned, mover, "counter")
    assert frame == waiting(1, 2)
    await mover_socket.send("queue.join", players=3)
    assert await mover_socket.expect("queue.waiting") == waiting(1, 3)
    other_socket, frame = await enqueue(tuned, other, "counter", "players=3")
    assert frame == waiting(2, 3)
    assert await mover_socket.expect("queue.waiting") == waiting(2, 3)
    pair_socket, frame = await enqueue(tuned, pair, "counter", "players=2")
    assert frame == waiting(1, 2)
    for client in (pair_socket, other_socket, mover_socket):
        await cancel(client)


async def test_cancel_closes_4000_and_the_count_goes_down(tuned: ServerProcess) -> None:
    first, second, third = guest(tuned), guest(tuned), guest(tuned)
    first_socket, frame = await enqueue(tuned, first, "counter", "players=3")
    assert frame == waiting(1, 3)
    second_socket, frame = await enqueue(tuned, second, "counter", "players=3")
    assert frame == waiting(2, 3)
    assert await first_socket.expect("queue.waiting") == waiting(2, 3)
    await cancel(second_socket)
    assert await first_socket.expect("queue.waiting") == waiting(1, 3)
    third_socket, frame = await enqueue(tuned, third, "counter", "players=3")
    assert frame == waiting(2, 3)
    assert await first_socket.expect("queue.waiting") == waiting(2, 3)
    for client in (first_socket, third_socket):
        await cancel(client)


async def test_a_second_socket_replaces_the_first_without_queueing_twice(
    server: ServerProcess,
) -> None:
    twice, partner, later = guest(server), guest(server), guest(server)
    older, frame = await enqueue(server, twice, "tictactoe")
    assert frame == waiting(1, 2)
    newer, frame = await enqueue(server, twice, "tictactoe")
    assert frame == waiting(1, 2)
    assert await older.closed() == 4009
    partner_socket = await connect(server, queue_path("tictactoe"), partner)
    match_id = await matched([newer, partner_socket])
    assert sorted(await seated_ids(server, match_id, partner)) == sorted([twice.id, partner.id])
    later_socket, frame = await enqueue(server, later, "tictactoe")
    assert frame == waiting(1, 2)
    await cancel(later_socket)
