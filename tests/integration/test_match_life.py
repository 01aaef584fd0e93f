"""A match's life on a real server (docs/protocol.md): bots in empty seats, the turn clock,
reconnection, leave and replace, spectators, and timers shared by two processes.

Servers here run with short timers (a GRACE second reconnection grace, DECIDE seconds to answer a
pause, bots that move at once); every wait is on a frame, bounded by the client's timeout.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from gamerooms.testing import GameClient, Guest, ServerProcess, running_server
from tests.integration.kit import (
    assert_error,
    barrier,
    close_all,
    frames_until_close,
    join,
    match_path,
    next_frame,
    shared,
)
from tests.integration.rooms_kit import connect, guest, ready_and_start, seated, tuned_server
from tests.support import redis_url_or_skip

GRACE = 1.5
DECIDE = 1.5
TIMINGS = {
    "MATCH_GRACE_SECONDS": GRACE,
    "DECIDE_SECONDS": DECIDE,
    "BOT_DELAY_SECONDS": 0,
    "TIMER_POLL_SECONDS": 0.1,
}
ABANDONED = {"winners": [], "scores": None, "reason": "abandoned"}
OPTIONS = ["replace_with_bot", "end"]


@pytest.fixture(scope="module", params=["memory", "redis"])
def server(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """A server per backend with short match timers."""
    with tuned_server(request.param, **TIMINGS) as process:
        yield process


@dataclass
class Seat:
    """A player's socket in a match, and what it knows of the match."""

    player: Guest
    client: GameClient
    seat: int
    state: dict[str, Any]
    server: ServerProcess


def seconds_until(moment: str) -> float:
    """Seconds from now until an ISO time of the protocol (negative once past)."""
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).timestamp() - time.time()


async def start_match(
    servers: list[ServerProcess], count: int, **settings: Any
) -> tuple[str, dict[int, Seat]]:
    """A tic-tac-toe match started from a room of `count` people with these room settings (bots
    fill up to target_players), person i connected to servers[i % len(servers)]; by seat."""
    players = [guest(servers[0]) for _ in range(count)]
    _, clients = await seated(servers[0], players, settings=settings)
    match_id = await ready_and_start(clients)
    seats = {}
    for index, player in enumerate(players):
        server = servers[index % len(servers)]
        client, state = await join(server, match_id, player)
        assert state["status"] == "active", state
        seats[state["seat"]] = Seat(player, client, state["seat"], state, server)
    return match_id, seats


async def expect_frame(
    client: GameClient, type_: str, timeout: float | None = None
) -> dict[str, Any]:
    """The next frame that is not a presence notice, which must be of this type."""
    frame = await next_frame(client, timeout)
    assert frame.get("type") == type_, frame
    return frame


def free_cell(frame: dict[str, Any]) -> int:
    """The first empty cell of a tic-tac-toe view."""
    cell: int = frame["state"]["board"].index(None)
    return cell


async def move(mover: Seat, others: list[Seat], version: int) -> dict[str, Any]:
    """`mover` marks the first free cell at `version`; the update, as everyone got it."""
    cell = free_cell(mover.state)
    reply = await mover.client.request(
        "match.action", action="place", data={"cell": cell}, version=version
    )
    assert reply["type"] == "match.update" and reply["version"] == version + 1, reply
    for other in others:
        heard = await expect_frame(other.client, "match.update")
        assert shared(heard) == shared(reply)
    for seat in [mover, *others]:
        seat.state = reply
    return reply


def assert_paused(frame: dict[str, Any], seat: int, reason: str) -> None:
    """A match.paused frame for this seat and reason, with a decision due DECIDE from now."""
    assert frame["type"] == "match.paused", frame
    assert frame["seat"] == seat and frame["reason"] == reason, frame
    assert frame["options"] == OPTIONS, frame
    assert 0 < seconds_until(frame["decide_by"]) <= DECIDE + 0.5, frame


def assert_bot(player: dict[str, Any], level: str) -> None:
    """A bot Player of this level."""
    assert player["bot"] is True and player["level"] == level, player
    assert set(player) >= {"id", "name", "avatar"}, player


