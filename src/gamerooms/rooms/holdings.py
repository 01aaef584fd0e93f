"""How many rooms (or drafts) one player holds at once, capped, in a Store document per player
changed by compare-and-set, so the cap holds across processes and racing requests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import orjson

from gamerooms.protocol.codes import ErrorCode
from gamerooms.rooms.errors import Refusal
from gamerooms.rooms.keys import holdings_key
from gamerooms.rooms.ports import Store

StillHeld = Callable[[str, list[str]], Awaitable[list[bool]]]
"""Given a player and what they were holding, whether each one still counts (exists, is theirs)."""

COMMIT_ATTEMPTS = 50
TTL_SECONDS = 24 * 3600.0


class LimitReached(Refusal):
    """The player already holds as many as allowed."""

    code = ErrorCode.LIMIT_REACHED


class Holdings:
    """The things of one kind each player holds; `take` refuses one over the cap."""

    def __init__(self, store: Store, kind: str, limit: int, still_held: StillHeld) -> None:
        self._store = store
        self._kind = kind
        self._limit = limit
        self._still_held = still_held

    async def check(self, player_id: str) -> None:
        """LimitReached if the player could not take one more now (a cheap early refusal)."""
        stored = await self._store.load(self._key(player_id))
        held = [] if stored is None else await self._held(player_id, stored[1])
        self._refuse_if_full(held)

    async def take(self, player_id: str, item: str) -> None:
        """Count an item that now exists as the player's; LimitReached (nothing counted) if they
        hold the limit already. Items gone or no longer theirs stop counting by themselves."""
        key = self._key(player_id)
        for _ in range(COMMIT_ATTEMPTS):
            stored = await self._store.load(key)
            held = [] if stored is None else await self._held(player_id, stored[1])
            self._refuse_if_full(held)
            blob = orjson.dumps([*held, item])
            if stored is None:
                if await self._store.create(key, blob, ttl=TTL_SECONDS):
                    return
            elif await self._store.commit(key, stored[0], blob, ttl=TTL_SECONDS):
                return
        raise Refusal("too busy right now; try again")

    async def _held(self, player_id: str, blob: bytes) -> list[str]:
        items: list[str] = orjson.loads(blob)
        alive = await self._still_held(player_id, items)
        return [item for item, held in zip(items, alive, strict=True) if held]

    def _refuse_if_full(self, held: list[str]) -> None:
        if len(held) >= self._limit:
            raise LimitReached(f"you already have {len(held)} open {self._kind}; close one first")

    def _key(self, player_id: str) -> str:
        return holdings_key(self._kind, player_id)
