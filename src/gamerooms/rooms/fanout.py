"""Local fan-out: hands each announcement of a match to this process's sockets, in order."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

from gamerooms.protocol.codes import CloseCode
from gamerooms.rooms.announcement import decode_announcement
from gamerooms.rooms.ports import Store, Subscription, match_topic

log = logging.getLogger(__name__)


class Recipient(Protocol):
    """A socket of this process attached to a match."""

    seat: int | None
    token: str

    async def deliver(self, version: int, text: str) -> None:
        """Send one frame of the given match version (0: unversioned)."""

    async def close(self, code: int) -> None:
        """Close the socket."""


@dataclass
class _Local:
    """This process's sockets of one match and the match's subscription."""

    recipients: list[Recipient] = field(default_factory=list)
    queue: deque[bytes] = field(default_factory=deque)
    subscription: Subscription | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    draining: bool = False


class Fanout:
    """One subscription per match with local sockets; one drain at a time per match."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._matches: dict[str, _Local] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def attach(self, match_id: str, recipient: Recipient) -> None:
        """Start delivering the match's announcements to `recipient`."""
        local = self._matches.get(match_id)
        if local is None:
            local = self._matches[match_id] = _Local()
            local.recipients.append(recipient)
            try:
                listener = lambda payload: self._receive(match_id, payload)  # noqa: E731
                local.subscription = await self._store.subscribe(match_topic(match_id), listener)
            finally:
                local.ready.set()
            return
        local.recipients.append(recipient)
        await local.ready.wait()

    async def detach(self, match_id: str, recipient: Recipient) -> None:
        """Stop delivering to `recipient`; unsubscribe when it was the last one here."""
        local = self._matches.get(match_id)
        if local is None or recipient not in local.recipients:
            return
        local.recipients.remove(recipient)
        if local.recipients:
            return
        del self._matches[match_id]
        await local.ready.wait()
        if local.subscription is not None:
            await local.subscription.close()

    def local_count(self) -> int:
        """Sockets attached in this process."""
        return sum(len(local.recipients) for local in self._matches.values())

    async def close_all(self, code: int) -> None:
        """Close every attached socket (server shutdown)."""
        for local in list(self._matches.values()):
            for recipient in list(local.recipients):
                await recipient.close(code)

    def _receive(self, match_id: str, payload: bytes) -> None:
        local = self._matches.get(match_id)
        if local is None:
            return
        local.queue.append(payload)
        if not local.draining:
            self._schedule(local)

    def _schedule(self, local: _Local) -> None:
        local.draining = True
        task = asyncio.get_running_loop().create_task(self._drain(local))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, local: _Local) -> None:
        try:
            while local.queue:
                announcement = decode_announcement(local.queue.popleft())
                for recipient in list(local.recipients):
                    if announcement.replace_seat is not None:
                        if (
                            recipient.seat == announcement.replace_seat
                            and recipient.token != announcement.keep
                        ):
                            await recipient.close(CloseCode.REPLACED)
                        continue
                    text = announcement.frame_for(recipient.seat, recipient.token)
                    if text is not None:
                        await recipient.deliver(announcement.version, text)
        except Exception:
            log.exception("delivering a match announcement failed")
        finally:
            local.draining = False
            if local.queue:
                self._schedule(local)
