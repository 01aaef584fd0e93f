"""The match services wired as build_runtime wires them, on a MemoryStore, a FakeClock and an
in-memory journal: one `Process` per simulated server process, several may share a store (whose
TTLs, heartbeats' included, run on the same fake clock)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import msgspec
import orjson

from gamerooms.engine import (
    Action,
    ActionContext,
    Game,
    GameRegistry,
    Result,
    SeededRandom,
    Settings,
    StaleVersion,
    action,
)
from gamerooms.games.tictactoe import TicTacToe
from gamerooms.protocol.frames import iso
from gamerooms.rooms.announcement import Announcement, decode_announcement
from gamerooms.rooms.autoplay import Autoplay
from gamerooms.rooms.bot_players import bot_player
from gamerooms.rooms.keys import match_topic
from gamerooms.rooms.leases import Leases
from gamerooms.rooms.liveness import Liveness
from gamerooms.rooms.matches import MatchService
from gamerooms.rooms.pauses import Pauses
from gamerooms.rooms.ports import ActionEntry, MatchHistory, Subscription
from gamerooms.rooms.presence import SeatPresence
from gamerooms.rooms.timers import Timers
from gamerooms.store.memory import MemoryStore
from gamerooms.testing import FakeClock

GRACE = 60.0
DECIDE = 30.0
BOT_DELAY = 5.0
TURN = 20.0
HEARTBEAT = 3.0
PROCESS_TTL = 10.0
"""A heartbeat's TTL where a test lets processes die (`process(ttl=PROCESS_TTL)`); elsewhere
heartbeats never lapse, as the fake clock moves on without any beat."""
"""Seconds on the fake clock. Timers also wake the real event loop after as many real seconds,
so these stay far above a test's running time: only `run_due` fires them here."""

LIMIT = 20
"""The count that ends a Relay match."""


class Count(msgspec.Struct):
    """The shared count, how many seats take turns, and whose turn it is."""

    count: int
    seats: int
    next_seat: int


class Relay(Game[Count]):
    """2 to 4 seats take turns adding one; the seat that reaches LIMIT wins. One legal move
    at a time, so a timed-out or bot move is known in advance."""

    name = "relay"
    title = "Relay"
    min_players = 2
    max_players = 4
    bot_levels = ("random", "easy")

    def setup(self, settings: Settings, seats: int, rng: SeededRandom) -> Count:
        """A zero count, seat 0 first."""
        return Count(count=0, seats=seats, next_seat=0)

    def turn(self, state: Count) -> list[int]:
        """The seat to add next; none once over."""
        return [] if state.count >= LIMIT else [state.next_seat]

    def view(self, state: Count, seat: int | None) -> dict[str, Any]:
        """The count."""
        return {"count": state.count}

    def result(self, state: Count) -> Result | None:
        """A win for the seat that reached LIMIT."""
        if state.count < LIMIT:
            return None
        return Result(winners=[(state.next_seat - 1) % state.seats], reason="win")

    def legal_actions(self, state: Count, seat: int) -> list[Action]:
        """`add`, for the seat to move."""
        return [Action(name="add", data={})] if seat in self.turn(state) else []

    @action("add")
    def add(self, state: Count, ctx: ActionContext) -> None:
        """Add one and pass the turn."""
        state.count += 1
        state.next_seat = (state.next_seat + 1) % state.seats


class MemoryJournal:
    """A working in-memory Journal, of the kind that learns actions once they are committed."""

    writes_ahead = False

    def __init__(self) -> None:
        self.created: dict[str, MatchHistory] = {}
        self.actions: dict[str, dict[int, ActionEntry]] = {}
        self.finished: dict[str, tuple[dict[str, Any], int]] = {}

    async def match_created(
        self,
        match_id: str,
        game: str,
        settings: dict[str, Any],
        players: list[dict[str, Any]],
        seed: int,
    ) -> None:
        """Record a new match with its seats."""
        self.created[match_id] = MatchHistory(match_id, game, dict(settings), players, seed, [])
        self.actions[match_id] = {}

    async def write_ahead(self, match_id: str, entry: ActionEntry) -> None:
        """Refuse a version already recorded; the store is the durable copy here."""
        if entry.version in self.actions[match_id]:
            raise StaleVersion(f"version {entry.version} is already recorded")

    async def committed(self, match_id: str, entry: ActionEntry) -> None:
        """Record a committed action."""
        self.actions[match_id].setdefault(entry.version, entry)

    async def match_finished(self, match_id: str, result: dict[str, Any], version: int) -> None:
        """Record how a match ended."""
        self.finished[match_id] = (result, version)

    async def seats_changed(self, match_id: str, players: list[dict[str, Any]]) -> None:
        """Record who sits in each seat now."""
        self.created[match_id] = replace(self.created[match_id], players=players)

    async def history(self, match_id: str) -> MatchHistory | None:
        """The match and its actions in version order, or None."""
        created = self.created.get(match_id)
        if created is None:
            return None
        entries = sorted(self.actions[match_id].values(), key=lambda entry: entry.version)
        log = [(entry.seat, entry.name, entry.data) for entry in entries]
        finished = self.finished.get(match_id)
        result = None if finished is None else finished[0]
        return MatchHistory(
            match_id, created.game, created.settings, created.players, created.seed, log, result
        )

    async def close(self) -> None:
        """Nothing is pending."""

    def log(self, match_id: str) -> list[tuple[int, int, str, Any]]:
        """(version, seat, name, data) of every recorded action, in version order."""
        entries = sorted(self.actions[match_id].values(), key=lambda entry: entry.version)
        return [(entry.version, entry.seat, entry.name, entry.data) for entry in entries]


