"""Untimed set-up on a gamerooms server: guests, rooms and matches, made before a step starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import orjson

from bench.servers import REPO, Running
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


def matches(running: Running, game: str, seatings: Sequence[Sequence[str]]) -> list[str]:
    """One match per seating (player ids by seat), made like `gamerooms match` but in one
    process for all of them; their ids, in order."""
    began = time.monotonic()
    command = [sys.executable, "-m", "bench.make_matches", "--data", running.data, "--game", game]
    done = subprocess.run(
        command,
        input=json.dumps([list(seating) for seating in seatings]).encode(),
        env={**os.environ, **running.env},
        cwd=REPO,
        capture_output=True,
        check=False,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.make_matches failed: {done.stderr.decode()[-2000:]}")
    ids: list[str] = json.loads(done.stdout)
    _note(f"{len(ids)} matches", began)
    return ids
