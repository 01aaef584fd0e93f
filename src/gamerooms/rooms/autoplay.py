"""Moves the server makes itself: bots in their seats, and a seat whose turn clock ran out."""

from __future__ import annotations

import asyncio

from gamerooms.bots import policy_for
from gamerooms.engine import Action, GameError, decision_rng, determinized
from gamerooms.rooms.live import ACTIVE, LiveMatch
from gamerooms.rooms.matches import MatchService
from gamerooms.rooms.pauses import Pauses
from gamerooms.rooms.timers import Timers

BOT_TIMER = "bot"
TURN_TIMER = "turn"


class Autoplay:
    """After every change: schedules the bots whose turn it is, and the turn clock."""

    def __init__(
        self, matches: MatchService, timers: Timers, pauses: Pauses, bot_delay: float
    ) -> None:
        self._matches = matches
        self._timers = timers
        self._pauses = pauses
        self._bot_delay = bot_delay
        matches.on_commit(self.schedule)
        timers.on(BOT_TIMER, self._bot_due)
        timers.on(TURN_TIMER, self._clock_ran_out)

    async def schedule(self, match: LiveMatch) -> None:
        """Set the timers this match now needs. A match has one turn clock, moved on by every
        change (its payload names the version it is for) and dropped once the match is not
        active, so that no clock of a past turn stays pending until its deadline."""
        if match.status != ACTIVE:
            if match.options.turn_seconds is not None:  # else it never had a clock to drop
                await self._timers.cancel(TURN_TIMER, match.id)
            return
        for seat in match.turn_seats():
            if match.is_bot(seat):
                key = f"{match.id}/{seat}/{match.version}"
                await self._timers.set(BOT_TIMER, key, self._bot_delay)
        if match.deadline is not None:
            delay = match.deadline - self._matches.clock.now()
            await self._timers.set(TURN_TIMER, match.id, delay, str(match.version).encode())

    async def _bot_due(self, key: str, payload: bytes) -> None:
        match_id, seat_text, version_text = key.split("/")
        seat, version = int(seat_text), int(version_text)
        match = await self._matches.get(match_id)
        if not _waits_for(match, seat, version) or not match.is_bot(seat):
            return
        await self._play(match, seat, timed_out=False)

    async def _clock_ran_out(self, match_id: str, payload: bytes) -> None:
        match, version = await self._matches.get(match_id), int(payload)
        for seat in match.turn_seats():
            if match.is_bot(seat) or not _waits_for(match, seat, version):
                continue
            after = await self._play(match, seat, timed_out=True)
            if after is None:
                return
            if after.timeouts_of(seat) >= match.options.max_timeouts and not after.finished:
                await self._pauses.lose_seat(match_id, seat, "idle")
                return
            match, version = after, after.version

    async def _play(self, match: LiveMatch, seat: int, timed_out: bool) -> LiveMatch | None:
        """Play the bot's move for this seat; None if the match moved on meanwhile."""
        level = str(match.players[seat].get("level") or match.options.bot_level)
        policy = policy_for(match.game, level)
        known = determinized(match.game, match.core, seat, decision_rng(match.core, seat, -1))
        action: Action = await asyncio.to_thread(policy.choose, match.game, known, seat)
        try:
            return await self._matches.act(
                match.id, seat, action.name, action.data, match.version, timed_out=timed_out
            )
        except GameError:
            return None


def _waits_for(match: LiveMatch, seat: int, version: int) -> bool:
    return match.status == ACTIVE and match.version == version and seat in match.turn_seats()
