"""Helpers shared by the test suites: which services are here, and what CI requires."""

from __future__ import annotations

import functools
import os
import shutil
from urllib.parse import urlsplit

import pytest

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_url_or_skip() -> str:
    """The test Redis URL; skips the calling test (or fails it, if required) when unreachable."""
    url = os.environ.get("GAMEROOMS_TEST_REDIS_URL") or DEFAULT_REDIS_URL
    problem = _redis_problem(url)
    if problem is None:
        return url
    parts = urlsplit(url)
    reason = f"Redis not reachable at {parts.hostname or '127.0.0.1'}:{parts.port or 6379}"
    if os.environ.get("GAMEROOMS_REQUIRE_REDIS") == "1":
        pytest.fail(f"{reason} ({problem}) and GAMEROOMS_REQUIRE_REDIS=1", pytrace=False)
    pytest.skip(f"{reason} ({problem})")


@functools.cache
def _redis_problem(url: str) -> str | None:
    """Why Redis at `url` can't be used, or None if it answers PING (asked once per session)."""
    try:
        import redis
    except ImportError:
        return "the redis package is not installed"
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        return str(error) or type(error).__name__
    finally:
        client.close()
    return None


CHROMIUM = "/usr/bin/chromium"


def chromium_or_skip() -> str:
    """The Chromium binary; skips the calling test (or fails it, if required) when absent."""
    path = shutil.which("chromium") or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    if path is not None:
        return path
    reason = "Chromium not found at /usr/bin/chromium (apt-get install -y chromium)"
    if os.environ.get("GAMEROOMS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} and GAMEROOMS_REQUIRE_BROWSER=1", pytrace=False)
    pytest.skip(reason)


def haproxy_or_skip() -> str:
    """The haproxy binary; skips the calling test (or fails it, if required) when absent."""
    path = shutil.which("haproxy")
    if path is not None:
        return path
    reason = "haproxy is not installed (apt-get install -y haproxy)"
    if os.environ.get("GAMEROOMS_REQUIRE_BALANCER") == "1":
        pytest.fail(f"{reason} and GAMEROOMS_REQUIRE_BALANCER=1", pytrace=False)
    pytest.skip(reason)


DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"


def postgres_url_or_skip() -> str:
    """The test PostgreSQL URL; skips (or fails, if required) when the server is unreachable."""
    url = os.environ.get("GAMEROOMS_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    try:
        import psycopg

        psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=2).close()
    except Exception as error:
        reason = f"PostgreSQL not reachable at {url} ({error})"
        if os.environ.get("GAMEROOMS_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{reason} and GAMEROOMS_REQUIRE_POSTGRES=1", pytrace=False)
        pytest.skip(reason)
    return url


def redis_env() -> dict[str, str]:
    """Server environment for Redis with a key prefix of its own, so that servers of different
    tests (each with its own database) never fire each other's timers or read each other's state;
    skips (or fails, if required) when Redis is unreachable."""
    return {"REDIS_URL": redis_url_or_skip(), "GAMEROOMS_REDIS_PREFIX": f"t{os.urandom(6).hex()}:"}
