"""What counts as Redis not answering, and the StoreUnavailable the callers get instead."""

from __future__ import annotations

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from gamerooms.rooms.ports import StoreUnavailable

CONNECTION_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
"""Errors of a connection to Redis that failed, dropped or timed out."""


def unavailable(error: BaseException) -> StoreUnavailable:
    """The StoreUnavailable to raise for a connection error (chain it with `from error`)."""
    return StoreUnavailable(f"Redis does not answer: {error or type(error).__name__}")
