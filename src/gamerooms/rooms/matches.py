"""The referee: creates matches, applies actions (load, apply, save at version, publish)."""

from __future__ import annotations

import asyncio
import secrets
import weakref
from collections.abc import Callable
from typing import Any

from gamerooms.engine import (
    GameRegistry,
    SeededRandom,
    StaleVersion,
    apply_action,
    replay,
    start_match,
)
from gamerooms.protocol.codes import CloseCode
from gamerooms.protocol.frames import frame, iso
from gamerooms.rooms.announcement import EVERYONE, Announcement, encode_announcement
from gamerooms.rooms.errors import MatchPaused, NotFound
from gamerooms.rooms.live import ACTIVE, PAUSED, LiveMatch, decode_live
from gamerooms.rooms.ports import ActionEntry, Clock, Journal, Store, match_topic
from gamerooms.rooms.rendering import Reply, update_announcement

COMMIT_ATTEMPTS = 8


def new_match_id() -> str:
    """A random, URL-safe match id."""
    return "m" + secrets.token_hex(8)


MATCH_TTL = 24 * 3600.0
"""Seconds a match stays in the live store after its last change."""


def match_key(match_id: str) -> str:
    """The store key of a live match."""
    return f"match:{match_id}"


def presence_key(match_id: str) -> str:
    """The store presence key of a match's connected seats."""
    return f"match:{match_id}"


class MatchService:
    """Authoritative matches: every action goes through `act`, whatever its source."""

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
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def create(
        self,
        game: str,
        players: list[dict[str, Any]],
        settings: dict[str, Any] | None = None,
        seed: int | None = None,
        match_id: str | None = None,
        shuffle: bool = False,
    ) -> str:
        """Start a match of `game` with these players in seat order (or in an order drawn from
        the match's seed, with `shuffle`); its id."""
        rules = self._games.get(game)
        seed = secrets.randbits(63) if seed is None else seed
        if shuffle:
            players = list(players)
            SeededRandom(seed).shuffle(players)
        core = start_match(rules, settings, len(players), seed)
        match_id = match_id or self._new_id()
        live = LiveMatch(match_id, rules, list(players), ACTIVE, core, 0)
        await self._journal.match_created(match_id, game, core.settings, live.players, seed)
        await self._store.create(match_key(match_id), live.encode(), ttl=MATCH_TTL)
        return match_id

    async def get(self, match_id: str) -> LiveMatch:
        """The live match, restored from the journal if the store lost it; NotFound if none."""
        stored = await self._store.load(match_key(match_id))
        if stored is not None:
            return decode_live(stored[1], stored[0], self._games)
        return await self._restore(match_id)

    async def act(
        self,
        match_id: str,
        seat: int,
        name: str,
        data: Any,
        expected_version: int | None = None,
        reply: Reply | None = None,
    ) -> LiveMatch:
        """Apply one action for `seat`, make it durable, publish it; the match after it."""
        async with self._lock(match_id):
            for _ in range(COMMIT_ATTEMPTS):
                match = await self.get(match_id)
                if match.status == PAUSED:
                    raise MatchPaused("the match is paused until someone decides how to go on")
                applied = apply_action(match.game, match.core, seat, name, data, expected_version)
                after = match.with_core(applied.match)
                entry = ActionEntry(after.version, seat, name, applied.data, self._clock.now())
                await self._journal.write_ahead(match_id, entry)
                announcement = encode_announcement(update_announcement(after, applied, reply))
                publication = (match_topic(match_id), announcement)
                if await self._store.commit(
                    match_key(match_id), match.version, after.encode(), [publication], ttl=MATCH_TTL
                ):
                    await self._journal.committed(match_id, entry)
                    if after.core.result is not None:
                        result = after.core.result.to_dict()
                        await self._journal.match_finished(match_id, result, after.version)
                    return after
                if expected_version is not None:
                    break
        raise StaleVersion("the match moved on; refresh and try again")

    async def chat(
        self, match_id: str, sender: dict[str, Any], text: str, reply: Reply | None = None
    ) -> None:
        """Send a chat line to everyone in the match."""
        fields: dict[str, Any] = {"from": sender, "text": text, "at": iso(self._clock.now())}
        line = frame("match.chat", **fields)
        announcement = Announcement(frames={EVERYONE: line})
        if reply is not None:
            announcement.reply_to, announcement.request_id = reply.token, reply.request_id
        await self._publish(match_id, announcement)

    async def claim_seat(self, match_id: str, seat: int, token: str) -> None:
        """Close every other socket of this seat, in every process (4009)."""
        claim = Announcement(close=[str(seat)], close_code=CloseCode.REPLACED, keep=token)
        await self._publish(match_id, claim)

    async def connected_seats(self, match_id: str) -> set[int]:
        """Seats with at least one open socket."""
        return {int(seat) for seat in await self._store.presence(presence_key(match_id))}

    async def _publish(self, match_id: str, announcement: Announcement) -> None:
        await self._store.publish(match_topic(match_id), encode_announcement(announcement))

    async def _restore(self, match_id: str) -> LiveMatch:
        history = await self._journal.history(match_id)
        if history is None:
            raise NotFound(f"no match {match_id}")
        rules = self._games.get(history.game)
        core = replay(rules, history.settings, len(history.players), history.seed, history.actions)
        live = LiveMatch(match_id, rules, history.players, ACTIVE, core, 0).with_core(core)
        await self._store.create(
            match_key(match_id), live.encode(), version=live.version, ttl=MATCH_TTL
        )
        return await self.get(match_id)

    def _lock(self, match_id: str) -> asyncio.Lock:
        lock = self._locks.get(match_id)
        if lock is None:
            lock = self._locks[match_id] = asyncio.Lock()
        return lock
