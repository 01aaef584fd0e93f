"""A store's subscription: one listener on one topic, closed once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from gamerooms.rooms.ports import Listener

Topic = TypeVar("Topic", str, bytes)


class StoreSubscription(Generic[Topic]):
    """One listener on one topic; `close` hands it back to its store (`detach`) once."""

    def __init__(
        self,
        topic: Topic,
        listener: Listener,
        detach: Callable[[StoreSubscription[Topic]], Awaitable[None]],
    ) -> None:
        self.topic: Topic = topic
        self.listener = listener
        self.closed = False
        self._detach: Callable[[StoreSubscription[Topic]], Awaitable[None]] = detach

    async def close(self) -> None:
        """Stop receiving payloads; idempotent."""
        if not self.closed:
            self.closed = True
            await self._detach(self)
