"""Store implementations: in-process memory (the embedded default) and Redis."""

from __future__ import annotations

from gamerooms.rooms.ports import Store
from gamerooms.store.memory import MemoryStore
from gamerooms.store.state_file import StateFile

__all__ = ["MemoryStore", "build_store"]


def build_store(
    redis_url: str | None,
    prefix: str = "gamerooms:",
    state_file: str | None = None,
    *,
    cluster: bool = False,
) -> Store:
    """A RedisStore on `redis_url` (keys and channels under `prefix`; a node of a Redis Cluster
    if `cluster`), or a MemoryStore when the URL is None or empty (kept in `state_file` if
    given)."""
    if not redis_url:
        return MemoryStore(state=StateFile(state_file) if state_file else None)
    from gamerooms.store.redis import RedisStore  # the redis extra is optional

    return RedisStore(redis_url, prefix=prefix, cluster=cluster)