async def until_found(client: GameClient) -> dict[str, Any]:
    """The match.found a queue socket gets, past its queue.waiting counts."""
    while (frame := await client.receive())["type"] == "queue.waiting":
        pass
    assert frame["type"] == "match.found", frame
    return frame


@pytest.mark.parametrize("via", ["room", "queue"])
async def test_a_seat_whose_player_never_connects_pauses_after_the_grace(
    server: ServerProcess, via: str
) -> None:
    players = [guest(server), guest(server)]
    if via == "room":
        _, clients = await seated(server, players)
        match_id = await ready_and_start(clients)
    else:
        queued = [await connect(server, "/ws/queue/tictactoe/", player) for player in players]
        found = [await until_found(client) for client in queued]
        match_id = found[0]["match_id"]
    here, state = await join(server, match_id, players[0])
    absent = 1 - state["seat"]
    assert [entry["connected"] for entry in state["players"]][absent] is False
    paused = await expect_frame(here, "match.paused", timeout=GRACE + 5)
    assert_paused(paused, absent, "timeout")
    resumed = await expect_frame(here, "match.resumed", timeout=DECIDE + 5)  # nobody decides
    assert resumed["seat"] == absent and resumed["player"]["bot"] is True
    await here.close()


async def test_one_person_plays_a_bot_to_the_end(server: ServerProcess) -> None:
    match_id, seats = await start_match([server], 1, target_players=2, bot_level="easy")
    (person,) = seats.values()
    bot_seat = 1 - person.seat
    players = person.state["players"]
    assert [entry["seat"] for entry in players] == [0, 1]
    assert players[person.seat]["player"] == person.player.player
    assert_bot(players[bot_seat]["player"], "easy")
    assert players[bot_seat]["player"]["name"] == "Easy bot 1"

    frame, version = person.state, person.state["version"]  # the bot may have moved first
    while frame["status"] == "active":
        if person.seat in frame["turn"]["seats"]:
            cell = free_cell(frame)
            frame = await person.client.request(
                "match.action", action="place", data={"cell": cell}, version=version
            )
            assert frame["seat"] == person.seat, frame
        else:
            frame = await expect_frame(person.client, "match.update")
            assert frame["seat"] == bot_seat and "id" not in frame, frame
            assert [event["type"] for event in frame["events"]][:1] == ["placed"], frame
        assert frame["type"] == "match.update" and frame["version"] == version + 1, frame
        version = frame["version"]
    assert frame["status"] == "finished" and frame["turn"]["seats"] == []
    assert frame["result"]["reason"] in {"win", "draw"}
    assert frame["result"]["winners"] in ([], [0], [1])
    final = await person.client.request("match.action", action="place", data={"cell": 0})
    assert_error(final, "match_over", final["id"])
    await person.client.close()
    again, state = await join(server, match_id, person.player)
    assert state["status"] == "finished" and state["result"] == frame["result"]
    await again.close()


async def test_the_turn_clock_plays_for_an_idle_seat_then_hands_it_to_a_bot(
    server: ServerProcess,
) -> None:
    match_id, seats = await start_match([server], 2, turn_seconds=1, max_timeouts=2)
    idle, active = seats[0], seats[1]
    deadline = idle.state["turn"]["deadline"]
    assert idle.state["turn"]["seats"] == [0] and 0 < seconds_until(deadline) <= 1.0

    for timeout_version in (0, 2):
        updates = [await expect_frame(seat.client, "match.update") for seat in (idle, active)]
        assert shared(updates[0]) == shared(updates[1])
        update = updates[0]
        assert update["version"] == timeout_version + 1 and update["seat"] == 0, update
        assert update["events"][0] == {"type": "timeout", "seat": 0}, update
        assert update["turn"]["seats"] == [1] and update["turn"]["deadline"] is not None
        assert 0 < seconds_until(update["turn"]["deadline"]) <= 1.0
        idle.state = active.state = update
        if timeout_version == 0:
            voluntary = await move(active, [idle], 1)
            assert [event["type"] for event in voluntary["events"]] == ["placed"]

    for seat in (idle, active):
        assert_paused(await expect_frame(seat.client, "match.paused"), 0, "idle")
    refused = await active.client.request("match.action", action="place", data={"cell": 8})
    assert_error(refused, "match_paused", refused["id"])

    resumed = await expect_frame(active.client, "match.resumed")  # nobody answers: a bot
    assert resumed["seat"] == 0 and "id" not in resumed
    assert_bot(resumed["player"], "random")
    assert shared(await expect_frame(idle.client, "match.resumed")) == shared(resumed)
    assert await idle.client.closed() == 4011  # the seat was handed to a bot
    late = await connect(server, match_path(match_id), idle.player)
    refusal, code = await frames_until_close(late)
    assert [frame["type"] for frame in refusal] == ["error"] and code == 4003

    mine = await move(active, [], 3)
    assert mine["turn"]["seats"] == [0] and mine["turn"]["deadline"] is None  # no clock for bots
    bots = await expect_frame(active.client, "match.update")
    assert bots["seat"] == 0 and bots["version"] == 5, bots
    assert "timeout" not in [event["type"] for event in bots["events"]], bots
    await active.client.close()


