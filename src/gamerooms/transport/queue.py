"""`/ws/queue/<game>/`: the public matchmaking queue for one game."""

from __future__ import annotations

from typing import Any

from gamerooms.models import Player
from gamerooms.protocol import frames
from gamerooms.protocol.codes import CloseCode
from gamerooms.protocol.messages import QueueCancel, QueueJoin, RequestId
from gamerooms.rooms.errors import Refusal
from gamerooms.rooms.keys import queue_topic
from gamerooms.runtime import Runtime
from gamerooms.transport.auth import query_params
from gamerooms.transport.endpoint import Endpoint, Handlers, dispatch, refuse
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
        except Refusal as exc:
            await refuse(socket, exc)
            return
        place = QueuePlace(runtime, SocketRecipient(socket, player.id), game, size, player)
        await place.enter(None)
        try:
            await dispatch(socket, socket.messages(), place.table())
        finally:
            await place.close()


class QueuePlace:
    """One socket's place in a queue: the game, the match size it waits for, its recipient."""

    def __init__(
        self, runtime: Runtime, waiter: SocketRecipient, game: str, size: int, player: Player
    ) -> None:
        self.runtime = runtime
        self.waiter = waiter
        self.game = game
        self.size = size
        self.player = player

    async def enter(self, request_id: RequestId) -> None:
        """Wait in the queue of the current size (a group formed at once starts a match). The
        joiner's own count comes first: the queue's frames are held back until it is sent."""
        self.waiter.hold()
        await self.runtime.fanout.attach(queue_topic(self.game, self.size), self.waiter)
        player, token = self.player.to_wire(), self.waiter.token
        queued = await self.runtime.queue.join(self.game, self.size, player, token)
        if queued is not None:
            waiting = frames.queue_waiting(queued, self.size, request_id)
            await self.waiter.socket.send_text(waiting)
        await self.waiter.release()

    def table(self) -> Handlers:
        """Each queue message type and its handler."""
        return {QueueJoin: self.join, QueueCancel: self.cancel}

    async def join(self, message: QueueJoin) -> None:
        """Report the count, or move to the queue of another match size."""
        if message.players in (None, self.size):
            queued = await self.runtime.queue.queued(self.game, self.size)
            await self.waiter.socket.send_text(frames.queue_waiting(queued, self.size, message.id))
            return
        size = self.runtime.queue.size_for(self.game, message.players)
        if await self.runtime.queue.cancel(self.game, self.size, self.player.id):
            await self._stop_listening()
            self.size = size
            await self.enter(message.id)

    async def cancel(self, message: QueueCancel) -> None:
        """Leave the queue and close 4000, unless already matched."""
        if await self.runtime.queue.cancel(self.game, self.size, self.player.id):
            await self.waiter.socket.close(CloseCode.LEFT)

    async def close(self) -> None:
        """Leave the queue unless matched or replaced; stop listening."""
        if self.waiter.socket.close_code not in STAY_MATCHED:
            await self.runtime.queue.cancel(self.game, self.size, self.player.id)
        await self._stop_listening()

    async def _stop_listening(self) -> None:
        await self.runtime.queue.socket_closed(self.game, self.size, self.player.id)
        await self.runtime.fanout.detach(queue_topic(self.game, self.size), self.waiter)
