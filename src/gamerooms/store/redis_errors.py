"""What counts as Redis not answering, and the StoreUnavailable the callers get instead."""

from __future__ import annotations

from redis.exceptions import ClusterError, RedisClusterException, TryAgainError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from gamerooms.rooms.ports import StoreUnavailable

CONNECTION_ERRORS = (
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
    ClusterError,
    TryAgainError,
    RedisClusterException,
)
"""Errors of a connection to Redis that failed, dropped or timed out, and of a Redis Cluster
that does not serve a slot now: CLUSTERDOWN (a master is down, not yet replaced), TRYAGAIN (a
slot being moved) and the cluster client's own (no node reached, slots not covered)."""


def unavailable(error: BaseException) -> StoreUnavailable:
    """The StoreUnavailable to raise for a connection error (chain it with `from error`)."""
    return StoreUnavailable(f"Redis does not answer: {error or type(error).__name__}")
