"""The live match as the store keeps it: the engine's state plus seats, options, clock, pause."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import msgspec

from gamerooms.engine import (
    Game,
    GameRegistry,
    MatchState,
    decode_match,
    encode_match,
    seats_in_turn,
)
from gamerooms.protocol.frames import PauseReason

ACTIVE = "active"
PAUSED = "paused"
FINISHED = "finished"


class MatchOptions(msgspec.Struct, frozen=True, omit_defaults=True):
    """How the server runs a match, beyond the game's own settings."""

    bot_level: str = "random"
    turn_seconds: float | None = None
    max_timeouts: int = 2
    spectators: bool = True
    room: str | None = None

    @classmethod
    def from_settings(
        cls, settings: dict[str, Any], default_level: str, room: str | None = None
    ) -> MatchOptions:
        """The options found in a room's settings (defaults for the rest)."""
        turn = settings.get("turn_seconds")
        return cls(
            bot_level=str(settings.get("bot_level", default_level)),
            turn_seconds=float(turn) if turn else None,
            max_timeouts=int(settings.get("max_timeouts", 2)),
            spectators=bool(settings.get("spectators", True)),
            room=room,
        )


class Pause(msgspec.Struct, frozen=True):
    """Why a match waits, for whom, and until when the others may decide."""

    seat: int
    reason: PauseReason
    decide_by: float


class Envelope(msgspec.Struct, omit_defaults=True):
    """Stored form of a live match; `core` is the engine's encoded MatchState."""

    id: str
    game: str
    players: list[dict[str, Any]]
    status: str
    core: msgspec.Raw
    options: MatchOptions = MatchOptions()
    deadline: float | None = None
    timeouts: list[int] = []
    pause: Pause | None = None
    lost: list[Pause] = []


_envelope_decoder = msgspec.json.Decoder(Envelope)


class Glance(msgspec.Struct):
    """A stored match's status and seats, read without decoding its game state."""

    status: str
    players: list[dict[str, Any]]

    @property
    def bots(self) -> int:
        """Seats a bot holds."""
        return sum(1 for player in self.players if player.get("bot"))


_glance_decoder = msgspec.json.Decoder(Glance)


def glance(blob: bytes) -> Glance:
    """The status and seats of a stored match."""
    return _glance_decoder.decode(blob)


@dataclass(frozen=True, slots=True)
class LiveMatch:
    """A decoded live match; `revision` is the store's version of it (every change counts),
    `version` the engine's (actions applied)."""

    id: str
    game: Game[Any]
    players: list[dict[str, Any]]
    status: str
    core: MatchState
    revision: int
    options: MatchOptions = field(default_factory=MatchOptions)
    deadline: float | None = None
    timeouts: list[int] = field(default_factory=list)
    pause: Pause | None = None
    lost: list[Pause] = field(default_factory=list)
    """Seats lost while the match was paused for another: decided on one after the other."""
    _turn: list[int] | None = field(default=None, init=False, repr=False, compare=False)
    """The seats in turn, worked out once (the game's `turn` may be costly)."""

    @property
    def version(self) -> int:
        """Actions applied so far."""
        return self.core.version

    @property
    def finished(self) -> bool:
        """Whether the match is over."""
        return self.status == FINISHED

    def seat_of(self, player_id: str) -> int | None:
        """The seat of this player, or None if not seated."""
        for seat, player in enumerate(self.players):
            if player["id"] == player_id:
                return seat
        return None

    def is_bot(self, seat: int) -> bool:
        """Whether a bot sits in this seat."""
        return bool(self.players[seat].get("bot"))

    def humans(self) -> list[int]:
        """Seats held by people."""
        return [seat for seat in range(len(self.players)) if not self.is_bot(seat)]

    def turn_seats(self) -> list[int]:
        """Seats that may act now."""
        turn = self._turn
        if turn is None:
            turn = [] if self.finished else seats_in_turn(self.game, self.core)
            object.__setattr__(self, "_turn", turn)
        return list(turn)

    def timeouts_of(self, seat: int) -> int:
        """Consecutive turn-clock timeouts of a seat."""
        return self.timeouts[seat] if seat < len(self.timeouts) else 0

    def with_timeouts(self, seat: int, count: int) -> LiveMatch:
        """This match with a seat's timeout count set."""
        if self.timeouts_of(seat) == count:
            return self
        counts = [self.timeouts_of(index) for index in range(len(self.players))]
        counts[seat] = count
        return self.changed(timeouts=counts)

    def changed(self, **fields: Any) -> LiveMatch:
        """This match with some fields replaced (the seats in turn kept, if worked out, while
        the state and status stay)."""
        after = replace(self, **fields)
        if self._turn is not None and "core" not in fields and "status" not in fields:
            object.__setattr__(after, "_turn", self._turn)
        return after

    def with_core(self, core: MatchState, now: float) -> LiveMatch:
        """This match after an action: finished if the engine found a result, the clock reset."""
        status = FINISHED if core.result is not None else self.status
        after = replace(self, core=core, status=status, deadline=None)
        deadline = after.next_deadline(now)
        if deadline is not None:  # `after` is new and nobody else's yet
            object.__setattr__(after, "deadline", deadline)
        return after

    def next_deadline(self, now: float) -> float | None:
        """When the turn clock runs out for the seats in turn, if a clock runs."""
        seconds = self.options.turn_seconds
        if seconds is None or self.status != ACTIVE:
            return None
        if all(self.is_bot(seat) for seat in self.turn_seats()):
            return None
        return now + seconds

    def encode(self) -> bytes:
        """The blob the store keeps."""
        envelope = Envelope(
            self.id,
            self.game.name,
            self.players,
            self.status,
            msgspec.Raw(encode_match(self.core)),
            self.options,
            self.deadline,
            self.timeouts,
            self.pause,
            self.lost,
        )
        return msgspec.json.encode(envelope)


def decode_live(blob: bytes, revision: int, games: GameRegistry) -> LiveMatch:
    """A live match from a stored blob."""
    envelope = _envelope_decoder.decode(blob)
    game = games.get(envelope.game)
    core = decode_match(game, bytes(envelope.core))
    return LiveMatch(
        envelope.id,
        game,
        envelope.players,
        envelope.status,
        core,
        revision,
        envelope.options,
        envelope.deadline,
        envelope.timeouts,
        envelope.pause,
        envelope.lost,
    )
