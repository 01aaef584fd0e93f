"""Bad input from outside gets its documented answer and never a traceback in the server's log.

One embedded-default server per module, its output kept in a file that every test reads after
its attack (the transport and the parsers do not depend on the backend).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gamerooms.testing import GameClient, Guest, ServerProcess, create_guest, running_server
from tests.integration.kit import assert_error, frames_until_close
from tests.integration.test_rest_bad_input import UNTHROTTLED


@dataclass(frozen=True)
class Logged:
    """A server, the file its output goes to, and a guest of it."""

    server: ServerProcess
    log: Path
    guest: Guest

    def assert_quiet(self) -> None:
        """Nothing in the server's output is a traceback or an error."""
        text = self.log.read_text()
        assert "Traceback" not in text and "ERROR" not in text, text[-3000:]


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Logged]:
    """A server whose output goes to a file."""
    log = tmp_path_factory.mktemp("server") / "output.log"
    with running_server(env=UNTHROTTLED, log=log) as server:
        yield Logged(server, log, create_guest(server.base_url, "Outsider"))


async def lobby(logged: Logged) -> GameClient:
    """A lobby socket past its first `lobby.rooms`."""
    client = await GameClient.connect(logged.server.ws_url("/ws/lobby/", logged.guest.access))
    await client.expect("lobby.rooms")
    return client


async def test_id_beyond_64_bits_is_bad_message(logged: Logged) -> None:
    client = await lobby(logged)
    frame = '{"type": "room.create", "id": 18446744073709551616, "name": "r", "game": "tictactoe"'
    for _ in range(30):
        await client.send_raw(frame + ', "max_players": 2}')
        assert_error(await client.receive(), "bad_message", None, "id")
    reply = await client.request("lobby.filter", game="tictactoe")
    assert reply["type"] == "lobby.rooms", reply
    await client.close()
    logged.assert_quiet()


async def test_text_that_is_not_utf8_is_bad_json(logged: Logged) -> None:
    client = await lobby(logged)
    for _ in range(30):
        await client.send_raw(b'{"type": "lobby.filter", "game": "\xff"}', text=True)
        assert_error(await client.receive(), "bad_json", None, "UTF-8")
    reply = await client.request("lobby.filter", game="tictactoe")
    assert reply["type"] == "lobby.rooms", reply
    await client.close()
    logged.assert_quiet()


@pytest.mark.parametrize("path", ["/ws/queue/", "/ws/nothing/", "/ws/lobby/x/", "/", "/api/me/"])
@pytest.mark.parametrize("with_token", [True, False], ids=["token", "no-token"])
async def test_unknown_socket_path_is_not_found_4004(
    logged: Logged, path: str, with_token: bool
) -> None:
    """Accepted, one `not_found` error naming the path, then 4004 (which browsers can read)."""
    token = logged.guest.access if with_token else None
    client = await GameClient.connect(logged.server.ws_url(path, token))
    frames, code = await frames_until_close(client)
    assert code == 4004
    assert len(frames) == 1, frames
    assert_error(frames[0], "not_found", None, path)
    logged.assert_quiet()


async def test_frame_over_the_hard_cap_is_closed_1009(logged: Logged) -> None:
    client = await lobby(logged)
    await client.send_raw("x" * (4 * 64 * 1024 + 1))
    assert await client.closed() == 1009
    logged.assert_quiet()


@pytest.mark.parametrize("path", ["/api/auth/guest/", "/api/auth/token/", "/api/rooms/"])
def test_deeply_nested_rest_body_is_a_400(logged: Logged, path: str) -> None:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {logged.guest.access}"}
    body = '{"a":' * 10_000 + "{}" + "}" * 10_000
    response = httpx.post(f"{logged.server.base_url}{path}", content=body, headers=headers)
    assert response.status_code == 400, response.text[:300]
    logged.assert_quiet()
