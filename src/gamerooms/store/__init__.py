"""Store implementations: in-process memory (the embedded default) and Redis."""

from __future__ import annotations

from gamerooms.rooms.ports import Store
from gamerooms.store.memory import MemoryStore

__all__ = ["MemoryStore", "build_store"]


def build_store(redis_url: str | None) -> Store:
    """A RedisStore on `redis_url`, or a MemoryStore when it is None or empty."""
    if not redis_url:
        return MemoryStore()
    from gamerooms.store.redis import RedisStore  # the redis extra is optional

    return RedisStore(redis_url)
