"""Turn-based clients: pairs play tic-tac-toe as fast as the server answers.

Every game's match is made inside the step, as clients make theirs: on gamerooms both clients of
a pair enter the matchmaking queue together and each plays the match its `match.found` names
(the queue seats whoever comes first, so a client may play one of another pair, even of another
worker); on Colyseus the pair joins a new room. Each move is stamped when the mover sends it and
when the opponent gets its update, keyed by match and version; the workload pairs the stamps up
across the workers. No game starts after the step's end, and the games under way play to the end.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from bench.sessions.common import CpuClock, close_all, sleep_until
from bench.wire import colyseus_decode, colyseus_message, join_colyseus, open_socket

MOVE_TIMEOUT = 10.0
"""Seconds a frame (a move's update, a queue's match) may take before the game counts as failed."""

PLACE = '{"type":"match.action","action":"place","data":{"cell":%d}}'
"""A gamerooms tic-tac-toe move, its cell left to fill in."""

Game = Callable[[list[ClientConnection]], Awaitable[None]]
"""One game of one client (gamerooms) or of a pair (Colyseus): it adds every socket it opens."""


class GameFailed(Exception):
    """A game could not go on (error frame, timeout or closed socket)."""


FAILURES = (GameFailed, ConnectionClosed, OSError, TimeoutError)
"""What makes one game fail without stopping the step."""


class TurnClients:
    """One worker's pairs; `share` = {"kind": str, "pairs": [dict, ...]}.

    A gamerooms pair has "bases" and "tokens" (one each per client), a Colyseus pair "base" and
    "first_room" (the first of the room numbers it may use)."""

    def __init__(self, share: dict[str, Any]) -> None:
        self.kind: str = share["kind"]
        self.pairs: list[dict[str, Any]] = share["pairs"]
        self.used = [0] * len(self.pairs)
        self.games = 0
        self.errors = 0
        self.untimed = 0
        self.sent: dict[str, float] = {}
        self.received: dict[str, float] = {}
        self.end = 0.0

    async def open(self) -> dict[str, int]:
        """Nothing to open ahead: each game connects anew."""
        return {"pairs": len(self.pairs)}

    async def step(self, start_at: float, seconds: float) -> dict[str, Any]:
        """Every pair plays games back to back for `seconds`: the moves' stamps, the moves seen
        untimed, the games finished in time and the failed ones (on gamerooms: per client)."""
        await sleep_until(start_at)
        self.games = self.errors = self.untimed = 0
        self.sent, self.received = {}, {}
        self.end = start_at + seconds
        cpu = CpuClock()
        await asyncio.gather(*(self._play(index) for index in range(len(self.pairs))))
        return {
            "sent": self.sent,
            "received": self.received,
            "untimed": self.untimed,
            "games": self.games,
            "errors": self.errors,
            "cpu_pct": cpu.percent(),
        }

    async def _play(self, index: int) -> None:
        """The pair starts games until the step's end, the next once its last one is over."""
        while time.monotonic() < self.end:
            games = [_closing(game) for game in self._games(index)]
            for outcome in await asyncio.gather(*games, return_exceptions=True):
                if isinstance(outcome, FAILURES):
                    self.errors += 1
                elif isinstance(outcome, BaseException):
                    raise outcome

    def _games(self, index: int) -> list[Game]:
        """The pair's next games: one per client on gamerooms, one for both on Colyseus."""
        pair = self.pairs[index]
        if self.kind == "gamerooms":
            clients = zip(pair["bases"], pair["tokens"], strict=True)
            return [partial(self._gamerooms_game, base, token) for base, token in clients]
        room = pair["first_room"] + self.used[index]
        self.used[index] += 1
        return [partial(self._colyseus_game, pair["base"], room)]

    async def _gamerooms_game(self, base: str, token: str, sockets: list[ClientConnection]) -> None:
        """Queue for a match, then play its seat to the end."""
        queue = await open_socket(f"{base}/ws/queue/tictactoe/?token={token}")
        sockets.append(queue)
        match_id = str((await _gamerooms_frame(queue, "match.found"))["match_id"])
        socket = await open_socket(f"{base}/ws/matches/{match_id}/?token={token}")
        sockets.append(socket)
        await self._gamerooms_seat(socket, match_id)

    async def _gamerooms_seat(self, socket: ClientConnection, match_id: str) -> None:
        """Play this socket's seat: move when in turn, stamp the opponent's moves' updates."""
        message = await _gamerooms_frame(socket, "match.state")
        seat = message["seat"]
        self._caught_up(message["version"])
        while message["status"] == "active":
            if seat in message["turn"]["seats"]:
                self._sent(f"{match_id}/{message['version'] + 1}")
                await socket.send(PLACE % message["state"]["board"].index(None))
            message = await _gamerooms_frame(socket, "match.update")
            if message["seat"] != seat:
                self._received(f"{match_id}/{message['version']}")
        if message["status"] != "finished":
            raise GameFailed(f"match {message['status']}")
        if seat == 0:
            self._finished()

    async def _colyseus_game(self, base: str, room: int, sockets: list[ClientConnection]) -> None:
        """Both clients join a new room and play it to the end."""
        for _ in range(2):
            sockets.append(await join_colyseus(base, "tictactoe", {"g": room}))
        for socket in sockets:
            await _colyseus_frame(socket, "start")
        board: list[int | None] = [None] * 9
        seat: int | None = 0
        version = 0
        while seat is not None:
            mover, other = sockets[seat], sockets[1 - seat]
            version += 1
            self._sent(f"{room}/{version}")
            await mover.send(colyseus_message("place", {"cell": board.index(None)}))
            update = await _colyseus_frame(other, "update")
            self._received(f"{room}/{version}")
            await _colyseus_frame(mover, "update")
            board, seat = update["board"], update["next"]
        self._finished()

    def _sent(self, move: str) -> None:
        """A move is being sent now."""
        self.sent[move] = time.monotonic()

    def _received(self, move: str) -> None:
        """The opponent got the move's update now; kept if it is inside the step."""
        now = time.monotonic()
        if now <= self.end:
            self.received[move] = now

    def _caught_up(self, moves: int) -> None:
        """The opponent's first `moves` moves came before this seat's socket opened: they reach
        it in its match.state, not as updates; counted if inside the step, not timed."""
        if time.monotonic() <= self.end:
            self.untimed += moves

    def _finished(self) -> None:
        """A game is over now; counted if it is inside the step."""
        if time.monotonic() <= self.end:
            self.games += 1

    async def close(self) -> None:
        """Nothing stays open between steps."""


async def _closing(game: Game) -> None:
    """Play the game; close every socket it opened, however it ends."""
    sockets: list[ClientConnection] = []
    try:
        await game(sockets)
    finally:
        await close_all(sockets)


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
