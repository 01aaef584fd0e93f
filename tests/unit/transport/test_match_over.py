"""A match's sockets learn from the update of its last action that the match is over, so that
closing one needs no look at the match to know its seat is owed no grace."""

from __future__ import annotations

from gamerooms.rooms.rendering import ends_match
from gamerooms.testing import FakeClock
from gamerooms.transport.asgi_socket import AsgiWebSocket
from gamerooms.transport.limits import FrameLimits
from gamerooms.transport.matches import MatchSocket
from tests.unit.rooms.services import human, process, start
from tests.unit.transport.asgi_wire import Wire


async def test_only_the_update_that_ends_a_match_tells_its_sockets_so() -> None:
    proc = process()
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)])
    for seat, cell in [(0, 0), (1, 3), (0, 1), (1, 4), (0, 2)]:
        await proc.matches.act(match_id, seat, "place", {"cell": cell})
    ended = [ends_match(announcement) for announcement in heard.announcements]
    assert ended == [False] * 4 + [True]

    wire = Wire()
    socket = AsgiWebSocket(
        {}, wire.receive, wire.send, FrameLimits(65536, 20.0, 40, 3, FakeClock())
    )
    watcher = MatchSocket(socket, 1)
    for announcement in heard.announcements:
        await watcher.receive(announcement)
    assert not watcher.finished  # held back: not handled yet
    await watcher.send_state(0, '{"type":"match.state"}')
    assert watcher.finished
    assert wire.events() == ["match.state"] + ["match.update"] * 5
