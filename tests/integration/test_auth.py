"""Authentication on real servers (docs/protocol.md): tokens on the match socket, the seat
rules, replacement, and the REST endpoints that hand out identities."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from gamerooms.testing import GameClient, Guest, ServerProcess, create_guest
from tests.integration.conftest import guests
from tests.integration.kit import (
    PRESENCE,
    assert_error,
    barrier,
    close_all,
    frames_until_close,
    join,
    join_all,
    match_path,
    next_frame,
    race_for_seat,
    tictactoe,
)

# WebSocket


@pytest.fixture(scope="module")
def seated(server: ServerProcess) -> tuple[str, list[Guest]]:
    """A tic-tac-toe match nobody has played in, and its two players."""
    players = guests(server, 2)
    return server.create_match("tictactoe", players), players


async def assert_refused_socket(
    url: str, code: str, close_code: int, message_hint: str | None = None
) -> None:
    """The socket is accepted, gets exactly one `error` with `code`, then is closed."""
    client = await GameClient.connect(url)
    frames, closed_with = await frames_until_close(client)
    assert len(frames) == 1, frames
    assert_error(frames[0], code)
    if message_hint is not None:
        assert message_hint in frames[0]["message"], frames[0]
    assert closed_with == close_code


def signing_key(server: ServerProcess) -> str:
    """The key the server signs tokens with (`gamerooms serve` keeps it in the data folder)."""
    return (Path(server.data) / "secret_key").read_text().strip()


def claims_of(token: str) -> dict[str, Any]:
    """A token's claims, unverified."""
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def forge(claims: dict[str, Any], key: str) -> str:
    """An HS256 token with these claims."""
    return jwt.encode(claims, key, algorithm="HS256")


def bad_tokens(server: ServerProcess, player: Guest) -> dict[str, str | None]:
    """Tokens that must not authenticate, by what is wrong with them."""
    good = claims_of(player.access)
    now = int(time.time())
    head, body, signature = player.access.split(".")
    tampered = signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")
    key = signing_key(server)
    wrong_key = "this is not the key that the server signs its tokens with"

    def fresh(**claims: Any) -> dict[str, Any]:
        return {**good, "jti": uuid.uuid4().hex, **claims}

    return {
        "none": None,
        "garbage": "garbage",
        "three-garbage-parts": "abc.def.ghi",
        "tampered-signature": f"{head}.{body}.{tampered}",
        "wrong-key": forge(fresh(), wrong_key),
        "expired": forge(fresh(iat=now - 7200, exp=now - 3600), key),
        "refresh-not-access": player.refresh,
        "unknown-user": forge(fresh(user_id="999999999"), key),
    }


BAD_TOKENS = [
    "none",
    "garbage",
    "three-garbage-parts",
    "tampered-signature",
    "wrong-key",
    "expired",
    "refresh-not-access",
    "unknown-user",
]


@pytest.mark.parametrize("kind", BAD_TOKENS)
async def test_socket_without_valid_token_gets_not_authorized_then_4002(
    server: ServerProcess, seated: tuple[str, list[Guest]], kind: str
) -> None:
    match_id, players = seated
    token = bad_tokens(server, players[0])[kind]
    await assert_refused_socket(server.ws_url(match_path(match_id), token), "not_authorized", 4002)


async def test_unknown_match_gets_not_found_then_4004(
    server: ServerProcess, seated: tuple[str, list[Guest]]
) -> None:
    _, players = seated
    url = server.ws_url(match_path("m0000000000000000"), players[0].access)
    await assert_refused_socket(url, "not_found", 4004)


async def test_player_not_seated_gets_an_error_then_4003(
    server: ServerProcess, seated: tuple[str, list[Guest]]
) -> None:
    match_id, _ = seated
    stranger = create_guest(server.base_url, "Stranger")
    url = server.ws_url(match_path(match_id), stranger.access)
    await assert_refused_socket(url, "not_authorized", 4003)


