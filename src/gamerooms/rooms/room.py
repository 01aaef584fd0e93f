"""A room as the store keeps it, and its wire shapes (RoomSummary, RoomState)."""

from __future__ import annotations

from typing import Any

import msgspec

from gamerooms.protocol.frames import iso

OPEN = "open"
FULL = "full"
PLAYING = "playing"


class Seat(msgspec.Struct):
    """A player seated in a room."""

    player: dict[str, Any]
    ready: bool
    joined_at: float

    @property
    def player_id(self) -> str:
        """The seated player's id."""
        return str(self.player["id"])


class Room(msgspec.Struct):
    """A pre-game lobby with seats; stored as one versioned document."""

    id: str
    name: str
    game: str
    owner_id: str
    seats: list[Seat]
    max_players: int
    min_players: int
    private: bool
    password_hash: str | None
    settings: dict[str, Any]
    created_at: float
    playing: bool = False
    match_id: str | None = None

    @property
    def status(self) -> str:
        """open, full or playing."""
        if self.playing:
            return PLAYING
        return FULL if len(self.seats) >= self.max_players else OPEN

    def seat_of(self, player_id: str) -> Seat | None:
        """The seat of a player, or None."""
        return next((seat for seat in self.seats if seat.player_id == player_id), None)

    @property
    def owner(self) -> dict[str, Any]:
        """The owner's Player object."""
        seat = self.seat_of(self.owner_id)
        return seat.player if seat is not None else {"id": self.owner_id}

    @property
    def bot_seats(self) -> int:
        """Empty seats that bots fill at start: up to `target_players`, within max_players."""
        target = min(int(self.settings.get("target_players") or 0), self.max_players)
        return max(0, target - len(self.seats))

    @property
    def all_ready(self) -> bool:
        """Whether every seated player is ready (and someone is seated)."""
        return bool(self.seats) and all(seat.ready for seat in self.seats)

    def summary(self) -> dict[str, Any]:
        """The RoomSummary wire object."""
        return {
            "id": self.id,
            "name": self.name,
            "game": self.game,
            "owner": self.owner,
            "players": [seat.player for seat in self.seats],
            "max_players": self.max_players,
            "min_players": self.min_players,
            "status": self.status,
            "has_password": self.password_hash is not None,
            "private": self.private,
            "settings": self.settings,
        }

    def state(self) -> dict[str, Any]:
        """The RoomState wire object: the summary with ready marks and join times."""
        return {
            **self.summary(),
            "players": [
                {"player": seat.player, "ready": seat.ready, "joined_at": iso(seat.joined_at)}
                for seat in self.seats
            ],
            "owner_id": self.owner_id,
            "match_id": self.match_id,
        }


_decoder = msgspec.json.Decoder(Room)


def encode_room(room: Room) -> bytes:
    """The blob the store keeps."""
    return msgspec.json.encode(room)


def decode_room(blob: bytes) -> Room:
    """A room from its stored blob."""
    return _decoder.decode(blob)
