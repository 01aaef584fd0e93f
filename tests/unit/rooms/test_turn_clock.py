"""The turn clock: a seat that lets its deadline pass has its move played for it, with a
`timeout` event; after `max_timeouts` in a row its seat is handed over as if it had left."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from gamerooms.bots import RandomPolicy
from gamerooms.rooms.errors import MatchPaused
from gamerooms.rooms.live import ACTIVE, FINISHED, PAUSED
from tests.unit.rooms.services import (
    DECIDE,
    TURN,
    Process,
    advance,
    arrive,
    at,
    bot,
    human,
    process,
    start,
)

CLOCK = {"turn_seconds": TURN, "max_timeouts": 2}


@pytest.fixture
def proc() -> Process:
    return process()


async def test_a_match_with_a_turn_clock_has_a_deadline(proc: Process) -> None:
    match_id, _ = await start(proc, "tictactoe", [human(0), human(1)], CLOCK)
    match = await proc.matches.get(match_id)
    assert match.deadline == proc.clock.now() + TURN
    assert match.options.turn_seconds == TURN and match.options.max_timeouts == 2


async def test_no_turn_clock_without_turn_seconds(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0, 1)
    assert (await proc.matches.get(match_id)).deadline is None
    assert await advance(proc, 3600) == 0
    assert heard.frames() == []


async def test_the_clock_running_out_plays_the_seats_move_with_a_timeout_event(
    proc: Process,
) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)], CLOCK)
    before = await proc.matches.get(match_id)
    expected = RandomPolicy().choose(before.game, before.core, 0)
    assert await advance(proc, TURN - 0.5) == 0
    assert heard.frames() == []

    assert await advance(proc, 0.5) == 1
    (update,) = heard.take()
    assert update["type"] == "match.update"
    assert update["version"] == 1 and update["seat"] == 0
    assert update["action"] == {"name": expected.name, "data": expected.data}
    assert update["events"][0] == {"type": "timeout", "seat": 0}
    assert update["events"][1]["type"] == "placed"
    assert update["turn"] == {"seats": [1], "deadline": at(proc, TURN), "actions": []}
    assert update["status"] == ACTIVE
    match = await proc.matches.get(match_id)
    assert match.timeouts_of(0) == 1 and match.timeouts_of(1) == 0
    assert proc.journal.log(match_id) == [(1, 0, expected.name, expected.data)]


async def test_each_move_restarts_the_clock(proc: Process) -> None:
    match_id, heard = await start(proc, "relay", [human(0), human(1)], CLOCK)
    await advance(proc, TURN - 1)
    update = await proc.matches.act(match_id, 0, "add", {})
    assert update.deadline == proc.clock.now() + TURN
    assert [frame["events"] for frame in heard.take()] == [[]]
    await advance(proc, TURN - 1)  # seat 0's old deadline passes: its stale timer does nothing
    assert heard.frames() == []
    await advance(proc, 1)
    (timeout,) = heard.take()
    assert timeout["seat"] == 1 and timeout["events"] == [{"type": "timeout", "seat": 1}]


async def test_consecutive_timeouts_hand_the_seat_over(proc: Process) -> None:
    match_id, heard = await start(proc, "relay", [human(0), human(1)], CLOCK)
    await arrive(proc, match_id, 0, 1)
    for _ in range(3):  # seat 0, seat 1, seat 0 again
        assert await advance(proc, TURN) == 1
    frames = heard.take()
    assert [frame["type"] for frame in frames] == ["match.update"] * 3 + ["match.paused"]
    assert [frame["events"][0] for frame in frames[:3]] == [
        {"type": "timeout", "seat": 0},
        {"type": "timeout", "seat": 1},
        {"type": "timeout", "seat": 0},
    ]
    assert frames[3] == {
        "type": "match.paused",
        "seat": 0,
        "reason": "idle",
        "options": ["replace_with_bot", "end"],
        "decide_by": at(proc, DECIDE),
    }
    match = await proc.matches.get(match_id)
    assert match.status == PAUSED and match.deadline is None
    assert match.pause is not None and match.pause.seat == 0 and match.pause.reason == "idle"
    with pytest.raises(MatchPaused):
        await proc.matches.act(match_id, 1, "add", {})


async def test_a_move_of_its_own_resets_the_seats_count(proc: Process) -> None:
    match_id, heard = await start(proc, "relay", [human(0), human(1)], CLOCK)
    await arrive(proc, match_id, 0, 1)
    await advance(proc, TURN)  # seat 0 times out: 1
    await proc.matches.act(match_id, 1, "add", {})
    match = await proc.matches.act(match_id, 0, "add", {})
    assert match.timeouts_of(0) == 0
    await proc.matches.act(match_id, 1, "add", {})
    await advance(proc, TURN)  # seat 0 times out: 1 again, not 2
    match = await proc.matches.get(match_id)
    assert match.status == ACTIVE and match.timeouts_of(0) == 1
    assert [frame["type"] for frame in heard.take()] == ["match.update"] * 5
    await proc.matches.act(match_id, 1, "add", {})
    await advance(proc, TURN)  # and now 2 in a row
    assert [frame["type"] for frame in heard.take()] == ["match.update"] * 2 + ["match.paused"]


async def test_another_seats_moves_do_not_reset_the_count(proc: Process) -> None:
    match_id, heard = await start(proc, "relay", [human(0), human(1)], CLOCK)
    await advance(proc, TURN)
    await proc.matches.act(match_id, 1, "add", {})
    await advance(proc, TURN)
    assert heard.types() == ["match.update"] * 3 + ["match.paused"]
    assert (await proc.matches.get(match_id)).pause is not None


async def test_the_clock_does_not_run_for_bots(proc: Process) -> None:
    match_id, _ = await start(proc, "relay", [bot(), human(1)], CLOCK)
    assert (await proc.matches.get(match_id)).deadline is None


async def test_timing_out_with_no_other_person_ends_the_match(proc: Process) -> None:
    settings = {"turn_seconds": TURN, "max_timeouts": 1}
    match_id, heard = await start(proc, "relay", [human(0), bot()], settings)
    assert await advance(proc, TURN) == 1
    timeout, final = heard.take()
    assert timeout["events"][0] == {"type": "timeout", "seat": 0}
    assert final["type"] == "match.update" and final["status"] == FINISHED
    assert final["result"] == {"winners": [], "scores": None, "reason": "abandoned"}
    assert final["events"] == [{"type": "abandoned", "seat": 0}]
    assert final["turn"] == {"seats": [], "deadline": None, "actions": []}
    assert proc.journal.finished[match_id][0]["reason"] == "abandoned"
    await advance(proc, 3600)
    assert heard.frames() == []  # the bot's pending move does not happen


async def test_an_idle_player_who_opens_the_match_again_takes_the_seat_back(
    proc: Process,
) -> None:
    match_id, heard = await start(proc, "relay", [human(0), human(1)], CLOCK)
    await arrive(proc, match_id, 0, 1)
    for _ in range(3):
        await advance(proc, TURN)
    assert (await proc.matches.get(match_id)).status == PAUSED
    heard.take()
    await arrive(proc, match_id, 0)  # a second socket, the first still open
    match = await proc.matches.get(match_id)
    assert match.status == ACTIVE and match.players[0] == human(0)
    assert match.timeouts_of(0) == 0
    assert heard.types() == ["match.resumed"]


async def test_a_match_keeps_one_turn_clock_pending_and_none_once_it_is_over(
    proc: Process,
) -> None:
    match_id, _ = await start(proc, "tictactoe", [human(0), human(1)], CLOCK)
    await arrive(proc, match_id, 0, 1)
    for seat, cell in [(0, 0), (1, 3), (0, 1), (1, 4)]:
        await proc.matches.act(match_id, seat, "place", {"cell": cell})
    far = proc.clock.now() + 10 * TURN
    pending = [name for name, _ in await proc.store.timers_due(far) if name.startswith("turn:")]
    assert pending == [f"turn:{match_id}"]

    await proc.timers.set("turn", match_id, TURN, b"4")  # put back what was just claimed
    finished = await proc.matches.act(match_id, 0, "place", {"cell": 2})
    assert finished.status == FINISHED
    assert [name for name, _ in await proc.store.timers_due(far)] == []


async def test_a_match_without_a_clock_drops_none_when_it_ends(
    proc: Process, monkeypatch: pytest.MonkeyPatch
) -> None:
    match_id, _ = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0, 1)
    cancelled: list[str] = []
    cancel = proc.store.timers_cancel

    async def counted(names: Sequence[str]) -> list[bool]:
        cancelled.extend(names)
        return await cancel(names)

    monkeypatch.setattr(proc.store, "timers_cancel", counted)
    for seat, cell in [(0, 0), (1, 3), (0, 1), (1, 4), (0, 2)]:
        finished = await proc.matches.act(match_id, seat, "place", {"cell": cell})
    assert finished.status == FINISHED
    assert cancelled == []