async def test_second_socket_for_a_seat_replaces_the_first(server: ServerProcess) -> None:
    async with tictactoe(server) as (match_id, players):
        first, other = await join_all([server], match_id, players)
        second, state = await join(server, match_id, players[0])
        assert state["seat"] == 0 and state["version"] == 0
        frames, code = await frames_until_close(first)
        assert code == 4009
        assert [f for f in frames if f.get("type") not in PRESENCE] == []

        reply = await second.request("match.action", action="place", data={"cell": 4})
        assert reply["type"] == "match.update" and reply["version"] == 1, reply
        heard = await next_frame(other)
        assert heard["type"] == "match.update" and heard["version"] == 1
        await barrier(second, [other])
        await close_all([second, other])


async def test_returning_seat_gets_state_only_others_the_notice(server: ServerProcess) -> None:
    """docs/protocol.md: the returning socket gets a fresh match.state; *others* get
    match.player_reconnected. Here every frame counts: presence notices are not skipped."""
    async with tictactoe(server) as (match_id, players):
        zero, one = await join_all([server], match_id, players)
        await one.close()
        dropped = await zero.receive()
        assert dropped["type"] == "match.player_disconnected" and dropped["seat"] == 1, dropped

        again, state = await join(server, match_id, players[1])
        assert state["seat"] == 1
        assert await zero.receive() == {"type": "match.player_reconnected", "seat": 1}
        text = f"welcome back {uuid.uuid4().hex[:6]}"
        await zero.send("match.chat", text=text)
        first = await again.receive()
        assert first["type"] == "match.chat" and first["text"] == text, (
            f"the returning socket got {first} about itself before the next real frame"
        )
        await close_all([zero, again])


async def test_sockets_racing_for_a_seat_leave_exactly_one(server: ServerProcess) -> None:
    """Four sockets for seat 0 opened at the same moment (reloads racing a reconnect): one of
    them keeps the seat and the others are closed 4009; never all of them. Ten rounds."""
    async with tictactoe(server) as (match_id, players):
        other, _ = await join(server, match_id, players[1])
        url = server.ws_url(match_path(match_id), players[0].access)
        for _ in range(10):
            outcomes = await race_for_seat([url] * 4, other)
            assert sorted(outcomes, key=str) == [4009, 4009, 4009, "open"], outcomes
        await other.close()


# REST


@pytest.fixture
def http(server: ServerProcess) -> Iterator[httpx.Client]:
    """An HTTP client for the server's REST API."""
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        yield client


def assert_player(player: dict[str, Any], name: str, bot: bool = False) -> None:
    """A wire Player (docs/protocol.md) with this name."""
    assert isinstance(player["id"], str) and player["id"]
    assert player["name"] == name
    assert isinstance(player["avatar"]["emoji"], str) and player["avatar"]["emoji"]
    assert isinstance(player["avatar"]["color"], str)
    assert player["bot"] is bot


def assert_tokens(body: dict[str, Any]) -> None:
    """An access and a refresh JWT."""
    assert claims_of(body["access"])["token_type"] == "access"
    assert claims_of(body["refresh"])["token_type"] == "refresh"


def me(http: httpx.Client, access: str) -> httpx.Response:
    """GET /api/me/ with a bearer token."""
    return http.get("/api/me/", headers={"Authorization": f"Bearer {access}"})


def test_guest_without_avatar(http: httpx.Client) -> None:
    response = http.post("/api/auth/guest/", json={"name": "Ann"})
    assert response.status_code in (200, 201), response.text
    body = response.json()
    assert_tokens(body)
    assert_player(body["player"], "Ann")
    assert me(http, body["access"]).json() == body["player"]


