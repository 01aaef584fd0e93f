"""`/ws/queue/<game>/`: the public matchmaking queue for one game."""

from __future__ import annotations

from typing import Any

from gamerooms.engine import GameError
from gamerooms.models import Player
from gamerooms.protocol.codes import CloseCode, ErrorCode
from gamerooms.protocol.messages import QueueCancel, QueueJoin
from gamerooms.rooms.errors import NotFound, Refusal
from gamerooms.rooms.queue import queue_topic
from gamerooms.runtime import Runtime
from gamerooms.transport.auth import query_params
from gamerooms.transport.endpoint import Endpoint
from gamerooms.transport.recipient import SocketRecipient
from gamerooms.transport.socket import WebSocket

STAY_MATCHED = {CloseCode.MOVED, CloseCode.REPLACED}
"""Closes after which the player must not be taken out of the queue."""


def _asked_size(asked: str | None) -> int | None:
    """The match size in `?players=`, if given; Refusal unless it is an integer."""
    if asked is None:
        return None
    try:
        return int(asked)
    except ValueError:
        raise Refusal("players: must be an integer") from None


class QueueEndpoint(Endpoint):
    """Queues the player on connect (default match size, or `?players=n`)."""

    async def serve(
        self, socket: WebSocket, player: Player, runtime: Runtime, params: dict[str, Any]
    ) -> None:
        """Join the queue, move to another size on queue.join, leave on cancel or close."""
        game = params["game"]
        asked = query_params(socket.scope).get("players")
        try:
            size = runtime.queue.size_for(game, _asked_size(asked))
        except NotFound as exc:
            await socket.refuse(ErrorCode.NOT_FOUND, exc.message, CloseCode.NOT_FOUND)
            return
        except Refusal as exc:
            await socket.refuse(exc.code, exc.message, CloseCode.FORBIDDEN)
            return
        waiter = SocketRecipient(socket, player.id)
        await self._enter(runtime, waiter, game, size, player)
        try:
            async for message in socket.messages():
                if isinstance(message, QueueJoin) and message.players not in (None, size):
                    try:
                        new_size = runtime.queue.size_for(game, message.players)
                    except (GameError, Refusal) as exc:
                        await socket.send_error(exc.code, exc.message, message.id)
                        continue
                    if not await self._leave(runtime, waiter, game, size, player.id):
                        continue
                    size = new_size
                    await self._enter(runtime, waiter, game, size, player)
                elif isinstance(message, QueueCancel):
                    if await runtime.queue.cancel(game, size, player.id):
                        await socket.close(CloseCode.LEFT)
                elif not isinstance(message, QueueJoin):
                    await socket.reject(message)
        finally:
            if socket.close_code not in STAY_MATCHED:
                await runtime.queue.cancel(game, size, player.id)
            await runtime.fanout.detach(queue_topic(game, size), waiter)

    @staticmethod
    async def _enter(
        runtime: Runtime, waiter: SocketRecipient, game: str, size: int, player: Player
    ) -> None:
        await runtime.fanout.attach(queue_topic(game, size), waiter)
        await runtime.queue.join(game, size, player.to_wire(), waiter.token)

    @staticmethod
    async def _leave(
        runtime: Runtime, waiter: SocketRecipient, game: str, size: int, player_id: str
    ) -> bool:
        """Leave one queue to enter another; False if a match was found first."""
        if not await runtime.queue.cancel(game, size, player_id):
            return False
        await runtime.fanout.detach(queue_topic(game, size), waiter)
        return True
