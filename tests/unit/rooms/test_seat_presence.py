"""Reconnection grace: a dropped seat is announced, may come back in time, else the match pauses."""

from __future__ import annotations

import pytest

from gamerooms.rooms.live import ACTIVE, PAUSED
from tests.unit.rooms.services import (
    DECIDE,
    GRACE,
    Process,
    advance,
    arrive,
    at,
    bot,
    human,
    process,
    start,
)


def paused_for_timeout(proc: Process, seat: int) -> dict[str, object]:
    """The match.paused frame of a seat whose grace ran out just now."""
    return {
        "type": "match.paused",
        "seat": seat,
        "reason": "timeout",
        "options": ["replace_with_bot", "end"],
        "decide_by": at(proc, DECIDE),
    }


@pytest.fixture
def proc() -> Process:
    return process()


async def test_a_dropped_seat_is_announced_with_its_grace(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0, 1)
    await proc.presence.disconnected(match_id, 1, gone=False)
    assert heard.take() == [
        {"type": "match.player_disconnected", "seat": 1, "grace_until": at(proc, GRACE)}
    ]
    assert await proc.matches.connected_seats(match_id) == {0}


async def test_coming_back_in_time_is_announced_and_nothing_pauses(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0, 1)
    await proc.presence.disconnected(match_id, 1, gone=False)
    await advance(proc, GRACE - 1)
    await proc.presence.connected(match_id, 1)
    assert heard.types() == ["match.player_disconnected", "match.player_reconnected"]
    assert heard.take()[1] == {"type": "match.player_reconnected", "seat": 1}
    assert await advance(proc, GRACE + DECIDE) == 0
    assert heard.frames() == []
    assert (await proc.matches.get(match_id)).status == ACTIVE
    assert await proc.matches.connected_seats(match_id) == {0, 1}


async def test_the_grace_running_out_pauses_the_match(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0, 1)
    await proc.presence.disconnected(match_id, 1, gone=False)
    heard.take()
    assert await advance(proc, GRACE - 1) == 0
    assert await advance(proc, 1) == 1
    assert heard.take() == [paused_for_timeout(proc, 1)]
    match = await proc.matches.get(match_id)
    assert match.status == PAUSED and match.pause is not None and match.pause.seat == 1


async def test_coming_back_after_the_grace_but_before_a_decision_resumes(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0, 1)
    await proc.presence.disconnected(match_id, 1, gone=False)
    await advance(proc, GRACE)
    heard.take()
    await proc.presence.connected(match_id, 1)
    turn = {"seats": [0], "deadline": None, "actions": []}
    assert heard.take("1") == [
        {"type": "match.resumed", "seat": 1, "player": human(1), "turn": turn}
    ]
    match = await proc.matches.get(match_id)
    assert match.status == ACTIVE and match.pause is None and not match.is_bot(1)
    await advance(proc, DECIDE)
    assert heard.frames() == []  # the decision timer was cancelled


async def test_a_seat_with_another_socket_open_is_not_dropped(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0, 1, 1)
    await proc.presence.disconnected(match_id, 1, gone=False)
    assert heard.frames() == []
    assert await proc.matches.connected_seats(match_id) == {0, 1}
    assert await advance(proc, GRACE) == 0


async def test_a_seat_that_left_or_was_replaced_gets_no_grace(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0, 1)
    await proc.presence.disconnected(match_id, 1, gone=True)
    assert heard.frames() == []
    assert await advance(proc, GRACE) == 0
    assert await proc.matches.connected_seats(match_id) == {0}


async def test_no_grace_once_the_match_is_over(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0, 1)
    for index, cell in enumerate([0, 3, 1, 4, 2]):
        await proc.matches.act(match_id, index % 2, "place", {"cell": cell})
    heard.take()
    await proc.presence.disconnected(match_id, 1, gone=False)
    assert heard.frames() == []
    assert await advance(proc, GRACE) == 0


async def test_the_last_person_dropping_for_good_ends_the_match(proc: Process) -> None:
    match_id, heard = await start(proc, "relay", [human(0), bot()])
    await proc.presence.connected(match_id, 0)
    await proc.presence.disconnected(match_id, 0, gone=False)
    await advance(proc, GRACE)
    frames = [frame for frame in heard.frames() if frame["type"] != "match.update"]
    final = heard.frames()[-1]
    assert [frame["type"] for frame in frames] == ["match.player_disconnected"]
    assert final["status"] == "finished" and final["result"]["reason"] == "abandoned"


async def test_a_seat_nobody_ever_connects_to_pauses_after_the_grace(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0)
    assert await advance(proc, GRACE - 1) == 0
    assert heard.frames() == []
    await advance(proc, 1)
    assert heard.take() == [paused_for_timeout(proc, 1)]


async def test_arriving_in_time_cancels_the_arrival_grace_silently(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), bot()])
    await advance(proc, GRACE - 1)
    await arrive(proc, match_id, 0)
    assert await advance(proc, GRACE + DECIDE) == 0  # seat 0 is to move: the bot waits
    assert heard.frames() == []
    assert (await proc.matches.get(match_id)).status == ACTIVE


async def test_nobody_arriving_at_all_abandons_the_match(proc: Process) -> None:
    match_id, _ = await start(proc, "tictactoe", [human(0), human(1)])
    await advance(proc, GRACE)
    match = await proc.matches.get(match_id)
    assert match.finished and match.core.result is not None
    assert match.core.result.reason == "abandoned"