def test_guest_with_avatar(http: httpx.Client) -> None:
    avatar = {"emoji": "🦊", "color": "#ff8800"}
    response = http.post("/api/auth/guest/", json={"name": "Fox", "avatar": avatar})
    assert response.status_code in (200, 201), response.text
    body = response.json()
    assert_tokens(body)
    assert_player(body["player"], "Fox")
    assert body["player"]["avatar"] == avatar


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Bad", "avatar": {"emoji": "🦊", "color": "orange"}}, "color"),
        ({"name": "Bad", "avatar": {"emoji": "🦊", "color": "#ff88"}}, "color"),
        ({"avatar": {"emoji": "🦊", "color": "#ff8800"}}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 41}, "name"),
        ({"name": "Bad", "avatar": {"emoji": "🦊" * 17, "color": "#ff8800"}}, "emoji"),
    ],
    ids=["color-a-word", "color-too-short", "name-missing", "name-blank", "name-41", "emoji-17"],
)
def test_guest_with_a_bad_field_is_400_naming_it(
    http: httpx.Client, body: dict[str, Any], field: str
) -> None:
    response = http.post("/api/auth/guest/", json=body)
    assert response.status_code == 400, response.text
    assert field in response.text


async def test_register_token_refresh_and_use(server: ServerProcess) -> None:
    username, password = f"user_{uuid.uuid4().hex[:10]}", "correct horse battery"
    credentials = {"username": username, "password": password}
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        registered = await http.post("/api/auth/register/", json=credentials)
        assert registered.status_code in (200, 201), registered.text

        tokens = await http.post("/api/auth/token/", json=credentials)
        assert tokens.status_code == 200, tokens.text
        assert_tokens(tokens.json())

        body = {"refresh": tokens.json()["refresh"]}
        refreshed = await http.post("/api/auth/token/refresh/", json=body)
        assert refreshed.status_code == 200, refreshed.text
        access = refreshed.json()["access"]
        assert claims_of(access)["token_type"] == "access"

        response = await http.get("/api/me/", headers={"Authorization": f"Bearer {access}"})
        assert response.status_code == 200, response.text
        assert_player(response.json(), username)

    # The token authenticates a socket too: an unseated player is forbidden (4003), not 4002.
    players = guests(server, 2)
    match_id = server.create_match("tictactoe", players)
    await assert_refused_socket(server.ws_url(match_path(match_id), access), "not_authorized", 4003)


def test_refresh_with_a_bad_token_is_refused(http: httpx.Client) -> None:
    response = http.post("/api/auth/token/refresh/", json={"refresh": "garbage"})
    assert response.status_code == 401, response.text
    assert "access" not in response.json()


def test_wrong_password_gets_no_token(http: httpx.Client) -> None:
    username = f"user_{uuid.uuid4().hex[:10]}"
    http.post("/api/auth/register/", json={"username": username, "password": "correct horse"})
    response = http.post("/api/auth/token/", json={"username": username, "password": "wrong horse"})
    assert response.status_code == 401, response.text
    assert "access" not in response.json()


def test_me_without_token_is_refused(http: httpx.Client) -> None:
    assert http.get("/api/me/").status_code in (401, 403)
    assert me(http, "garbage").status_code in (401, 403)


@pytest.mark.parametrize("case", [str.lower, str.upper], ids=["same", "other-case"])
def test_duplicate_username_is_400(http: httpx.Client, case: Any) -> None:
    username = f"dup_{uuid.uuid4().hex[:10]}"
    first = http.post("/api/auth/register/", json={"username": username, "password": "pw-123456"})
    assert first.status_code in (200, 201), first.text
    again = http.post("/api/auth/register/", json={"username": case(username), "password": "x" * 9})
    assert again.status_code == 400, again.text
    assert "username" in again.json()


def test_games_lists_tictactoe(http: httpx.Client) -> None:
    response = http.get("/api/games/")
    assert response.status_code == 200
    games = {game["name"]: game for game in response.json()}
    tictactoe = games["tictactoe"]
    assert tictactoe["min_players"] == 2 and tictactoe["max_players"] == 2
    assert isinstance(tictactoe["settings_schema"], dict)
    assert tictactoe["settings_schema"].get("type") == "object"
    assert isinstance(tictactoe["bot_levels"], list) and tictactoe["bot_levels"]
    assert all(isinstance(level, str) for level in tictactoe["bot_levels"])


def test_healthz(server: ServerProcess, http: httpx.Client) -> None:
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "ok"
    assert body["store"] == ("redis" if server.env.get("REDIS_URL") else "memory")
