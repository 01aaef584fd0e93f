"""Cross-site WebSocket hijacking (docs/protocol.md, "Origins"): a socket that a session cookie
authenticates must come from the server's own origin or one in GAMEROOMS_ALLOWED_ORIGINS; token
sockets and clients that send no Origin are let in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import websockets

from gamerooms.testing import GameClient, ServerProcess, running_server
from tests.integration.kit import assert_error
from tests.integration.sessions import logged_in

FRIEND = "https://friends.example"
LOBBY = "/ws/lobby/"


@pytest.fixture(scope="module")
def origin_server() -> Iterator[ServerProcess]:
    """An embedded-default server that trusts FRIEND's pages too."""
    with running_server(env={"GAMEROOMS_ALLOWED_ORIGINS": f"https://other.example, {FRIEND}"}) as s:
        yield s


async def _open(url: str, origin: str | None, cookie: str | None = None) -> GameClient:
    headers = {"Cookie": cookie} if cookie else {}
    connection = await websockets.connect(
        url,
        origin=origin,
        additional_headers=headers,
        max_size=None,  # type: ignore[arg-type]
    )
    return GameClient(connection)


async def _lobby_opens(client: GameClient) -> None:
    await client.expect("lobby.rooms")
    await client.close()


async def test_a_cookie_socket_from_another_site_is_refused(origin_server: ServerProcess) -> None:
    cookie, _ = await logged_in(origin_server)
    url = origin_server.ws_url(LOBBY)
    other_port = f"http://127.0.0.1:{origin_server.port + 1}"
    for origin in ("https://evil.example", other_port, "null", "https://friends.example.evil"):
        client = await _open(url, origin, cookie)
        error = await client.receive()
        assert_error(error, "not_authorized")
        assert "cross-origin" in error["message"], error
        assert await client.closed() == 4003, origin


async def test_a_cookie_socket_from_its_own_or_a_listed_origin_is_served(
    origin_server: ServerProcess,
) -> None:
    cookie, _ = await logged_in(origin_server)
    url = origin_server.ws_url(LOBBY)
    for origin in (f"http://127.0.0.1:{origin_server.port}", FRIEND, FRIEND.upper() + "/", None):
        await _lobby_opens(await _open(url, origin, cookie))


async def test_a_token_socket_is_served_from_any_origin(origin_server: ServerProcess) -> None:
    _, account = await logged_in(origin_server)
    url = origin_server.ws_url(LOBBY, account["access"])
    await _lobby_opens(await _open(url, "https://evil.example"))
