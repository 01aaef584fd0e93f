"""The referee: creates matches and applies every change (load, change, commit at version)."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from gamerooms.engine import (
    GameError,
    GameRegistry,
    Result,
    SeededRandom,
    StaleVersion,
    apply_action,
    derive_seed,
    replay,
    start_match,
)
from gamerooms.metrics.instruments import ACTION_SECONDS, count_action
from gamerooms.protocol.codes import CloseCode
from gamerooms.protocol.frames import iso, match_chat
from gamerooms.rooms.announcement import EVERYONE, Announcement, encode_announcement
from gamerooms.rooms.commits import Attempt, commit_retrying
from gamerooms.rooms.errors import MatchPaused, NotFound, Refusal
from gamerooms.rooms.keys import claims_key, match_key, match_presence_key, match_topic
from gamerooms.rooms.live import ACTIVE, PAUSED, LiveMatch, MatchOptions, decode_live
from gamerooms.rooms.ports import ActionEntry, Clock, Journal, Store
from gamerooms.rooms.rendering import Reply, update_announcement

COMMIT_ATTEMPTS = 8
DECODED_MATCHES = 1024
"""How many matches in play a process keeps decoded, the most recently read or written."""
MATCH_TTL = 24 * 3600.0
"""Seconds a match stays in the live store after its last change."""


def new_match_id() -> str:
    """A random, URL-safe match id."""
    return "m" + secrets.token_hex(8)


def seat_order(players: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """The players in the seat order a match's seed draws: a stream of its own, so the order
    (which everyone sees) tells nothing of the game's draws."""
    order = list(players)
    SeededRandom(derive_seed(seed, "seats")).shuffle(order)
    return order


@dataclass
class Change:
    """A match after a change, what it announces, and the action to journal (if any)."""

    after: LiveMatch
    announcements: list[Announcement] = field(default_factory=list)
    entry: ActionEntry | None = None


Mutation = Callable[[LiveMatch], Change]
Listener = Callable[[LiveMatch], Awaitable[None]]


