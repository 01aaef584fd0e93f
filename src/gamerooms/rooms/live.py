"""The live match as the store keeps it: the engine's state plus who sits where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from gamerooms.engine import Game, GameRegistry, MatchState, decode_match, encode_match

ACTIVE = "active"
PAUSED = "paused"
FINISHED = "finished"


class Envelope(msgspec.Struct):
    """Stored form of a live match; `core` is the engine's encoded MatchState."""

    id: str
    game: str
    players: list[dict[str, Any]]
    status: str
    core: msgspec.Raw


_envelope_decoder = msgspec.json.Decoder(Envelope)


@dataclass(frozen=True, slots=True)
class LiveMatch:
    """A decoded live match at a store version."""

    id: str
    game: Game[Any]
    players: list[dict[str, Any]]
    status: str
    core: MatchState
    version: int

    def seat_of(self, player_id: str) -> int | None:
        """The seat of this player, or None if not seated."""
        for seat, player in enumerate(self.players):
            if player["id"] == player_id:
                return seat
        return None

    def with_core(self, core: MatchState) -> LiveMatch:
        """This match after an action, finished if the engine found a result."""
        status = FINISHED if core.result is not None else self.status
        return LiveMatch(self.id, self.game, self.players, status, core, core.version)

    def encode(self) -> bytes:
        """The blob the store keeps."""
        envelope = Envelope(
            self.id, self.game.name, self.players, self.status, msgspec.Raw(encode_match(self.core))
        )
        return msgspec.json.encode(envelope)


def decode_live(blob: bytes, version: int, games: GameRegistry) -> LiveMatch:
    """A live match from a stored blob."""
    envelope = _envelope_decoder.decode(blob)
    game = games.get(envelope.game)
    core = decode_match(game, bytes(envelope.core))
    return LiveMatch(envelope.id, game, envelope.players, envelope.status, core, version)
