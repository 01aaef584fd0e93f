"""Untimed set-up on a gamerooms server: guests and rooms, made before a step starts."""

from __future__ import annotations

import time
import urllib.request
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import orjson

from bench.servers import Running
from gamerooms.client import Guest, create_guest

THREADS = 8
"""Concurrent HTTP requests while provisioning."""


def guests(running: Running, count: int) -> list[Guest]:
    """`count` new guests (signed in on the first server process)."""
    base = running.http[0]
    tag = uuid.uuid4().hex[:4]
    began = time.monotonic()
    with ThreadPoolExecutor(THREADS) as pool:
        made = list(pool.map(lambda i: create_guest(base, f"b{tag}{i}"), range(count)))
    _note(f"{count} guests", began)
    return made


def _note(what: str, began: float) -> None:
    """Print how long a piece of set-up took."""
    print(f"    (set-up: {what} in {time.monotonic() - began:.1f} s)", flush=True)


def create_room(base: str, owner: Guest, game: str, max_players: int) -> str:
    """A new room owned by `owner` (POST /api/rooms/); its code."""
    body = {"name": f"bench {owner.id}", "game": game, "max_players": max_players}
    request = urllib.request.Request(
        f"{base}/api/rooms/",
        data=orjson.dumps(body),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {owner.access}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(orjson.loads(response.read())["id"])


def rooms(running: Running, owners: Sequence[Guest], game: str, size: int) -> list[str]:
    """One room per owner; their codes."""
    base = running.http[0]
    began = time.monotonic()
    with ThreadPoolExecutor(THREADS) as pool:
        codes = list(pool.map(lambda owner: create_room(base, owner, game, size), owners))
    _note(f"{len(codes)} rooms", began)
    return codes
