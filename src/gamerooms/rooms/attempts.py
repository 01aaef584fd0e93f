"""Room password attempts, limited per player per room and per room, counted in the Store."""

from __future__ import annotations

from gamerooms.protocol.codes import ErrorCode
from gamerooms.rooms.errors import Refusal
from gamerooms.rooms.keys import password_attempts_key, player_attempts_key
from gamerooms.rooms.ports import Store

WINDOW_SECONDS = 60.0
"""Allowances are per minute: a counter starts at a player's first attempt and lasts a minute."""


class RateLimited(Refusal):
    """Too many attempts; try again later."""

    code = ErrorCode.RATE_LIMITED


class PasswordAttempts:
    """Counts each password check before it runs and gives it back when the password was right,
    so only wrong passwords (and checks in flight) use up an allowance, in every process."""

    def __init__(self, store: Store, per_player: int, per_room: int) -> None:
        self._store = store
        self._per_player = per_player
        self._per_room = per_room

    async def take(self, code: str, player_id: str) -> None:
        """Count one attempt by this player on this room; RateLimited over either allowance (an
        attempt refused by the room's allowance is not held against the player's)."""
        mine, room = player_attempts_key(code, player_id), password_attempts_key(code)
        if await self._store.count(mine, 1, WINDOW_SECONDS) > self._per_player:
            raise RateLimited("too many wrong passwords for this room; wait a minute")
        if await self._store.count(room, 1, WINDOW_SECONDS) > self._per_room:
            await self._store.count(mine, -1, WINDOW_SECONDS)
            raise RateLimited("too many wrong passwords for this room lately; wait a minute")

    async def give_back(self, code: str, player_id: str) -> None:
        """Un-count an attempt whose password was right."""
        await self._store.count(player_attempts_key(code, player_id), -1, WINDOW_SECONDS)
        await self._store.count(password_attempts_key(code), -1, WINDOW_SECONDS)
