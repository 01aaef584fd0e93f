"""The public matchmaking queue: players wait per game and match size; full groups get a match.

A player's place is held by the process serving their socket: one whose process died is never
matched (the store skips it) and is taken out once that process is reaped."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson

from gamerooms.engine import GameRegistry
from gamerooms.protocol import frames
from gamerooms.protocol.codes import CloseCode
from gamerooms.rooms.announcement import EVERYONE, Announcement, encode_announcement
from gamerooms.rooms.background import call_later, spawn
from gamerooms.rooms.bot_players import bot_player
from gamerooms.rooms.errors import NotFound, Refusal
from gamerooms.rooms.keys import queue_key, queue_topic
from gamerooms.rooms.leases import Leases
from gamerooms.rooms.matches import MatchService
from gamerooms.rooms.ports import Store
from gamerooms.rooms.timers import Timers

BOT_FILL_TIMER = "queue-fill"
WAITING_INTERVAL = 0.1
"""Seconds between two queue.waiting counts of one queue, at most."""

log = logging.getLogger(__name__)


class QueueService:
    """Joins, cancels and match-making, each one atomic in the store; optionally, bots fill a
    queue in which someone has waited `bot_fill_seconds`."""

    def __init__(
        self,
        store: Store,
        games: GameRegistry,
        matches: MatchService,
        timers: Timers,
        leases: Leases,
        bot_fill_seconds: float | None = None,
    ) -> None:
        self._store = store
        self._games = games
        self._matches = matches
        self._timers = timers
        self._leases = leases
        self._bot_fill_seconds = bot_fill_seconds
        self._counts_due: set[tuple[str, int]] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        timers.on(BOT_FILL_TIMER, self._fill_with_bots)
        leases.on("queue", self._left_behind)  # queue_key

    def size_for(self, game: str, players: int | None) -> int:
        """The match size a player asks for, checked against the game; NotFound, Refusal."""
        if game not in self._games:
            raise NotFound(f"no game named {game!r}")
        rules = self._games.get(game)
        size = rules.match_size() if players is None else players
        if not rules.min_players <= size <= rules.max_players:
            limits = f"{rules.min_players} and {rules.max_players}"
            raise Refusal(f"players: {game} is played by between {limits} players")
        return size

    async def join(self, game: str, size: int, player: dict[str, Any], token: str) -> int | None:
        """Queue the player from the socket with this token (which replaces an older socket of
        the player); start a match when full. How many wait now, or None if a match started."""
        sockets = await self._leases.hold(queue_key(game, size), player["id"])
        if sockets > 1:
            replace = Announcement(close=[player["id"]], close_code=CloseCode.REPLACED, keep=token)
            await self._publish(game, size, replace)
        if await self._enqueue(game, size, player, self._leases.owner):
            return None
        self._waiting_soon(game, size)
        if self._bot_fill_seconds is not None:
            await self._timers.set(BOT_FILL_TIMER, f"{game}/{size}", self._bot_fill_seconds)
        return await self.queued(game, size)

    async def socket_closed(self, game: str, size: int, player_id: str) -> None:
        """One of the player's queue sockets closed."""
        await self._leases.release(queue_key(game, size), player_id)

    async def _left_behind(self, queue: str, player_id: str) -> None:
        """The player's last queue socket was on a process that died: out of the queue."""
        game, _, size = queue.rpartition(":")
        await self.cancel(game, int(size), player_id)

    async def _enqueue(
        self, game: str, size: int, player: dict[str, Any], owner: str | None = None
    ) -> bool:
        """Queue one player (alive while `owner` is, if given); True if that made a group
        (whose match is then started)."""
        entry = orjson.dumps(player)
        key = queue_key(game, size)
        group = await self._store.queue_join(key, player["id"], entry, size, owner)
        if group:
            await self._start(game, size, [orjson.loads(member) for member in group])
        return bool(group)

    async def _fill_with_bots(self, key: str, payload: bytes) -> None:
        game, _, size_text = key.partition("/")
        size = int(size_text)
        rules = self._games.get(game)
        for number in range(1, size):
            if await self._store.queue_length(queue_key(game, size)) == 0:
                return
            if await self._enqueue(game, size, bot_player(rules.bot_levels[-1], number)):
                return

    async def cancel(self, game: str, size: int, player_id: str) -> bool:
        """Leave the queue; False when the player was matched first (match.found follows)."""
        left: bool = await self._store.queue_leave(queue_key(game, size), player_id)
        if left:
            self._waiting_soon(game, size)
        return left

    async def _start(self, game: str, size: int, players: list[dict[str, Any]]) -> None:
        ids = [player["id"] for player in players]
        try:
            match_id = await self._matches.create(game, players, shuffle=True)
        except Exception:
            log.exception("starting a %s match for %s failed", game, ids)
            failed = Announcement(close=ids, close_code=CloseCode.SERVER_ERROR)
            await self._publish(game, size, failed)
            raise
        found = Announcement(
            frames=dict.fromkeys(ids, frames.match_found(match_id)),
            close=ids,
            close_code=CloseCode.MOVED,
        )
        await self._publish(game, size, found)
        self._waiting_soon(game, size)

    async def queued(self, game: str, size: int) -> int:
        """How many players wait for a match of this size."""
        return await self._store.queue_length(queue_key(game, size))

    def _waiting_soon(self, game: str, size: int) -> None:
        """Tell the queue how many wait, once per WAITING_INTERVAL at most: with many players
        joining at once, one count for all of them instead of one per join (n² frames)."""
        if (game, size) in self._counts_due:
            return
        self._counts_due.add((game, size))
        call_later(WAITING_INTERVAL, self._spawn_count, game, size)

    def _spawn_count(self, game: str, size: int) -> None:
        """Start announcing the queue's count (the coroutine is made only when it runs, so a
        server stopped before the interval leaves none behind unawaited)."""
        task = spawn(self._announce_waiting(game, size))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _announce_waiting(self, game: str, size: int) -> None:
        self._counts_due.discard((game, size))
        queued = await self.queued(game, size)
        waiting = Announcement(frames={EVERYONE: frames.queue_waiting(queued, size)})
        await self._publish(game, size, waiting)

    async def _publish(self, game: str, size: int, announcement: Announcement) -> None:
        await self._store.publish(queue_topic(game, size), encode_announcement(announcement))
