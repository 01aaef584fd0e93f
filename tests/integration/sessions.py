"""A browser's Django session on a real server: register, then log in for a session cookie."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from gamerooms.testing import ServerProcess

PASSWORD = "s3cret-pass"


async def csrf_headers(http: httpx.AsyncClient) -> dict[str, str]:
    """The header that passes the CSRF check, as a page would send it (`GET /api/auth/login/`
    also sets the `csrftoken` cookie, which `http` keeps)."""
    answer = await http.get("/api/auth/login/")
    assert answer.status_code == 200, answer.text
    return {"X-CSRFToken": answer.json()["csrf_token"]}


async def logged_in(server: ServerProcess) -> tuple[str, dict[str, Any]]:
    """A new account logged in: its `Cookie` header value and the register answer (tokens and
    player)."""
    name = f"user{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        registered = await http.post(
            "/api/auth/register/", json={"username": name, "password": PASSWORD}
        )
        assert registered.status_code == 201, registered.text
        credentials = {"username": name, "password": PASSWORD}
        login = await http.post(
            "/api/auth/login/", json=credentials, headers=await csrf_headers(http)
        )
        assert login.status_code == 200, login.text
        return f"sessionid={http.cookies['sessionid']}", registered.json()
