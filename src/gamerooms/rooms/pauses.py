"""Leave and replace: a seat's player leaves or times out, the match pauses, the others decide."""

from __future__ import annotations

import msgspec

from gamerooms.engine import IllegalAction, Result
from gamerooms.protocol import frames
from gamerooms.protocol.codes import CloseCode
from gamerooms.protocol.frames import PauseReason
from gamerooms.rooms.announcement import EVERYONE, Announcement
from gamerooms.rooms.bot_players import bot_player
from gamerooms.rooms.errors import NotAuthorized, Refusal
from gamerooms.rooms.live import ACTIVE, FINISHED, PAUSED, LiveMatch, Pause
from gamerooms.rooms.matches import Change, MatchService
from gamerooms.rooms.rendering import Reply, update_frames
from gamerooms.rooms.timers import Timers

DECIDE_TIMER = "decide"


class NotPaused(Refusal):
    """There is nothing to decide."""

    code = "illegal_action"


class Pauses:
    """Pauses a match when a seat is lost; applies the first answer, or a bot by default."""

    def __init__(self, matches: MatchService, timers: Timers, decide_seconds: float) -> None:
        self._matches = matches
        self._timers = timers
        self._decide_seconds = decide_seconds
        timers.on(DECIDE_TIMER, self._undecided)

    async def lose_seat(self, match_id: str, seat: int, reason: PauseReason) -> LiveMatch:
        """Pause for the others to decide, or end the match when no person is left to."""
        now = self._matches.clock.now()
        decide_by = now + self._decide_seconds

        def mutate(match: LiveMatch) -> Change:
            if match.finished:
                return Change(match)
            lost = {seat} if match.pause is None else {seat, match.pause.seat}
            if not [human for human in match.humans() if human not in lost]:
                return _ended(match, seat, "abandoned")
            if match.status != ACTIVE:
                return Change(match)
            pause = Pause(seat, reason, decide_by)
            after = match.changed(status=PAUSED, pause=pause, deadline=None)
            paused = frames.match_paused(seat, reason, frames.iso(decide_by))
            return Change(after, [Announcement(frames={EVERYONE: paused})])

        after = await self._matches.update(match_id, mutate)
        if after.status == PAUSED:
            await self._timers.set(DECIDE_TIMER, match_id, self._decide_seconds)
        return after

    async def replace_with_bot(
        self, match_id: str, seat: int, answering: int | None, reply: Reply | None = None
    ) -> None:
        """Put a bot in the paused seat and go on (answering: the deciding seat, None = server)."""

        def mutate(match: LiveMatch) -> Change:
            pause = _check_answer(match, answering)
            if seat != pause.seat:
                raise Refusal(f"seat: seat {pause.seat} is the one waiting for a decision")
            bot = bot_player(match.options.bot_level, seat + 1)
            players = list(match.players)
            players[seat] = bot
            after = match.changed(players=players, status=ACTIVE, pause=None)
            after = after.with_timeouts(seat, 0)
            after = after.changed(deadline=after.next_deadline(self._matches.clock.now()))
            resumed = Announcement(frames={EVERYONE: frames.match_resumed(seat, bot)})
            if reply is not None:
                resumed.reply_to, resumed.request_id = reply.token, reply.request_id
            replaced = Announcement(close=[str(seat)], close_code=CloseCode.REPLACED)
            return Change(after, [resumed, replaced])

        await self._matches.update(match_id, mutate)
        await self._timers.cancel(DECIDE_TIMER, match_id)

    async def end(self, match_id: str, answering: int, reply: Reply | None = None) -> None:
        """End the paused match: finished, reason `abandoned`."""

        def mutate(match: LiveMatch) -> Change:
            pause = _check_answer(match, answering)
            change = _ended(match, pause.seat, "abandoned")
            if reply is not None:
                for announcement in change.announcements:
                    announcement.reply_to, announcement.request_id = reply.token, reply.request_id
            return change

        await self._matches.update(match_id, mutate)
        await self._timers.cancel(DECIDE_TIMER, match_id)

    async def welcome_back(self, match_id: str, seat: int) -> None:
        """The paused seat's own player came back before anyone decided: go on with them."""

        def mutate(match: LiveMatch) -> Change:
            if match.pause is None or match.pause.seat != seat:
                return Change(match)
            after = match.changed(status=ACTIVE, pause=None).with_timeouts(seat, 0)
            after = after.changed(deadline=after.next_deadline(self._matches.clock.now()))
            resumed = frames.match_resumed(seat, match.players[seat])
            return Change(after, [Announcement(frames={EVERYONE: resumed})])

        after = await self._matches.update(match_id, mutate)
        if after.status == ACTIVE:
            await self._timers.cancel(DECIDE_TIMER, match_id)

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


def _ended(match: LiveMatch, seat: int, reason: str) -> Change:
    """The match finished without a winner: a final update to everyone."""
    if match.core.result is not None:
        raise IllegalAction("the match is over")
    result = Result(winners=[], scores=None, reason=reason)
    after = match.changed(
        core=msgspec.structs.replace(match.core, result=result),
        status=FINISHED,
        pause=None,
        deadline=None,
    )
    events = [{"type": reason, "seat": seat}]
    return Change(after, [update_frames(after, seat, {"name": "end", "data": {}}, events)])