class MatchService:
    """Authoritative matches: every change goes through `update`, whatever its source."""

    def __init__(
        self,
        store: Store,
        journal: Journal,
        games: GameRegistry,
        clock: Clock,
        new_id: Callable[[], str] = new_match_id,
    ) -> None:
        self._store = store
        self._journal = journal
        self._games = games
        self._clock = clock
        self._new_id = new_id
        self._listeners: list[Listener] = []
        self._starters: list[Listener] = []
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._decoded: dict[str, tuple[int, bytes, LiveMatch]] = {}  # id -> revision, blob, match

    @property
    def clock(self) -> Clock:
        """The clock matches run on."""
        return self._clock

    def on_commit(self, listener: Listener) -> None:
        """Call `listener` with the match after every committed change (bots, clocks)."""
        self._listeners.append(listener)

    def on_start(self, listener: Listener) -> None:
        """Call `listener` with a match this process starts, or first finds (restored) in play."""
        self._starters.append(listener)

    async def create(
        self,
        game: str,
        players: list[dict[str, Any]],
        settings: dict[str, Any] | None = None,
        seed: int | None = None,
        match_id: str | None = None,
        shuffle: bool = False,
        room: str | None = None,
    ) -> str:
        """Start a match of `game` with these players in seat order (or in an order drawn from
        the match's seed, with `shuffle`), for a room if it came from one; its id."""
        rules = self._games.get(game)
        settings = dict(settings or {})
        seed = secrets.randbits(63) if seed is None else seed
        if shuffle:
            players = seat_order(players, seed)
        core = start_match(rules, settings, len(players), seed)
        match_id = match_id or self._new_id()
        options = MatchOptions.from_settings(settings, rules.bot_levels[0], room)
        live = LiveMatch(match_id, rules, list(players), ACTIVE, core, 0, options)
        live = live.changed(deadline=live.next_deadline(self._clock.now()))
        await self._journal.match_created(match_id, game, settings, live.players, seed)
        blob = live.encode()
        await self._store.create(match_key(match_id), blob, ttl=MATCH_TTL)
        self._remember(live, blob)
        await self._notify(live)
        await self._started(live)
        return match_id

    async def get(self, match_id: str) -> LiveMatch:
        """The live match, restored from the journal if the store lost it; NotFound if none."""
        stored = await self._store.load(match_key(match_id))
        if stored is None:
            return await self._restore(match_id)
        revision, blob = stored
        known = self._decoded.pop(match_id, None)
        if known is not None and known[0] == revision and known[1] == blob:
            self._decoded[match_id] = known
            return known[2]
        match = decode_live(blob, revision, self._games)
        self._remember(match, blob)
        return match

    async def update(
        self, match_id: str, mutate: Mutation, expected_version: int | None = None
    ) -> LiveMatch:
        """Apply `mutate` to the current match and commit it at the revision read (retrying on
        a conflict unless a version was expected); journal, publish, then notify listeners.

        Unless the journal writes actions ahead, the first try applies `mutate` to the match as
        this process last kept it, without reading the store: the commit fails if another
        process changed it since, and so does a refusal, which must come from a fresh read."""
        keeps = not self._journal.writes_ahead
        first = True

        async def attempt() -> Attempt[tuple[LiveMatch, Change, bytes]]:
            nonlocal first
            known = self._decoded.get(match_id) if keeps and first else None
            first = False
            if known is not None:
                with contextlib.suppress(GameError, Refusal):
                    return await self._prepare(known[2], mutate)
            return await self._prepare(await self.get(match_id), mutate)

        # An expected version gets one try on a fresh read, besides the one on the kept match
        # (whose revision may be behind while its version is the same: a pause and a resume).
        attempts = COMMIT_ATTEMPTS if expected_version is None else 1 + int(keeps)
        async with self._lock(match_id):
            key = match_key(match_id)
            committed = await commit_retrying(self._store, key, attempt, attempts, MATCH_TTL)
            if committed is None:
                raise StaleVersion("the match moved on; refresh and try again")
            match, change, blob = committed
            after = change.after.changed(revision=match.revision + 1)
            self._remember(after, blob)
            await self._journaled(match, change, after)
            await self._notify(after)
            return after

    async def _prepare(
        self, match: LiveMatch, mutate: Mutation
    ) -> Attempt[tuple[LiveMatch, Change, bytes]]:
        """A commit of `mutate` applied to `match` (its action written ahead if the journal
        does)."""
        change = mutate(match)
        if change.entry is not None:
            await self._journal.write_ahead(match.id, change.entry)
        topic = match_topic(match.id)
        publish = [(topic, encode_announcement(a)) for a in change.announcements]
        blob = change.after.encode()
        rebuildable = change.entry is not None  # recovery applies the journal's actions
        return Attempt(match.revision, blob, publish, (match, change, blob), rebuildable)

    async def recover(self, match_id: str) -> LiveMatch:
        """After a restart: apply the journaled actions the store had not committed yet, give
        the seats in turn a fresh clock, and commit (so listeners set bots and clocks going)."""
        history = await self._journal.history(match_id)
        actions = [] if history is None else history.actions

        def mutate(match: LiveMatch) -> Change:
            core = match.core
            for seat, name, data in actions[core.version :]:
                core = apply_action(match.game, core, seat, name, data).match
            after = match.with_core(core, self._clock.now())
            return Change(after.changed(deadline=after.next_deadline(self._clock.now())))

        return await self.update(match_id, mutate)

    async def act(
        self,
        match_id: str,
        seat: int,
        name: str,
        data: Any,
        expected_version: int | None = None,
        reply: Reply | None = None,
        timed_out: bool = False,
    ) -> LiveMatch:
        """Apply one action for `seat`; `timed_out` when the server plays it as the clock ran
        out (a `timeout` event goes first, and the seat's count of timeouts in a row grows)."""

        def mutate(match: LiveMatch) -> Change:
            if match.status == PAUSED:
                raise MatchPaused("the match is paused until someone decides how to go on")
            applied = apply_action(match.game, match.core, seat, name, data, expected_version)
            after = match.with_core(applied.match, self._clock.now())
            if timed_out:
                applied.events.insert(0, {"type": "timeout", "seat": seat})
            after = after.with_timeouts(seat, match.timeouts_of(seat) + 1 if timed_out else 0)
            entry = ActionEntry(after.version, seat, name, applied.data, self._clock.now())
            return Change(after, [update_announcement(after, applied, reply)], entry)

        started = time.perf_counter()
        after = await self.update(match_id, mutate, expected_version)
        ACTION_SECONDS.observe(time.perf_counter() - started)
        count_action(after.game.name)
        return after

    async def chat(
        self, match_id: str, sender: dict[str, Any], text: str, reply: Reply | None = None
    ) -> None:
        """Send a chat line to everyone in the match."""
        line = match_chat(sender, text, iso(self._clock.now()))
        announcement = Announcement(frames={EVERYONE: line})
        if reply is not None:
            announcement.reply_to, announcement.request_id = reply.token, reply.request_id
        await self.announce(match_id, announcement)

    async def next_claim(self, match_id: str, seat: int) -> int:
        """A generation for a new socket of this seat, higher than every earlier one's."""
        return await self._store.adjust_presence(claims_key(match_id), str(seat), 1)

    async def claim_seat(self, match_id: str, seat: int, token: str, generation: int) -> None:
        """Close every older socket of this seat, in every process (4009); a seat's first claim
        (generation 1) has none, and announces nothing."""
        if generation <= 1:
            return
        claim = Announcement(
            close=[str(seat)], close_code=CloseCode.REPLACED, keep=token, before=generation
        )
        await self.announce(match_id, claim)

    async def connected_seats(self, match_id: str) -> set[int]:
        """Seats with at least one open socket."""
        return {int(seat) for seat in await self._store.presence(match_presence_key(match_id))}

    async def announce(self, match_id: str, announcement: Announcement) -> None:
        """Publish an announcement that changes nothing stored."""
        await self._store.publish(match_topic(match_id), encode_announcement(announcement))

    async def _journaled(self, before: LiveMatch, change: Change, after: LiveMatch) -> None:
        match_id = after.id
        if change.entry is not None:
            await self._journal.committed(match_id, change.entry)
        if after.players != before.players:
            await self._journal.seats_changed(match_id, after.players)
        if after.finished and after.core.result is not None:
            result = after.core.result.to_dict()
            await self._journal.match_finished(match_id, result, after.version)

    def _remember(self, match: LiveMatch, blob: bytes) -> None:
        """Keep `match` decoded while its stored blob is `blob` and it is not over, dropping the
        least recently used match beyond DECODED_MATCHES (matches are immutable: a change makes
        a new one). Every match kept is more for the garbage collector to walk."""
        self._decoded.pop(match.id, None)
        if match.finished:
            return
        self._decoded[match.id] = (match.revision, blob, match)
        if len(self._decoded) > DECODED_MATCHES:
            del self._decoded[next(iter(self._decoded))]

    async def _notify(self, match: LiveMatch) -> None:
        for listener in self._listeners:
            await listener(match)

    async def _started(self, match: LiveMatch) -> None:
        for listener in self._starters:
            await listener(match)

    async def _restore(self, match_id: str) -> LiveMatch:
        history = await self._journal.history(match_id)
        if history is None:
            raise NotFound(f"no match {match_id}")
        rules = self._games.get(history.game)
        seats = len(history.players)
        core = replay(rules, history.settings, seats, history.seed, history.actions)
        if history.result is not None and core.result is None:
            core = msgspec.structs.replace(core, result=Result(**history.result))
        options = MatchOptions.from_settings(history.settings, rules.bot_levels[0])
        live = LiveMatch(match_id, rules, history.players, ACTIVE, core, 0, options)
        live = live.with_core(core, self._clock.now())
        key = match_key(match_id)
        if await self._store.create(key, live.encode(), version=live.version, ttl=MATCH_TTL):
            await self._started(live)
        return await self.get(match_id)

    def _lock(self, match_id: str) -> asyncio.Lock:
        lock = self._locks.get(match_id)
        if lock is None:
            lock = self._locks[match_id] = asyncio.Lock()
        return lock
