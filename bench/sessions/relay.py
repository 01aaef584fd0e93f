"""Relay clients: rooms of sockets that chat at a fixed rate and time every relayed message."""

from __future__ import annotations

import asyncio
import time
from array import array
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from bench.sessions.common import CpuClock, bounded, close_all, sleep_until
from bench.wire import MARK, Frame, Member, chat_encoder, error_test, join_relay

DRAIN_POLL = 0.01
"""Seconds between checks while waiting for the last messages of a step."""
SEND_TICK = 0.001
"""The sender sleeps at least this long between bursts: messages due within it go together."""
DRAIN_LIMIT = 5
"""A step's drain lasts at most this many times its patience, however slowly messages come."""


class RelayClients:
    """One worker's relay rooms; `share` = {"kind": str, "rooms": [[Member, ...], ...]}."""

    def __init__(self, share: dict[str, Any]) -> None:
        self.kind: str = share["kind"]
        self.rooms: list[list[Member]] = share["rooms"]
        self.encode = chat_encoder(self.kind)
        self.is_error = error_test(self.kind)
        self.mark: Frame = MARK.encode() if self.kind == "colyseus" else MARK
        self.colon: Frame = b":" if self.kind == "colyseus" else ":"
        self.senders: list[tuple[ClientConnection, int]] = []
        self.readers: list[asyncio.Task[None]] = []
        self.closing = False
        self.dropped = 0
        self._reset(float("inf"), float("inf"))

    def _reset(self, start: float, end: float) -> None:
        self.window_start_us = int(start * 1e6) if start != float("inf") else 1 << 62
        self.window_end = end
        self.received = 0
        self.received_in_window = 0
        self.errors = 0
        self.latencies: array[float] = array("d")

    async def open(self) -> dict[str, int]:
        """Connect and join every room (the members of a room one after another)."""
        rooms = await bounded(self.rooms, self._join_room, limit=16)
        for sockets in rooms:
            for socket in sockets:
                me = len(self.senders)
                self.senders.append((socket, me))
                self.readers.append(asyncio.create_task(self._read(socket, me)))
        return {"connected": len(self.senders)}

    async def _join_room(self, members: list[Member]) -> list[ClientConnection]:
        return [await join_relay(member) for member in members]

    async def _read(self, socket: ClientConnection, me: int) -> None:
        """Count and time every relayed message from another member of the room."""
        mark, colon, skip = self.mark, self.colon, len(MARK)
        try:
            async for frame in socket:
                start = frame.find(mark)  # type: ignore[arg-type]
                if start < 0:
                    if self.is_error(frame):
                        self.errors += 1
                    continue
                now = time.monotonic()
                split = frame.find(colon, start)  # type: ignore[arg-type]
                if int(frame[start + skip : split]) == me:
                    continue
                sent_us = int(frame[split + 1 : frame.find(mark, split)])  # type: ignore[arg-type]
                if sent_us >= self.window_start_us:
                    self.received += 1
                    if now <= self.window_end:
                        self.received_in_window += 1
                    self.latencies.append(now - sent_us / 1e6)
        except ConnectionClosed:
            pass
        if not self.closing:
            self.dropped += 1

    async def step(
        self, rate: float, start_at: float, seconds: float, drain: float
    ) -> dict[str, Any]:
        """Send `rate` messages/s from every client for `seconds`, then wait for stragglers."""
        await sleep_until(start_at)
        cpu = CpuClock()
        self._reset(start_at, start_at + seconds)
        sent = await self._send(rate, start_at, start_at + seconds)
        cpu_pct = cpu.percent()
        per_message = max(len(room) for room in self.rooms) - 1 if self.rooms else 0
        expected = sent * per_message
        await self._drain(expected, drain)
        return {
            "sent": sent,
            "expected": expected,
            "received": self.received,
            "received_in_window": self.received_in_window,
            "errors": self.errors,
            "dropped": self.dropped,
            "latencies": self.latencies,
            "cpu_pct": cpu_pct,
        }

    async def _send(self, rate: float, start: float, end: float) -> int:
        """Round-robin over the clients at `rate` per client; the number sent."""
        senders, encode = self.senders, self.encode
        count = len(senders)
        if not count or rate <= 0:
            await sleep_until(end)
            return 0
        total_rate = rate * count
        sent = 0
        while True:
            now = time.monotonic()
            if now >= end:
                return sent
            due = min(int((now - start) * total_rate) + 1, int((end - start) * total_rate))
            while sent < due:
                socket, me = senders[sent % count]
                stamp = f"{MARK}{me}:{int(time.monotonic() * 1e6)}{MARK}"
                try:
                    await socket.send(encode(stamp))
                except ConnectionClosed:
                    self.errors += 1
                sent += 1
            await sleep_until(min(max(start + sent / total_rate, now + SEND_TICK), end))

    async def _drain(self, expected: int, patience: float) -> None:
        """Wait until every expected message arrived, or none arrived for `patience` seconds
        (at most DRAIN_LIMIT patiences in all)."""
        last, since = self.received, time.monotonic()
        give_up = since + patience * DRAIN_LIMIT
        while self.received < expected and time.monotonic() < give_up:
            await asyncio.sleep(DRAIN_POLL)
            if self.received != last:
                last, since = self.received, time.monotonic()
            elif time.monotonic() - since > patience:
                return

    async def status(self) -> dict[str, int]:
        """Connected sockets and sockets the server closed."""
        return {"connected": len(self.senders) - self.dropped, "dropped": self.dropped}

    async def close(self) -> None:
        """Close every socket."""
        self.closing = True
        await close_all(socket for socket, _ in self.senders)
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)
