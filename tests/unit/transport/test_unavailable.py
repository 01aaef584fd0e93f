"""A request that fails on the store is answered `unavailable` (with its id), and the socket is
closed 1013 ("try again later") instead of ending without a close code."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson

from gamerooms.protocol.codes import CloseCode
from gamerooms.protocol.messages import ClientMessage, MatchChat, parse
from gamerooms.rooms.ports import StoreUnavailable
from gamerooms.testing import FakeClock
from gamerooms.transport.asgi_socket import AsgiWebSocket
from gamerooms.transport.endpoint import dispatch
from gamerooms.transport.limits import FrameLimits
from tests.unit.transport.asgi_wire import Wire


async def requests(*frames: str) -> AsyncIterator[ClientMessage]:
    for frame in frames:
        yield parse(frame)


async def test_a_request_the_store_cannot_answer_closes_the_socket_1013() -> None:
    wire = Wire()
    socket = AsgiWebSocket(
        {}, wire.receive, wire.send, FrameLimits(65536, 20.0, 40, 3, FakeClock())
    )
    handled: list[str] = []

    async def chat(message: MatchChat) -> None:
        handled.append(message.text)
        raise StoreUnavailable("Redis does not answer")

    chats = ('{"type":"match.chat","id":7,"text":"first"}', '{"type":"match.chat","text":"next"}')
    await dispatch(socket, requests(*chats), {MatchChat: chat})
    assert handled == ["first"]  # nothing more is handled once the store is gone
    error, close = wire.sent
    assert orjson.loads(error["text"])["code"] == "unavailable"
    assert orjson.loads(error["text"])["id"] == 7
    assert close == {"type": "websocket.close", "code": CloseCode.TRY_AGAIN_LATER}
    assert socket.close_code == 1013
