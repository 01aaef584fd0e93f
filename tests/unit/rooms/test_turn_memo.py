"""A live match works out whose turn it is once per state, however often the server needs it
(the turn clock, the frames, the bots), and keeps it while only other fields change."""

from __future__ import annotations

from typing import Any

import pytest

from gamerooms.rooms import live as live_module
from gamerooms.rooms.rendering import update_frames
from tests.unit.rooms.services import arrive, human, process, start


async def test_the_seats_in_turn_are_worked_out_once_per_state(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proc = process()
    match_id, _ = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0, 1)
    after = await proc.matches.act(match_id, 0, "place", {"cell": 4})

    asked: list[Any] = []
    original = live_module.seats_in_turn

    def counted(game: Any, core: Any) -> list[int]:
        asked.append(core)
        return original(game, core)

    monkeypatch.setattr(live_module, "seats_in_turn", counted)
    assert after.turn_seats() == [1]
    update_frames(after, 0, {"name": "place", "data": {"cell": 4}}, [])
    assert after.next_deadline(0.0) is None
    bumped = after.changed(revision=after.revision + 1)
    assert bumped.turn_seats() == [1]
    assert asked == []  # worked out as the move was applied, and kept since

    again = after.changed(core=after.core)
    assert again.turn_seats() == again.turn_seats() == [1]
    assert len(asked) == 1  # a new state is asked about once


async def test_a_caller_changing_the_seats_it_got_changes_nothing_kept() -> None:
    proc = process()
    match_id, _ = await start(proc, "tictactoe", [human(0), human(1)])
    match = await proc.matches.get(match_id)
    match.turn_seats().append(1)
    assert match.turn_seats() == [0]