@dataclass
class Process:
    """The services of one server process."""

    clock: FakeClock
    store: MemoryStore
    journal: MemoryJournal
    matches: MatchService
    timers: Timers
    pauses: Pauses
    presence: SeatPresence
    autoplay: Autoplay
    leases: Leases
    liveness: Liveness


def games() -> GameRegistry:
    """Tic-tac-toe and Relay."""
    return GameRegistry([TicTacToe, Relay])


def process(
    clock: FakeClock | None = None,
    store: MemoryStore | None = None,
    journal: MemoryJournal | None = None,
    ttl: float = float("inf"),
) -> Process:
    """A process's services, wired as build_runtime wires them (on shared parts if given), with
    a heartbeat that lapses `ttl` seconds after its last beat."""
    clock = clock or FakeClock()
    store = store or MemoryStore(clock=clock.now)
    journal = journal or MemoryJournal()
    matches = MatchService(store, journal, games(), clock)
    timers = Timers(store, clock)
    leases = Leases(store, ttl)
    pauses = Pauses(matches, timers, DECIDE)
    presence = SeatPresence(matches, leases, timers, pauses, GRACE)
    autoplay = Autoplay(matches, timers, pauses, BOT_DELAY)
    liveness = Liveness(store, leases, HEARTBEAT)
    return Process(
        clock, store, journal, matches, timers, pauses, presence, autoplay, leases, liveness
    )


def human(number: int) -> dict[str, Any]:
    """A person's Player object."""
    avatar = {"emoji": "🙂", "color": "#123456"}
    return {"id": f"person{number}", "name": f"Person {number}", "avatar": avatar, "bot": False}


def bot(level: str = "random", number: int = 1) -> dict[str, Any]:
    """A bot's Player object."""
    return bot_player(level, number)


@dataclass
class Socket:
    """A socket as announcements address it."""

    key: str
    token: str = ""
    generation: int = 1


@dataclass
class Heard:
    """Every announcement published on a match's topic, in order."""

    announcements: list[Announcement] = field(default_factory=list)
    subscription: Subscription | None = None

    def __call__(self, payload: bytes) -> None:
        self.announcements.append(decode_announcement(payload))

    def frames(self, key: str = "0", token: str = "") -> list[dict[str, Any]]:
        """The frames a socket with this key (a seat "0", "p" for spectators) and token got."""
        socket = Socket(key, token)
        texts = [announcement.frame_for(socket) for announcement in self.announcements]
        return [orjson.loads(text) for text in texts if text is not None]

    def closed(self, key: str = "0", token: str = "") -> list[int]:
        """The codes with which announcements closed a socket with this key and token."""
        socket = Socket(key, token)
        return [a.close_code for a in self.announcements if a.closes(socket)]

    def types(self, key: str = "0") -> list[str]:
        """The types of those frames."""
        return [frame["type"] for frame in self.frames(key)]

    def take(self, key: str = "0") -> list[dict[str, Any]]:
        """The frames heard so far, forgetting them."""
        frames = self.frames(key)
        self.announcements.clear()
        return frames


async def start(
    proc: Process,
    game: str,
    players: list[dict[str, Any]],
    settings: dict[str, Any] | None = None,
) -> tuple[str, Heard]:
    """A new match with these players in seat order, and what its topic will carry."""
    match_id = await proc.matches.create(game, players, settings, seed=7)
    heard = Heard()
    heard.subscription = await proc.store.subscribe(match_topic(match_id), heard)
    return match_id, heard


async def arrive(proc: Process, match_id: str, *seats: int) -> None:
    """A socket connects for each of these seats (so their arrival grace never runs out)."""
    for seat in seats:
        await proc.presence.connected(match_id, seat)


async def advance(proc: Process, seconds: float) -> int:
    """Move the fake clock on and fire what is due; how many timers fired."""
    proc.clock.advance(seconds)
    return await proc.timers.run_due()


def at(proc: Process, later: float = 0.0) -> str:
    """The ISO time `later` seconds from the fake now."""
    return iso(proc.clock.now() + later)
