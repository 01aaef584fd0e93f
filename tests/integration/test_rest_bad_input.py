"""Malformed REST bodies (docs/protocol.md) are refused with a 4xx, never a server error.

Deeply nested JSON gets a 400 naming the nesting; a few hundred fuzzed bodies (nesting, numbers
out of range, lone surrogates, invalid UTF-8, wrong types and shapes, truncated text) across the
POST endpoints get no 5xx. The servers run with the REST throttles off, so that every body
reaches the parser (a 429 fails the test too).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from gamerooms.testing import ServerProcess, running_server
from tests.integration.conftest import guests
from tests.support import redis_env

ENDPOINTS = ["/api/auth/guest/", "/api/auth/register/", "/api/auth/token/", "/api/rooms/"]
FIELDS = ["name", "avatar", "username", "password", "game", "max_players", "private", "settings"]
UNTHROTTLED = {
    f"GAMEROOMS_THROTTLE_{scope}": "off"
    for scope in ("LOGIN", "REGISTER", "GUEST", "ROOM_LOOKUP", "MATCH_LOOKUP")
}
"""Every body must reach the parser, not stop at a throttle's 429."""


@pytest.fixture(scope="module", params=["memory", "redis"])
def server(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """One server process per backend, with the REST throttles off."""
    env = UNTHROTTLED | (redis_env() if request.param == "redis" else {})
    with running_server(env=env) as process:
        yield process


def nested(levels: int, kind: str) -> str:
    """JSON text: an array, or an object under key "a", nested `levels` deep."""
    if kind == "array":
        return "[" * levels + "]" * levels
    return '{"a":' * levels + "{}" + "}" * levels


def client(server: ServerProcess, token: str) -> httpx.Client:
    """An HTTP client for the server that sends JSON as the player with this access token."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=30)


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("kind", ["array", "object"])
@pytest.mark.parametrize("levels", [34, 1_000, 10_000])
def test_deeply_nested_body_is_a_400(
    server: ServerProcess, path: str, kind: str, levels: int
) -> None:
    with client(server, guests(server, 1)[0].access) as http:
        for body in (nested(levels, kind), f'{{"name": "n", "settings": {nested(levels, kind)}}}'):
            response = http.post(path, content=body)
            assert response.status_code == 400, (response.status_code, response.text[:300])
            assert "nested deeper than 32 levels" in response.json()["detail"], response.text


def scalars(rng: random.Random) -> Iterator[Any]:
    """JSON values of every kind, some of them out of range (as raw JSON text)."""
    yield from ["null", "true", "0", "-1", "2", "1.5", '""', '"x"', "[]", "{}"]
    yield from [str(2**64), str(-(2**63) - 1), "1e400", "-1e400", "NaN", "Infinity", "1" * 5000]
    yield from ['"\\ud800"', '"a\\udfff b"', '"\\u0000"', '"' + "x" * 100_000 + '"']
    yield from [nested(rng.choice([33, 300, 3_000]), rng.choice(["array", "object"]))]
    yield orjson.dumps({"emoji": "\\ud83d", "color": 5}).decode()


def bodies(rng: random.Random) -> Iterator[bytes]:
    """Malformed bodies: each field given each odd value, the shapes around them, and bytes."""
    values = list(scalars(rng))
    for field in FIELDS:
        for value in values:
            yield f'{{"{field}": {value}, "name": "n", "game": "tictactoe"}}'.encode()
    good = b'{"name": "n", "game": "tictactoe", "max_players": 2}'
    for _ in range(40):
        cut = rng.randrange(1, len(good))
        yield good[:cut]
        yield good[:cut] + bytes([rng.randrange(128, 256)]) + good[cut:]
    yield from [b"", b"[]", b'"text"', b"42", b"\xff\xfe", b'{"name": "\xc3("}', b"{" * 100_000]
    yield from [value.encode() for value in values]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_fuzzed_bodies_never_get_a_server_error(server: ServerProcess, path: str) -> None:
    rng = random.Random(f"rest-fuzz {path}")
    failures = []
    count = 0
    with client(server, guests(server, 1)[0].access) as http:
        for body in bodies(rng):
            count += 1
            response = http.post(path, content=body)
            if response.status_code >= 500 or response.status_code == 429:
                failures.append((response.status_code, body[:120], response.text[:200]))
    assert count > 150
    assert failures == [], failures
