"""The top-level ASGI app: HTTP to Django, WebSocket to the gamerooms routes, plus lifespan."""

from __future__ import annotations

from gamerooms.protocol.codes import CloseCode
from gamerooms.runtime import current_runtime, shutdown_runtime
from gamerooms.transport.types import RAW_SEND, ASGIApp, Receive, Scope, Send


class GameroomsApplication:
    """Routes by scope type; on shutdown closes sockets (1001) and writes out the journal."""

    def __init__(self, http: ASGIApp, websocket: ASGIApp) -> None:
        self._http = http
        self._websocket = websocket

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            scope[RAW_SEND] = send
            await self._websocket(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                runtime = current_runtime()
                await runtime.recover()
                runtime.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await current_runtime().fanout.close_all(CloseCode.GOING_AWAY)
                await shutdown_runtime()
                await send({"type": "lifespan.shutdown.complete"})
                return
