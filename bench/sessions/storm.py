"""Join-storm clients: everyone enters matchmaking at the same moment and waits for a match."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from bench.sessions.common import CpuClock, close_all, sleep_until
from bench.wire import colyseus_decode, join_colyseus, open_socket


class StormClients:
    """One worker's share of the storm; `share` = {"kind": str, "members": [dict, ...]}.

    Every member has "base" and "who" (a unique name); gamerooms members also a "token"."""

    def __init__(self, share: dict[str, Any]) -> None:
        self.kind: str = share["kind"]
        self.members: list[dict[str, Any]] = share["members"]
        self.sockets: list[ClientConnection] = []

    async def open(self) -> dict[str, int]:
        """Nothing to open ahead: the storm is the connecting."""
        return {"members": len(self.members)}

    async def step(self, start_at: float, timeout: float) -> dict[str, Any]:
        """Connect everyone at `start_at`; each member's (player, match, seconds) or error."""
        await sleep_until(start_at)
        cpu = CpuClock()
        outcomes = await asyncio.gather(
            *(self._enter(member, start_at, timeout) for member in self.members),
            return_exceptions=True,
        )
        matched = [outcome for outcome in outcomes if isinstance(outcome, tuple)]
        failures = [repr(outcome)[:200] for outcome in outcomes if not isinstance(outcome, tuple)]
        return {"matched": matched, "failures": failures, "cpu_pct": cpu.percent()}

    async def _enter(
        self, member: dict[str, Any], start: float, timeout: float
    ) -> tuple[str, str, float]:
        async with asyncio.timeout(timeout):
            if self.kind == "gamerooms":
                match = await self._gamerooms(member)
            else:
                match = await self._colyseus(member)
        return str(member["who"]), match, time.monotonic() - start

    async def _gamerooms(self, member: dict[str, Any]) -> str:
        socket = await open_socket(f"{member['base']}/ws/queue/tictactoe/?token={member['token']}")
        self.sockets.append(socket)
        try:
            while True:
                message = orjson.loads(await socket.recv())
                if message["type"] == "match.found":
                    return str(message["match_id"])
                if message["type"] == "error":
                    raise RuntimeError(f"queue error: {message}")
        except ConnectionClosed as closed:
            raise RuntimeError(f"queue socket closed: {closed}") from None

    async def _colyseus(self, member: dict[str, Any]) -> str:
        socket = await join_colyseus(member["base"], "duel", {})
        self.sockets.append(socket)
        while True:
            decoded = colyseus_decode(await socket.recv())
            if decoded is not None and decoded[0] == "matched":
                return str(decoded[1]["roomId"])

    async def close(self) -> None:
        """Close whatever is still open."""
        await close_all(self.sockets)
        self.sockets.clear()