async def test_reconnecting_within_the_grace_restores_the_seat(server: ServerProcess) -> None:
    match_id, seats = await start_match([server], 2)
    stay, drop = seats[0], seats[1]
    await move(stay, [drop], 0)
    await move(drop, [stay], 1)

    await drop.client.close()
    notice = await stay.client.expect("match.player_disconnected")
    assert notice["seat"] == 1 and 0 < seconds_until(notice["grace_until"]) <= GRACE
    back = await connect(server, match_path(match_id), drop.player)
    state = await back.expect("match.state")
    assert state["seat"] == 1 and state["version"] == 2 and state["status"] == "active"
    assert state["state"] == drop.state["state"] and state["turn"]["seats"] == [0]
    assert [entry["connected"] for entry in state["players"]] == [True, True]
    assert await stay.client.expect("match.player_reconnected") == {
        "type": "match.player_reconnected",
        "seat": 1,
    }
    drop.client = back

    with pytest.raises(TimeoutError):  # the grace runs out with nothing to report
        await next_frame(stay.client, seconds_until(notice["grace_until"]) + 1.0)
    await move(stay, [drop], 2)
    await barrier(drop.client, [stay.client])
    await close_all([stay.client, drop.client])


async def test_a_newer_socket_replaces_the_older_one(server: ServerProcess) -> None:
    match_id, seats = await start_match([server], 2)
    older, other = seats[0], seats[1]
    await move(older, [other], 0)
    newer, state = await join(server, match_id, older.player)
    assert state["seat"] == 0 and state["version"] == 1
    frames, code = await frames_until_close(older.client)
    assert frames == [] and code == 4009
    older.client = newer
    await other.client.send("match.chat", text="still there?")
    for client in (other.client, newer):  # no presence notice first: the seat never dropped
        heard = await client.receive()
        assert heard["type"] == "match.chat" and heard["text"] == "still there?", heard
    await move(other, [older], 1)
    await close_all([newer, other.client])


async def test_a_grace_that_runs_out_pauses_the_match(server: ServerProcess) -> None:
    match_id, seats = await start_match([server], 2)
    stay, drop = seats[0], seats[1]
    await drop.client.close()
    notice = await stay.client.expect("match.player_disconnected")
    paused = await stay.client.expect("match.paused", timeout=GRACE + 5)
    assert_paused(paused, 1, "timeout")
    assert seconds_until(notice["grace_until"]) <= 0.1
    refused = await stay.client.request("match.action", action="place", data={"cell": 4})
    assert_error(refused, "match_paused", refused["id"])

    resumed = await stay.client.expect("match.resumed", timeout=DECIDE + 5)
    assert resumed["seat"] == 1
    assert_bot(resumed["player"], "random")
    late = await connect(server, match_path(match_id), drop.player)
    refusal, code = await frames_until_close(late)
    assert [frame["type"] for frame in refusal] == ["error"] and code == 4003
    await move(stay, [], 0)
    bots = await expect_frame(stay.client, "match.update")
    assert bots["seat"] == 1 and bots["version"] == 2
    await stay.client.close()


