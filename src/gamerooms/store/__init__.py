"""Store implementations: in-process memory (the embedded default) and Redis."""

from __future__ import annotations

from gamerooms.rooms.ports import Store
from gamerooms.store.memory import MemoryStore

__all__ = ["MemoryStore", "build_store"]


def build_store(redis_url: str | None, prefix: str = "gamerooms:") -> Store:
    """A RedisStore on `redis_url` (keys and channels under `prefix`), or a MemoryStore when
    the URL is None or empty."""
    if not redis_url:
        return MemoryStore()
    from gamerooms.store.redis import RedisStore  # the redis extra is optional

    return RedisStore(redis_url, prefix=prefix)
