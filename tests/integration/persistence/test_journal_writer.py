"""The journal's writer: actions arriving together share one transaction, each call returns once
its row is committed, a bad row fails only its own caller, and reads and player lookups never
wait for the writer."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from gamerooms.engine import StaleVersion
from gamerooms.models import ActionRecord
from gamerooms.persistence.journal import DatabaseJournal
from gamerooms.persistence.players import PlayerDirectory, create_guest
from gamerooms.persistence.writer import DatabaseWriter
from gamerooms.rooms.ports import ActionEntry
from tests.integration.persistence.conftest import TIMEOUT, Hold

PLAYERS = [{"id": "p-ann", "name": "Ann"}, {"id": "p-bob", "name": "Bob"}]


def entry(version: int) -> ActionEntry:
    """The action of `version` (a tic-tac-toe move)."""
    return ActionEntry(version, (version - 1) % 2, "place", {"cell": version - 1}, 1.7e9)


async def new_match(journal: DatabaseJournal) -> str:
    """A match recorded in the journal; its id."""
    match_id = f"m{uuid.uuid4().hex[:12]}"
    await journal.match_created(match_id, "tictactoe", {}, PLAYERS, seed=7)
    return match_id


@sync_to_async
def versions_committed(match_id: str) -> list[int]:
    """The versions of the match's action rows, as another connection sees them."""
    rows = ActionRecord.objects.filter(match_id=match_id).order_by("version")
    return list(rows.values_list("version", flat=True))


def after_the_calls_queue(hold: Hold) -> None:
    """Release `hold` once every task scheduled so far has queued its write (asyncio runs ready
    callbacks first come, first served)."""
    asyncio.get_running_loop().call_soon(hold.release)


async def test_actions_arriving_together_commit_in_one_transaction_before_any_call_returns(
    journal: DatabaseJournal, writer: DatabaseWriter
) -> None:
    match_id = await new_match(journal)
    busy, last = Hold(), Hold()
    held = asyncio.ensure_future(writer.write(busy, None))
    await busy.reached()
    count = 20
    calls = asyncio.gather(*(journal.write_ahead(match_id, entry(v)) for v in range(1, count + 1)))
    holding = asyncio.ensure_future(writer.write(last, None))  # queued behind the 20 rows
    after_the_calls_queue(busy)

    await last.reached()  # the 20 rows are written, in the transaction `last` holds open
    assert await versions_committed(match_id) == []
    assert not calls.done()
    last.release()
    await asyncio.wait_for(calls, TIMEOUT)
    assert await versions_committed(match_id) == list(range(1, count + 1))
    await asyncio.wait_for(asyncio.gather(held, holding), TIMEOUT)


async def test_a_write_ahead_is_committed_when_it_returns(journal: DatabaseJournal) -> None:
    match_id = await new_match(journal)
    for version in (1, 2, 3):
        await journal.write_ahead(match_id, entry(version))
        assert await versions_committed(match_id) == list(range(1, version + 1))


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda match_id: (match_id, entry(1)), id="recorded-already"),
        pytest.param(lambda _: ("m-never-recorded", entry(1)), id="refused-at-commit"),
    ],
)
async def test_a_row_that_cannot_be_written_fails_only_its_own_caller(
    journal: DatabaseJournal,
    writer: DatabaseWriter,
    bad: Callable[[str], tuple[str, ActionEntry]],
) -> None:
    match_id = await new_match(journal)
    await journal.write_ahead(match_id, entry(1))
    busy = Hold()
    held = asyncio.ensure_future(writer.write(busy, None))
    await busy.reached()
    calls = asyncio.gather(
        journal.write_ahead(match_id, entry(2)),
        journal.write_ahead(*bad(match_id)),
        journal.write_ahead(match_id, entry(3)),
        return_exceptions=True,
    )
    after_the_calls_queue(busy)

    outcomes: list[Any] = await asyncio.wait_for(calls, TIMEOUT)
    assert [type(outcome) for outcome in outcomes] == [type(None), StaleVersion, type(None)]
    assert await versions_committed(match_id) == [1, 2, 3]
    await asyncio.wait_for(held, TIMEOUT)


async def test_reads_and_player_lookups_do_not_wait_for_an_open_write(
    journal: DatabaseJournal, writer: DatabaseWriter
) -> None:
    match_id = await new_match(journal)
    await journal.write_ahead(match_id, entry(1))
    guest = await sync_to_async(create_guest)("Ann", None, None)
    busy, slow = Hold(), Hold()
    held = asyncio.ensure_future(writer.write(busy, None))
    await busy.reached()
    writing = asyncio.ensure_future(journal.write_ahead(match_id, entry(2)))
    holding = asyncio.ensure_future(writer.write(slow, None))
    after_the_calls_queue(busy)
    await slow.reached()  # a write transaction with version 2 in it stays open

    try:
        history = await asyncio.wait_for(journal.history(match_id), TIMEOUT)
        assert history is not None and len(history.actions) == 1
        player = await asyncio.wait_for(PlayerDirectory().by_user_id(guest.user_id), TIMEOUT)
        assert player is not None and player.id == guest.id
    finally:
        slow.release()
    await asyncio.wait_for(asyncio.gather(held, writing, holding), TIMEOUT)
    assert await versions_committed(match_id) == [1, 2]


async def test_close_writes_what_is_queued_and_stops_the_thread(database: None) -> None:
    name = f"writer-{uuid.uuid4().hex[:8]}"
    journal = DatabaseJournal(write_ahead=True, writer=DatabaseWriter(name))
    match_id = await new_match(journal)
    writes = [journal.write_ahead(match_id, entry(version)) for version in (1, 2, 3)]

    await asyncio.wait_for(asyncio.gather(*writes, journal.close()), TIMEOUT)
    assert await versions_committed(match_id) == [1, 2, 3]
    assert name not in {thread.name for thread in threading.enumerate()}


@pytest.mark.parametrize("write_ahead", [True, False])
async def test_seats_actions_and_result_reach_the_history(
    writer: DatabaseWriter, write_ahead: bool
) -> None:
    journal = DatabaseJournal(write_ahead=write_ahead, writer=writer, flush_seconds=60)
    match_id = await new_match(journal)
    for version in (1, 2):
        await journal.write_ahead(match_id, entry(version))
        await journal.committed(match_id, entry(version))
    bot = {"id": "p-bot", "name": "Bot", "bot": True}
    await journal.seats_changed(match_id, [PLAYERS[0], bot])
    await journal.match_finished(match_id, {"winners": [0]}, version=2)

    history = await journal.history(match_id)
    assert history is not None
    assert history.actions == [(0, "place", {"cell": 0}), (1, "place", {"cell": 1})]
    assert history.players == [PLAYERS[0], bot]
    assert history.result == {"winners": [0]}
