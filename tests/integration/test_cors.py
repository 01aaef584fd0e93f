"""CORS on a real `gamerooms serve`: the REST API answers preflights and requests from origins in
GAMEROOMS_ALLOWED_ORIGINS with CORS headers, and gives other origins none."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from gamerooms.testing import ServerProcess, create_guest, running_server
from tests.integration.rooms_kit import room_fields

FRIEND = "https://friends.example"
STRANGER = "https://evil.example"


@pytest.fixture(scope="module")
def cors_server() -> Iterator[ServerProcess]:
    """An embedded-default server that trusts FRIEND's pages."""
    with running_server(env={"GAMEROOMS_ALLOWED_ORIGINS": f"https://other.example,{FRIEND}"}) as s:
        yield s


def preflight(server: ServerProcess, origin: str, path: str = "/api/rooms/") -> httpx.Response:
    """The browser's OPTIONS request before a cross-origin POST with a Bearer token."""
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    return httpx.options(f"{server.base_url}{path}", headers=headers, timeout=10)


def test_preflight_from_an_allowed_origin(cors_server: ServerProcess) -> None:
    response = preflight(cors_server, FRIEND)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == FRIEND
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].split(", ")
    assert {"authorization", "content-type"} <= set(allowed)


def test_preflight_from_another_origin_gets_no_cors_headers(cors_server: ServerProcess) -> None:
    response = preflight(cors_server, STRANGER)
    assert not any(name.startswith("access-control-") for name in response.headers)


def test_cross_origin_request_with_a_token(cors_server: ServerProcess) -> None:
    owner = create_guest(cors_server.base_url, "Cors")
    headers = {"Origin": FRIEND, "Authorization": f"Bearer {owner.access}"}
    with httpx.Client(base_url=cors_server.base_url, timeout=10) as http:
        created = http.post("/api/rooms/", json=room_fields(), headers=headers)
        assert created.status_code == 201
        assert created.headers["access-control-allow-origin"] == FRIEND
        stranger = http.get("/api/games/", headers={"Origin": STRANGER})
        assert stranger.status_code == 200
        assert "access-control-allow-origin" not in stranger.headers


def test_only_the_api_gets_cors_headers(cors_server: ServerProcess) -> None:
    response = preflight(cors_server, FRIEND, "/healthz")
    assert "access-control-allow-origin" not in response.headers
