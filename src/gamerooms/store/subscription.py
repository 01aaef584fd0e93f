"""A store's subscription: one listener on one topic, closed once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
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


log = logging.getLogger(__name__)


def deliver(subscriptions: Iterable[StoreSubscription[Topic]], payload: bytes) -> None:
    """Hand a payload to every open subscription; a listener that fails is logged, and the
    others still get it."""
    for subscription in subscriptions:
        if subscription.closed:
            continue
        try:
            subscription.listener(payload)
        except Exception:
            log.exception("listener on %r failed", subscription.topic)
