"""A socket that holds announcements back (while its own first answer is on its way) gets a
held frame before a held close: a queue match found during the joiner's own `queue.join` used
to close it 4001 before its `match.found`, which the close then swallowed."""

from __future__ import annotations

from gamerooms.protocol.codes import CloseCode
from gamerooms.rooms.announcement import EVERYONE, Announcement, encode_announcement
from gamerooms.rooms.fanout import Fanout
from gamerooms.store.memory import MemoryStore
from gamerooms.testing import FakeClock
from gamerooms.transport.asgi_socket import AsgiWebSocket
from gamerooms.transport.limits import FrameLimits
from gamerooms.transport.recipient import SocketRecipient
from tests.unit.transport.asgi_wire import Wire


async def test_a_close_waits_for_the_frames_held_before_it() -> None:
    store, wire = MemoryStore(), Wire()
    socket = AsgiWebSocket(
        {}, wire.receive, wire.send, FrameLimits(65536, 20.0, 40, 3, FakeClock())
    )
    fanout = Fanout(store)
    waiter = SocketRecipient(socket, "p1", holding=True)
    await fanout.attach("queue:tictactoe:2", waiter)
    found = Announcement(
        frames={EVERYONE: '{"type":"match.found","match_id":"m1"}'},
        close=[EVERYONE],
        close_code=CloseCode.MOVED,
    )
    await store.publish("queue:tictactoe:2", encode_announcement(found))
    await fanout.drained()
    assert wire.events() == []  # held: nothing yet, and not closed either
    await socket.send_text('{"type":"queue.waiting","queued":2,"needed":2}')
    await waiter.release()
    assert wire.events() == ["queue.waiting", "match.found", CloseCode.MOVED]
