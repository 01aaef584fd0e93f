"""A process keeps the matches it reads decoded, and reads a match again once anyone changed it."""

from __future__ import annotations

import pytest

from gamerooms.rooms import matches as matches_module
from gamerooms.rooms.keys import match_key
from tests.unit.rooms.services import arrive, human, process, start


async def test_a_match_changed_by_another_process_is_read_as_it_is_now() -> None:
    first = process()
    second = process(first.clock, first.store, first.journal)
    match_id, _ = await start(first, "tictactoe", [human(0), human(1)])
    await arrive(first, match_id, 0, 1)
    seen = await second.matches.get(match_id)
    assert await second.matches.get(match_id) is seen  # unchanged: not decoded again

    await first.matches.act(match_id, 0, "place", {"cell": 4})
    now = await second.matches.get(match_id)
    assert (now.version, now.revision) == (1, seen.revision + 1)
    assert now.core.data.cells[4] == 0  # type: ignore[attr-defined]


async def test_a_blob_replaced_at_the_same_revision_is_decoded_again() -> None:
    proc = process()
    other = process(proc.clock, proc.store, proc.journal)
    match_id, _ = await start(proc, "tictactoe", [human(0), human(1)])
    seen = await proc.matches.get(match_id)
    await other.matches.act(match_id, 0, "place", {"cell": 0})
    stored = await proc.store.load(match_key(match_id))
    assert stored is not None
    await proc.store.delete(match_key(match_id))
    await proc.store.create(match_key(match_id), stored[1], version=seen.revision)
    again = await proc.matches.get(match_id)
    assert again.revision == seen.revision and again.version == 1


async def test_at_most_the_configured_number_of_matches_stay_decoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(matches_module, "DECODED_MATCHES", 2)
    proc = process()
    ids = [(await start(proc, "tictactoe", [human(0), human(1)]))[0] for _ in range(3)]
    first = await proc.matches.get(ids[0])  # the oldest was dropped: decoded anew
    assert first is await proc.matches.get(ids[0])
    assert len(proc.matches._decoded) == 2 and ids[1] not in proc.matches._decoded


async def test_a_finished_match_is_not_kept_decoded() -> None:
    proc = process()
    match_id, _ = await start(proc, "tictactoe", [human(0), human(1)])
    await arrive(proc, match_id, 0, 1)
    for seat, cell in [(0, 0), (1, 3), (0, 1), (1, 4), (0, 2)]:
        after = await proc.matches.act(match_id, seat, "place", {"cell": cell})
    assert after.finished and match_id not in proc.matches._decoded
    assert (await proc.matches.get(match_id)).finished
