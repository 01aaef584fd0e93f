"""Authentication on real servers (PROTOCOL.md §2, §3, §7): tokens on the match socket, the seat
rules, replacement, and the REST endpoints that hand out identities."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from gamerooms.testing import GameClient, Guest, ServerProcess, create_guest
from tests.integration.conftest import guests
from tests.integration.kit import (
    assert_error,
    barrier,
    close_all,
    frames_until_close,
    join,
    join_all,
    match_path,
    next_frame,
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
    expired = {**good, "iat": now - 7200, "exp": now - 3600, "jti": uuid.uuid4().hex}
    return {
        "none": None,
        "garbage": "garbage",
        "three-garbage-parts": "abc.def.ghi",
        "tampered-signature": f"{head}.{body}.{tampered}",
        "wrong-key": forge({**good, "jti": uuid.uuid4().hex}, "this is not the key the server signs its tokens with"),
        "expired": forge(expired, signing_key(server)),
        "refresh-not-access": player.refresh,
        "unknown-user": forge({**good, "user_id": "999999999", "jti": uuid.uuid4().hex}, signing_key(server)),
    }  # fmt: skip


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
    players = guests(server, 2)
    match_id = server.create_match("tictactoe", players)
    first, other = await join_all([server], match_id, players)
    second, state = await join(server, match_id, players[0])
    assert state["seat"] == 0 and state["version"] == 0
    frames, code = await frames_until_close(first)
    assert code == 4009
    assert [f for f in frames if f.get("type") not in {"match.player_reconnected"}] == []

    reply = await second.request("match.action", action="place", data={"cell": 4})
    assert reply["type"] == "match.update" and reply["version"] == 1, reply
    heard = await next_frame(other)
    assert heard["type"] == "match.update" and heard["version"] == 1
    await barrier(second, [other])
    await close_all([second, other])


# REST


@pytest.fixture
def http(server: ServerProcess) -> httpx.Client:
    """An HTTP client for the server's REST API."""
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        yield client


def assert_player(player: dict[str, Any], name: str, bot: bool = False) -> None:
    """A wire Player (PROTOCOL.md §2) with this name."""
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
    ],
    ids=["color-a-word", "color-too-short", "name-missing", "name-blank"],
)
def test_guest_with_a_bad_field_is_400_naming_it(
    http: httpx.Client, body: dict[str, Any], field: str
) -> None:
    response = http.post("/api/auth/guest/", json=body)
    assert response.status_code == 400, response.text
    assert field in response.text


async def test_register_token_refresh_and_use(server: ServerProcess, http: httpx.Client) -> None:
    username, password = f"user_{uuid.uuid4().hex[:10]}", "correct horse battery"
    registered = http.post("/api/auth/register/", json={"username": username, "password": password})
    assert registered.status_code in (200, 201), registered.text

    tokens = http.post("/api/auth/token/", json={"username": username, "password": password})
    assert tokens.status_code == 200, tokens.text
    assert_tokens(tokens.json())

    refreshed = http.post("/api/auth/token/refresh/", json={"refresh": tokens.json()["refresh"]})
    assert refreshed.status_code == 200, refreshed.text
    access = refreshed.json()["access"]
    assert claims_of(access)["token_type"] == "access"

    response = me(http, access)
    assert response.status_code == 200, response.text
    assert_player(response.json(), username)

    # The token authenticates a socket too: an unseated player is forbidden (4003), not 4002.
    players = guests(server, 2)
    match_id = server.create_match("tictactoe", players)
    await assert_refused_socket(server.ws_url(match_path(match_id), access), "not_authorized", 4003)


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
