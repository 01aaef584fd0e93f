"""The composition root: one Runtime per server process, built from settings on first use."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from functools import cache

from gamerooms.conf import Config, load_config
from gamerooms.engine import GameRegistry
from gamerooms.persistence.journal import DatabaseJournal
from gamerooms.persistence.loop_writer import LoopSqliteWriter, sqlite_database_file
from gamerooms.persistence.players import PlayerDirectory
from gamerooms.protocol.codes import CloseCode
from gamerooms.rooms.attempts import PasswordAttempts
from gamerooms.rooms.autoplay import Autoplay
from gamerooms.rooms.background import spawn
from gamerooms.rooms.fanout import Fanout
from gamerooms.rooms.keys import is_room_topic
from gamerooms.rooms.leases import Leases
from gamerooms.rooms.liveness import Liveness
from gamerooms.rooms.lobby import LobbyService
from gamerooms.rooms.matches import MatchService
from gamerooms.rooms.pauses import Pauses
from gamerooms.rooms.ports import Clock, Store, StoreUnavailable
from gamerooms.rooms.presence import SeatPresence
from gamerooms.rooms.queue import QueueService
from gamerooms.rooms.recovery import Recovery
from gamerooms.rooms.rooms import RoomService
from gamerooms.rooms.timers import Timers
from gamerooms.store import build_store
from gamerooms.store.sampled import SampledStore


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        """Seconds since the epoch."""
        return time.time()


@cache
def game_registry() -> GameRegistry:
    """`GAMEROOMS["GAMES"]` when given (only those), else every installed package's games."""
    games = load_config().GAMES
    return GameRegistry.discover() if games is None else GameRegistry.discover(games, None)


@dataclass
class Runtime:
    """Everything one server process shares: config, games, store, journal and services."""

    config: Config
    games: GameRegistry
    store: Store
    journal: DatabaseJournal
    clock: Clock
    matches: MatchService
    fanout: Fanout
    timers: Timers
    lobby: LobbyService
    rooms: RoomService
    queue: QueueService
    pauses: Pauses
    presence: SeatPresence
    autoplay: Autoplay
    players: PlayerDirectory
    recovery: Recovery
    leases: Leases
    liveness: Liveness
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def backend(self) -> str:
        """ "redis" or "memory"."""
        return "redis" if self.config.REDIS_URL else "memory"

    async def recover(self) -> None:
        """After a restart on a state file: set kept rooms and matches going again."""
        if self.config.STATE_FILE and not self.config.REDIS_URL:
            await self.recovery.run()

    def start(self) -> None:
        """Start firing timers and beating (the server does this; one-off commands do not)."""
        if not self._tasks:
            self._tasks = [spawn(self.timers.run_forever()), spawn(self.liveness.run_forever())]

    async def close(self) -> None:
        """Stop the timers and the heartbeat (the other processes then clean up after this one
        at once), write out the journal and release the store."""
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._tasks:
            with contextlib.suppress(StoreUnavailable):
                await self.leases.retire()
        await self.journal.close()
        await self.store.close()


def build_runtime(config: Config, clock: Clock | None = None) -> Runtime:
    """A Runtime for this config: memory store and write-ahead journal, or Redis and batches
    (a sample of store calls timed for /metrics unless METRICS is off)."""
    clock = clock or SystemClock()
    games = game_registry()
    store = build_store(
        config.REDIS_URL, config.REDIS_PREFIX, config.STATE_FILE, cluster=config.REDIS_CLUSTER
    )
    if config.METRICS:
        store = SampledStore(store)
    write_ahead = config.REDIS_URL is None
    database_file = sqlite_database_file() if write_ahead else None
    journal = DatabaseJournal(
        write_ahead=write_ahead,
        flush_seconds=config.JOURNAL_FLUSH_SECONDS,
        ahead=None if database_file is None else LoopSqliteWriter(database_file),
    )
    matches = MatchService(store, journal, games, clock)
    timers = Timers(store, clock, config.TIMER_POLL_SECONDS)
    leases = Leases(store, config.PROCESS_TTL_SECONDS)
    lobby = LobbyService(
        store, timers, leases, clock, config.DRAFT_SECONDS, config.MAX_DRAFTS_PER_PLAYER
    )
    attempts = PasswordAttempts(
        store, config.PASSWORD_ATTEMPTS_PER_PLAYER, config.PASSWORD_ATTEMPTS_PER_ROOM
    )
    fanout = Fanout(store, relayed=is_room_topic)
    rooms = RoomService(
        store,
        games,
        matches,
        timers,
        leases,
        clock,
        config.ROOM_SEAT_GRACE_SECONDS,
        attempts,
        config.MAX_ROOMS_PER_PLAYER,
        chat=fanout,
    )
    queue = QueueService(store, games, matches, timers, leases, config.QUEUE_BOT_FILL_SECONDS)
    pauses = Pauses(matches, timers, config.DECIDE_SECONDS)
    presence = SeatPresence(matches, leases, timers, pauses, config.MATCH_GRACE_SECONDS)
    autoplay = Autoplay(matches, timers, pauses, config.BOT_DELAY_SECONDS)
    liveness = Liveness(store, leases, config.HEARTBEAT_SECONDS)
    liveness.on_lost(lambda: fanout.reset(CloseCode.TRY_AGAIN_LATER))
    return Runtime(
        config,
        games,
        store,
        journal,
        clock,
        matches,
        fanout,
        timers,
        lobby,
        rooms,
        queue,
        pauses,
        presence,
        autoplay,
        PlayerDirectory(),
        Recovery(store, matches, pauses, presence, rooms, lobby),
        leases,
        liveness,
    )


_runtimes: dict[asyncio.AbstractEventLoop, Runtime] = {}


def current_runtime() -> Runtime:
    """The Runtime of the running event loop, built on first use."""
    loop = asyncio.get_running_loop()
    runtime = _runtimes.get(loop)
    if runtime is None:
        runtime = _runtimes[loop] = build_runtime(load_config())
    return runtime


async def shutdown_runtime() -> None:
    """Close the running loop's Runtime, if any."""
    runtime = _runtimes.pop(asyncio.get_running_loop(), None)
    if runtime is not None:
        await runtime.close()
