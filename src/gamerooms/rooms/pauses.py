"""Leave and replace: a seat's player leaves or times out, the match pauses, the others decide."""

from __future__ import annotations

from typing import Any

import msgspec

from gamerooms.engine import MatchOver, Result
from gamerooms.protocol import frames
from gamerooms.protocol.codes import CloseCode, ErrorCode
from gamerooms.protocol.frames import PauseReason
from gamerooms.rooms.announcement import EVERYONE, Announcement
from gamerooms.rooms.bot_players import bot_player
from gamerooms.rooms.errors import NotAuthorized, Refusal
from gamerooms.rooms.live import ACTIVE, FINISHED, PAUSED, LiveMatch, Pause
from gamerooms.rooms.matches import Change, MatchService, Mutation
from gamerooms.rooms.rendering import Reply, seat_frames, update_frames
from gamerooms.rooms.timers import Timers

DECIDE_TIMER = "decide"


class NotPaused(Refusal):
    """There is nothing to decide."""

    code = ErrorCode.ILLEGAL_ACTION


class Pauses:
    """Pauses a match when a seat is lost; applies the first answer, or a bot by default. A
    seat lost while the match waits for another is decided on next."""

    def __init__(self, matches: MatchService, timers: Timers, decide_seconds: float) -> None:
        self._matches = matches
        self._timers = timers
        self._decide_seconds = decide_seconds
        timers.on(DECIDE_TIMER, self._undecided)

    async def lose_seat(self, match_id: str, seat: int, reason: PauseReason) -> LiveMatch:
        """Pause for the others to decide, or end the match when no person is left to."""

        def mutate(match: LiveMatch) -> Change:
            if match.finished:
                return Change(match)
            waiting = [] if match.pause is None else [match.pause, *match.lost]
            gone = {seat} | {pause.seat for pause in waiting}
            if not [human for human in match.humans() if human not in gone]:
                return _ended(match, seat, "abandoned")
            if seat in {pause.seat for pause in waiting}:
                return Change(match)
            if match.pause is not None:
                return Change(match.changed(lost=[*match.lost, Pause(seat, reason, 0.0)]))
            return self._pause(match, Pause(seat, reason, 0.0), [])

        return await self._settle(match_id, mutate)

    async def replace_with_bot(
        self, match_id: str, seat: int, answering: int | None, reply: Reply | None = None
    ) -> None:
        """Put a bot in the paused seat and go on (answering: the deciding seat, None = server)."""

        def mutate(match: LiveMatch) -> Change:
            pause = _check_answer(match, answering)
            if seat != pause.seat:
                raise Refusal(f"seat: seat {pause.seat} is the one waiting for a decision")
            bot = bot_player(match.options.bot_level, seat + 1)
            change = self._resume(match, seat, bot, reply)
            replaced = Announcement(close=[str(seat)], close_code=CloseCode.HANDED_TO_BOT)
            change.announcements.insert(1, replaced)
            return change

        await self._settle(match_id, mutate)

    async def end(self, match_id: str, answering: int, reply: Reply | None = None) -> None:
        """End the paused match: finished, reason `abandoned`."""

        def mutate(match: LiveMatch) -> Change:
            pause = _check_answer(match, answering)
            change = _ended(match, pause.seat, "abandoned")
            if reply is not None:
                for announcement in change.announcements:
                    announcement.reply_to, announcement.request_id = reply.token, reply.request_id
            return change

        await self._settle(match_id, mutate)

    async def end_by_operator(self, match_id: str) -> None:
        """End the match at once, active or paused: finished, reason `ended`; MatchOver if over."""
        await self._settle(match_id, lambda match: _ended(match, None, "ended"))

    async def welcome_back(self, match_id: str, seat: int) -> LiveMatch:
        """The paused seat's own player came back before anyone decided: go on with them; the
        match after."""

        def mutate(match: LiveMatch) -> Change:
            if match.pause is None or match.pause.seat != seat:
                return Change(match)
            return self._resume(match, seat, match.players[seat], None)

        return await self._settle(match_id, mutate)

    async def _settle(self, match_id: str, mutate: Mutation) -> LiveMatch:
        """Commit a change, then keep the decision timer in step with the pause it leaves."""
        after = await self._matches.update(match_id, mutate)
        await self.keep_deadline(after)
        return after

    async def keep_deadline(self, match: LiveMatch) -> None:
        """Set the decision timer of a paused match (to its `decide_by`), or cancel it."""
        if match.status == PAUSED and match.pause is not None:
            delay = match.pause.decide_by - self._matches.clock.now()
            await self._timers.set(DECIDE_TIMER, match.id, delay)
        else:
            await self._timers.cancel(DECIDE_TIMER, match.id)

    def _pause(self, match: LiveMatch, pause: Pause, lost: list[Pause]) -> Change:
        decide_by = self._matches.clock.now() + self._decide_seconds
        pause = Pause(pause.seat, pause.reason, decide_by)
        after = match.changed(status=PAUSED, pause=pause, lost=lost, deadline=None)
        paused = frames.match_paused(pause.seat, pause.reason, frames.iso(decide_by))
        return Change(after, [Announcement(frames={EVERYONE: paused})])

    def _resume(
        self, match: LiveMatch, seat: int, player: dict[str, Any], reply: Reply | None
    ) -> Change:
        """The seat goes on with `player`; then the next lost seat's pause, if any."""
        players = list(match.players)
        players[seat] = player
        after = match.changed(players=players, status=ACTIVE, pause=None).with_timeouts(seat, 0)
        after = after.changed(deadline=after.next_deadline(self._matches.clock.now()))

        def build(state: Any, turn: dict[str, Any]) -> str:
            return frames.match_resumed(seat, player, turn)

        resumed = Announcement(frames=seat_frames(after, build, with_state=False))
        if reply is not None:
            resumed.reply_to, resumed.request_id = reply.token, reply.request_id
        if not after.lost:
            return Change(after, [resumed])
        following = self._pause(after, after.lost[0], after.lost[1:])
        return Change(following.after, [resumed, *following.announcements])

    async def _undecided(self, match_id: str, payload: bytes) -> None:
        match = await self._matches.get(match_id)
        if match.pause is not None:
            await self.replace_with_bot(match_id, match.pause.seat, None)


def _check_answer(match: LiveMatch, answering: int | None) -> Pause:
    if match.pause is None:
        raise NotPaused("the match is not waiting for a decision")
    if answering is not None and (answering == match.pause.seat or match.is_bot(answering)):
        raise NotAuthorized("only the remaining players may decide")
    return match.pause


def _ended(match: LiveMatch, seat: int | None, reason: str) -> Change:
    """The match finished without a winner (seat: whose loss ended it, None for the server's
    operator): a final update to everyone."""
    if match.core.result is not None:
        raise MatchOver("the match is over")
    result = Result(winners=[], scores=None, reason=reason)
    after = match.changed(
        core=msgspec.structs.replace(match.core, result=result),
        status=FINISHED,
        pause=None,
        deadline=None,
    )
    event: dict[str, Any] = {"type": reason} if seat is None else {"type": reason, "seat": seat}
    return Change(after, [update_frames(after, seat, {"name": "end", "data": {}}, [event])])