async def leave(leaver: Seat, others: list[Seat]) -> None:
    """`leaver` leaves: it gets its final match.state and 4000; the others get match.paused."""
    await leaver.client.send("match.leave")
    frames, code = await frames_until_close(leaver.client)
    assert [frame["type"] for frame in frames] == ["match.state"] and code == 4000, frames
    assert frames[0]["seat"] == leaver.seat and frames[0]["status"] == "active"
    for other in others:
        assert_paused(await expect_frame(other.client, "match.paused"), leaver.seat, "left")


async def test_leave_then_replace_with_bot(server: ServerProcess) -> None:
    _, seats = await start_match([server], 2, bot_level="easy")
    leaver, stay = seats[0], seats[1]
    await leave(leaver, [stay])
    refused = await stay.client.request("match.action", action="place", data={"cell": 4})
    assert_error(refused, "match_paused", refused["id"])
    wrong = await stay.client.request("match.replace_with_bot", seat=1)
    assert_error(wrong, "bad_message", wrong["id"], "seat")

    resumed = await stay.client.request("match.replace_with_bot", seat=0)
    assert resumed["type"] == "match.resumed" and resumed["seat"] == 0, resumed
    assert_bot(resumed["player"], "easy")
    bots = await expect_frame(stay.client, "match.update")  # seat 0's turn: the bot moves
    assert bots["seat"] == 0 and bots["version"] == 1 and bots["status"] == "active"
    again = await stay.client.request("match.end")
    assert_error(again, "illegal_action", again["id"])
    stay.state = bots
    await move(stay, [], 1)
    assert (await expect_frame(stay.client, "match.update"))["seat"] == 0
    await stay.client.close()


async def test_leave_then_end(server: ServerProcess) -> None:
    match_id, seats = await start_match([server], 2)
    await move(seats[0], [seats[1]], 0)
    leaver, stay = seats[0], seats[1]
    await leave(leaver, [stay])
    final = await stay.client.request("match.end")
    assert final["type"] == "match.update" and final["status"] == "finished", final
    assert final["result"] == ABANDONED and final["version"] == 1
    assert final["turn"] == {"seats": [], "deadline": None, "actions": []}
    again = await stay.client.request("match.replace_with_bot", seat=0)
    assert_error(again, "illegal_action", again["id"])
    late = await stay.client.request("match.action", action="place", data={"cell": 8})
    assert_error(late, "match_over", late["id"])
    await stay.client.close()
    _, state = await join(server, match_id, stay.player)
    assert state["status"] == "finished" and state["result"] == ABANDONED


async def test_leave_without_an_answer_puts_a_bot_in(server: ServerProcess) -> None:
    _, seats = await start_match([server], 2)
    leaver, stay = seats[0], seats[1]
    await leave(leaver, [stay])
    wrong = await stay.client.request("match.replace_with_bot", seat=1)
    assert_error(wrong, "bad_message", wrong["id"], "seat")  # a refused answer decides nothing
    resumed = await expect_frame(stay.client, "match.resumed", timeout=DECIDE + 5)
    assert resumed["seat"] == 0 and "id" not in resumed
    assert_bot(resumed["player"], "random")
    bots = await expect_frame(stay.client, "match.update")
    assert bots["seat"] == 0 and bots["version"] == 1
    await stay.client.close()


async def test_the_last_person_leaving_ends_the_match(server: ServerProcess) -> None:
    match_id, seats = await start_match([server], 1, target_players=2)
    (person,) = seats.values()
    await person.client.send("match.leave")
    frames, code = await frames_until_close(person.client)
    # the bot may have moved (a match.update) before the leave arrived; the last frame is the view
    kinds = [frame["type"] for frame in frames]
    assert kinds[-1] == "match.state" and set(kinds[:-1]) <= {"match.update"}, frames
    assert code == 4000
    again, state = await join(server, match_id, person.player)
    assert state["status"] == "finished" and state["result"] == ABANDONED
    await again.close()


