"""Turn-based clients: pairs play tic-tac-toe as fast as the server answers.

Each move is timed from the mover's send to the opponent's receipt of the update. Every game is
a fresh match: on gamerooms one made beforehand (`pairs[i]["matches"]`), on Colyseus a new room.
"""

from __future__ import annotations

import asyncio
import time
from array import array
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from bench.sessions.common import CpuClock, close_all, sleep_until
from bench.wire import colyseus_decode, colyseus_message, join_colyseus, open_socket

MOVE_TIMEOUT = 10.0
"""Seconds a move may take before the game counts as failed."""


class GameFailed(Exception):
    """A game could not go on (error frame, timeout or closed socket)."""


class TurnClients:
    """One worker's pairs; `share` = {"kind": str, "pairs": [dict, ...]}."""

    def __init__(self, share: dict[str, Any]) -> None:
        self.kind: str = share["kind"]
        self.pairs: list[dict[str, Any]] = share["pairs"]
        self.used = [0] * len(self.pairs)
        self.moves = 0
        self.games = 0
        self.errors = 0
        self.exhausted = 0
        self.latencies: array[float] = array("d")
        self.end = 0.0

    async def open(self) -> dict[str, int]:
        """Nothing to open ahead: each game connects anew."""
        return {"pairs": len(self.pairs)}

    async def step(self, start_at: float, seconds: float) -> dict[str, Any]:
        """Every pair plays games back to back for `seconds`."""
        await sleep_until(start_at)
        self.moves = self.games = self.errors = self.exhausted = 0
        self.latencies = array("d")
        self.end = start_at + seconds
        cpu = CpuClock()
        await asyncio.gather(*(self._play(index) for index in range(len(self.pairs))))
        return {
            "moves": self.moves,
            "games": self.games,
            "errors": self.errors,
            "exhausted": self.exhausted,
            "latencies": self.latencies,
            "cpu_pct": cpu.percent(),
        }

    async def _play(self, index: int) -> None:
        pair = self.pairs[index]
        while time.monotonic() < self.end:
            sockets: list[ClientConnection] = []
            try:
                if self.kind == "gamerooms":
                    if self.used[index] >= len(pair["matches"]):
                        self.exhausted += 1
                        return
                    match_id = pair["matches"][self.used[index]]
                    self.used[index] += 1
                    await self._gamerooms_game(pair, match_id, sockets)
                else:
                    room = pair["first_room"] + self.used[index]
                    self.used[index] += 1
                    await self._colyseus_game(pair["base"], room, sockets)
                self.games += 1
            except (GameFailed, ConnectionClosed, OSError, TimeoutError):
                self.errors += 1
            finally:
                await close_all(sockets)

    async def _gamerooms_game(
        self, pair: dict[str, Any], match_id: str, sockets: list[ClientConnection]
    ) -> None:
        for base, token in zip(pair["bases"], pair["tokens"], strict=True):
            sockets.append(await open_socket(f"{base}/ws/matches/{match_id}/?token={token}"))
        states = [await _gamerooms_frame(socket, "match.state") for socket in sockets]
        by_seat = {state["seat"]: socket for state, socket in zip(states, sockets, strict=True)}
        board: list[int | None] = states[0]["state"]["board"]
        turn: list[int] = states[0]["turn"]["seats"]
        while turn and time.monotonic() < self.end:
            mover, other = by_seat[turn[0]], by_seat[1 - turn[0]]
            action = '{"type":"match.action","action":"place","data":{"cell":%d}}'
            sent = time.monotonic()
            await mover.send(action % board.index(None))
            update = await _gamerooms_frame(other, "match.update")
            self._moved(sent)
            await _gamerooms_frame(mover, "match.update")
            board, turn = update["state"]["board"], update["turn"]["seats"]

    async def _colyseus_game(self, base: str, room: int, sockets: list[ClientConnection]) -> None:
        for _ in range(2):
            sockets.append(await join_colyseus(base, "tictactoe", {"g": room}))
        for socket in sockets:
            await _colyseus_frame(socket, "start")
        board: list[int | None] = [None] * 9
        seat: int | None = 0
        while seat is not None and time.monotonic() < self.end:
            mover, other = sockets[seat], sockets[1 - seat]
            sent = time.monotonic()
            await mover.send(colyseus_message("place", {"cell": board.index(None)}))
            update = await _colyseus_frame(other, "update")
            self._moved(sent)
            await _colyseus_frame(mover, "update")
            board, seat = update["board"], update["next"]

    def _moved(self, sent: float) -> None:
        now = time.monotonic()
        if now <= self.end:
            self.moves += 1
            self.latencies.append(now - sent)

    async def close(self) -> None:
        """Nothing stays open between steps."""


async def _gamerooms_frame(socket: ClientConnection, type_: str) -> dict[str, Any]:
    """The next gamerooms frame of this type; GameFailed on an error frame."""
    while True:
        message: dict[str, Any] = orjson.loads(await asyncio.wait_for(socket.recv(), MOVE_TIMEOUT))
        if message["type"] == type_:
            return message
        if message["type"] == "error":
            raise GameFailed(message.get("code"))


async def _colyseus_frame(socket: ClientConnection, type_: str) -> Any:
    """The payload of the next Colyseus message of this type; GameFailed on an error."""
    while True:
        decoded = colyseus_decode(await asyncio.wait_for(socket.recv(), MOVE_TIMEOUT))
        if decoded is None:
            continue
        if decoded[0] == type_:
            return decoded[1]
        if decoded[0] == "error":
            raise GameFailed(str(decoded[1]))
