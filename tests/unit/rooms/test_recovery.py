"""Recovery after a restart on a state file: the store's matches pick up where the journal is,
their bots and clocks run again, and every person seated gets the grace to come back."""

from __future__ import annotations

from pathlib import Path

from gamerooms.engine import replay
from gamerooms.rooms.attempts import PasswordAttempts
from gamerooms.rooms.fanout import Fanout
from gamerooms.rooms.live import ACTIVE, PAUSED
from gamerooms.rooms.lobby import LobbyService
from gamerooms.rooms.ports import ActionEntry
from gamerooms.rooms.recovery import Recovery
from gamerooms.rooms.rooms import RoomService
from gamerooms.store.memory import MemoryStore
from gamerooms.store.state_file import StateFile
from gamerooms.testing import FakeClock
from tests.unit.rooms.services import (
    BOT_DELAY,
    GRACE,
    MemoryJournal,
    Process,
    advance,
    arrive,
    bot,
    games,
    human,
    process,
    start,
)


def on_file(path: Path, clock: FakeClock, journal: MemoryJournal) -> Process:
    """A process whose store is kept in the state file at `path`."""
    return process(clock, MemoryStore(state=StateFile(path)), journal)


async def restarted(path: Path, before: Process) -> Process:
    """The same process after a crash: a new store on the file, recovered."""
    after = on_file(path, before.clock, before.journal)
    attempts = PasswordAttempts(after.store, 5, 20)
    rooms = RoomService(
        after.store,
        games(),
        after.matches,
        after.timers,
        after.leases,
        after.clock,
        10,
        attempts,
        3,
        chat=Fanout(after.store),
    )
    lobby = LobbyService(after.store, after.timers, after.leases, after.clock, 120, 3)
    await Recovery(after.store, after.matches, after.pauses, after.presence, rooms, lobby).run()
    return after


async def test_actions_journaled_but_not_committed_are_applied(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    before = on_file(path, FakeClock(), MemoryJournal())
    match_id, _ = await start(before, "tictactoe", [human(0), human(1)])
    await before.matches.act(match_id, 0, "place", {"cell": 4})
    # written ahead, then the process died before the store committed it
    await before.journal.committed(match_id, ActionEntry(2, 1, "place", {"cell": 0}, 0.0))

    after = await restarted(path, before)
    match = await after.matches.get(match_id)
    history = await after.journal.history(match_id)
    assert history is not None
    expected = replay(match.game, {}, 2, history.seed, history.actions)
    assert match.version == 2 and match.core.data == expected.data
    assert (await after.matches.act(match_id, 0, "place", {"cell": 8})).version == 3


async def test_a_bots_move_cut_short_by_the_crash_is_made_after_it(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    before = on_file(path, FakeClock(), MemoryJournal())
    match_id, _ = await start(before, "tictactoe", [bot(), human(1)])
    before.clock.advance(BOT_DELAY)
    assert len(await before.store.timers_due(before.clock.now())) == 1  # claimed, never run

    after = await restarted(path, before)
    await arrive(after, match_id, 1)
    await advance(after, BOT_DELAY)
    match = await after.matches.get(match_id)
    assert match.version == 1 and match.turn_seats() == [1]


async def test_every_person_seated_gets_the_grace_to_come_back(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    before = on_file(path, FakeClock(), MemoryJournal())
    match_id, _ = await start(before, "tictactoe", [human(0), human(1)])
    await arrive(before, match_id, 0, 1)

    after = await restarted(path, before)
    await arrive(after, match_id, 0)
    await advance(after, GRACE - 1)
    assert (await after.matches.get(match_id)).status == ACTIVE
    await advance(after, 1)
    match = await after.matches.get(match_id)
    assert match.status == PAUSED and match.pause is not None and match.pause.seat == 1