async def test_the_last_person_leaving_a_paused_match_ends_it(server: ServerProcess) -> None:
    match_id, seats = await start_match([server], 2)
    await leave(seats[0], [seats[1]])
    await seats[1].client.send("match.leave")
    frames, code = await frames_until_close(seats[1].client)
    assert [frame["type"] for frame in frames] == ["match.state"] and code == 4000, frames
    assert frames[0]["status"] == "paused"
    again, state = await join(server, match_id, seats[1].player)
    assert state["status"] == "finished" and state["result"] == ABANDONED
    assert [entry["player"]["bot"] for entry in state["players"]] == [False, False]
    await again.close()


async def test_a_spectator_sees_the_public_view_and_can_only_chat(server: ServerProcess) -> None:
    match_id, seats = await start_match([server], 2)
    players = list(seats.values())
    watcher = guest(server)
    spectator = await connect(server, match_path(match_id), watcher, "spectate=1")
    state = await spectator.expect("match.state")
    assert state["seat"] is None and state["match_id"] == match_id
    assert state["state"] == players[0].state["state"]
    assert [entry["player"]["id"] for entry in state["players"]] == [
        seats[0].player.id,
        seats[1].player.id,
    ]

    line = await spectator.request("match.chat", text="go go")
    assert line["type"] == "match.chat" and line["from"] == watcher.player
    for seat in players:
        heard = await expect_frame(seat.client, "match.chat")
        assert heard["text"] == "go go" and "id" not in heard
    for kind, fields in [
        ("match.action", {"action": "place", "data": {"cell": 4}}),
        ("match.replace_with_bot", {"seat": 0}),
        ("match.end", {}),
    ]:
        refused = await spectator.request(kind, **fields)
        assert_error(refused, "not_authorized", refused["id"])

    update = await move(seats[0], [seats[1]], 0)
    watched = await expect_frame(spectator, "match.update")
    assert "actions" not in watched["turn"]  # spectators are offered no moves
    assert watched == shared(update)
    await barrier(spectator, [seat.client for seat in players])

    stranger = await connect(server, match_path(match_id), guest(server))
    refusal, code = await frames_until_close(stranger)
    assert_error(refusal[0], "not_authorized")
    assert code == 4003
    await close_all([spectator, *(seat.client for seat in players)])


async def test_no_spectators_when_the_room_says_so(server: ServerProcess) -> None:
    match_id, seats = await start_match([server], 2, spectators=False)
    spectator = await connect(server, match_path(match_id), guest(server), "spectate=1")
    refusal, code = await frames_until_close(spectator)
    assert_error(refusal[0], "not_authorized")
    assert len(refusal) == 1 and code == 4003
    await close_all([seat.client for seat in seats.values()])


Pair = tuple[ServerProcess, ServerProcess]


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    """Two processes on one Redis and one data folder, with short match timers."""
    env = {f"GAMEROOMS_{name}": str(value) for name, value in TIMINGS.items()}
    env["REDIS_URL"] = redis_url_or_skip()
    with (
        tempfile.TemporaryDirectory() as data,
        running_server(data, env) as first,
        running_server(data, env) as second,
    ):
        yield first, second


async def test_two_processes_fire_the_grace_and_decision_timers_once(pair: Pair) -> None:
    _, seats = await start_match(list(pair), 2)
    stay = next(seat for seat in seats.values() if seat.server is pair[0])
    drop = next(seat for seat in seats.values() if seat.server is pair[1])
    await drop.client.close()
    heard = [await stay.client.receive(GRACE + DECIDE + 5) for _ in range(3)]
    assert [frame["type"] for frame in heard] == [
        "match.player_disconnected",
        "match.paused",
        "match.resumed",
    ], heard
    assert heard[1]["seat"] == heard[2]["seat"] == drop.seat and heard[1]["reason"] == "timeout"
    assert_bot(heard[2]["player"], "random")

    version = 0
    if drop.seat == 0:  # the bot's turn first
        bots = await stay.client.expect("match.update")
        assert bots["seat"] == 0 and bots["version"] == 1
        stay.state, version = bots, 1
    await move(stay, [], version)
    bots = await stay.client.expect("match.update")
    assert bots["seat"] == drop.seat and bots["version"] == version + 2
    await barrier(stay.client, [])  # nothing else came: no second pause, resume or move
    await stay.client.close()
