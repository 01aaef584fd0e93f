"""A browser's Django session on a real server: register, then log in for a session cookie."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from gamerooms.testing import ServerProcess

PASSWORD = "s3cret-pass"


async def logged_in(server: ServerProcess) -> tuple[str, dict[str, Any]]:
    """A new account logged in: its `Cookie` header value and the register answer (tokens and
    player)."""
    name = f"user{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        registered = await http.post(
            "/api/auth/register/", json={"username": name, "password": PASSWORD}
        )
        assert registered.status_code == 201, registered.text
        login = await http.post("/api/auth/login/", json={"username": name, "password": PASSWORD})
        assert login.status_code == 200, login.text
        return f"sessionid={http.cookies['sessionid']}", registered.json()
