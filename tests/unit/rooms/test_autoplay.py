"""Bots in their seats: each commit schedules the bot whose turn it is, and it plays through
`act` like anyone else, with the policy of its level."""

from __future__ import annotations

import pytest

from gamerooms.bots import policy_for
from gamerooms.rooms.errors import MatchPaused
from gamerooms.rooms.live import ACTIVE, FINISHED
from tests.unit.rooms.services import (
    BOT_DELAY,
    DECIDE,
    TURN,
    Process,
    advance,
    bot,
    human,
    process,
    start,
)


@pytest.fixture
def proc() -> Process:
    return process()


async def test_a_bot_moves_after_the_persons_move(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), bot("easy")])
    assert await advance(proc, BOT_DELAY) == 0  # not the bot's turn: nothing scheduled
    before = await proc.matches.act(match_id, 0, "place", {"cell": 4})
    expected = policy_for(before.game, "easy").choose(before.game, before.core, 1)
    heard.take()

    assert await advance(proc, BOT_DELAY - 0.5) == 0
    assert await advance(proc, 0.5) == 1
    (update,) = heard.take()
    assert update["type"] == "match.update" and update["version"] == 2 and update["seat"] == 1
    assert update["action"] == {"name": expected.name, "data": expected.data}
    assert update["turn"]["seats"] == [0]
    assert proc.journal.log(match_id)[-1] == (2, 1, expected.name, expected.data)
    assert (await proc.matches.get(match_id)).timeouts_of(1) == 0


async def test_a_bot_in_the_first_seat_moves_once_the_match_is_created(proc: Process) -> None:
    _, heard = await start(proc, "tictactoe", [bot(), human(1)])
    assert await advance(proc, BOT_DELAY) == 1
    (update,) = heard.take()
    assert update["seat"] == 0 and update["version"] == 1 and update["events"][0]["seat"] == 0


async def test_two_bots_play_a_match_to_the_end(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [bot("easy", 1), bot("random", 2)])
    for _ in range(9):
        await advance(proc, BOT_DELAY)
        if (await proc.matches.get(match_id)).finished:
            break
    match = await proc.matches.get(match_id)
    assert match.status == FINISHED and match.core.result is not None
    updates = heard.frames()
    assert [update["version"] for update in updates] == list(range(1, match.version + 1))
    assert [update["seat"] for update in updates] == [v % 2 for v in range(match.version)]
    assert updates[-1]["result"] == match.core.result.to_dict()
    assert proc.journal.finished[match_id] == (match.core.result.to_dict(), match.version)


async def test_a_bot_plays_with_the_policy_of_its_own_level(proc: Process) -> None:
    match_id, heard = await start(
        proc, "tictactoe", [human(0), bot("hard")], {"bot_level": "random"}
    )
    before = await proc.matches.act(match_id, 0, "place", {"cell": 0})
    hard = policy_for(before.game, "hard").choose(before.game, before.core, 1)
    random = policy_for(before.game, "random").choose(before.game, before.core, 1)
    assert hard != random  # so the move tells which one played
    heard.take()
    await advance(proc, BOT_DELAY)
    assert heard.take()[0]["action"]["data"] == hard.data


async def test_bots_take_their_turns_one_delay_at_a_time(proc: Process) -> None:
    match_id, heard = await start(proc, "relay", [bot(), human(1), bot()])
    await advance(proc, BOT_DELAY)  # seat 0 adds
    await proc.matches.act(match_id, 1, "add", {})
    heard.take()
    await advance(proc, BOT_DELAY)  # seat 2 adds, once
    assert [update["seat"] for update in heard.take()] == [2]
    await advance(proc, BOT_DELAY)  # seat 0 again
    assert [update["seat"] for update in heard.take()] == [0]
    assert (await proc.matches.get(match_id)).version == 4


async def test_a_pending_bot_move_is_dropped_when_the_match_ends_first(proc: Process) -> None:
    match_id, heard = await start(proc, "relay", [human(0), bot()])
    await proc.matches.act(match_id, 0, "add", {})  # the bot's move is now scheduled
    await proc.pauses.lose_seat(match_id, 0, "left")
    assert heard.types() == ["match.update", "match.update"]
    heard.take()
    assert await advance(proc, BOT_DELAY) == 1
    assert heard.frames() == []
    assert (await proc.matches.get(match_id)).version == 1


async def test_a_bot_waits_while_the_match_is_paused(proc: Process) -> None:
    match_id, heard = await start(proc, "relay", [human(0), human(1), bot()])
    await proc.matches.act(match_id, 0, "add", {})
    await proc.matches.act(match_id, 1, "add", {})  # the bot's turn
    await proc.pauses.lose_seat(match_id, 0, "left")
    heard.take()
    await advance(proc, BOT_DELAY)
    assert heard.frames() == []
    await proc.pauses.replace_with_bot(match_id, 0, 1)
    heard.take()
    await advance(proc, BOT_DELAY)  # seat 2, then seat 0 (a bot now) on the next delay
    assert [update["seat"] for update in heard.take()] == [2]
    await advance(proc, BOT_DELAY)
    assert [update["seat"] for update in heard.take()] == [0]
    assert (await proc.matches.get(match_id)).status == ACTIVE


async def test_a_seat_handed_to_a_bot_by_the_clock_plays_on(proc: Process) -> None:
    settings = {"turn_seconds": TURN, "max_timeouts": 1}
    match_id, heard = await start(proc, "relay", [human(0), human(1)], settings)
    await advance(proc, TURN)  # seat 0 times out and is paused
    assert heard.types() == ["match.update", "match.paused"]
    heard.take()
    with pytest.raises(MatchPaused):
        await proc.matches.act(match_id, 1, "add", {})
    await advance(proc, DECIDE)  # nobody answers: a bot takes seat 0
    assert heard.types() == ["match.resumed"]
    heard.take()
    await proc.matches.act(match_id, 1, "add", {})
    heard.take()
    await advance(proc, BOT_DELAY)
    (update,) = heard.frames()
    assert update["seat"] == 0 and "timeout" not in [event["type"] for event in update["events"]]
