"""WebSocket authentication: `?token=<access jwt>` or the Django session of a logged-in browser."""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import Any
from urllib.parse import parse_qs, urlsplit

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken

from gamerooms.models import Player
from gamerooms.persistence.players import PlayerDirectory, player_for_user
from gamerooms.transport.types import Scope


def query_params(scope: Scope) -> dict[str, str]:
    """The first value of each query-string parameter."""
    raw = scope.get("query_string", b"").decode("latin-1")
    return {key: values[0] for key, values in parse_qs(raw).items()}


def has_token(scope: Scope) -> bool:
    """Whether the socket's URL carries a `token` parameter."""
    return b"token=" in scope.get("query_string", b"")


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_allowed(scope: Scope, allowed: Collection[str]) -> bool:
    """Whether a socket authenticated by its cookie may come from its `Origin`: none sent (not a
    browser), the origin of the `Host` it connected to (same host and port), or one listed in
    `allowed` (as `scheme://host[:port]`)."""
    headers = dict(scope.get("headers", ()))
    origin = headers.get(b"origin", b"").decode("latin-1").strip().lower().rstrip("/")
    if not origin:
        return True
    if origin in allowed:
        return True
    host = headers.get(b"host", b"").decode("latin-1").strip().lower()
    try:
        parts, served = urlsplit(origin), urlsplit(f"//{host}")
        default = DEFAULT_PORTS.get(parts.scheme)
        ports = {port if port != default else None for port in (parts.port, served.port)}
    except ValueError:
        return False
    return bool(parts.hostname) and parts.hostname == served.hostname and len(ports) == 1


async def authenticate(scope: Scope, players: PlayerDirectory) -> Player | None:
    """The player behind this socket, or None when authentication fails. A token is checked
    without the database (its signature and expiry); its player comes from `players`, which asks
    the database only for a player it has not looked up in the last minute."""
    token = query_params(scope).get("token")
    if token is not None:
        user_id = _user_id_from_token(token)
        return None if user_id is None else await players.by_user_id(user_id)
    user = scope.get("user", AnonymousUser())
    return await sync_to_async(player_for_user)(user)


CHECKED_TOKENS_KEPT = 10_000
"""Valid tokens remembered (with their user and expiry), so a reconnect skips the signature."""

_checked: dict[str, tuple[Any, float]] = {}


def _user_id_from_token(token: str) -> Any:
    """The user a valid, unexpired access token names; None for any other token."""
    known = _checked.get(token)
    if known is not None:
        user_id, expires = known
        if time.time() < expires:
            return user_id
        del _checked[token]
    try:
        access = AccessToken(token)  # type: ignore[arg-type]
    except TokenError:
        return None
    user_id = access.get(api_settings.USER_ID_CLAIM)
    if len(_checked) >= CHECKED_TOKENS_KEPT:
        del _checked[next(iter(_checked))]
    _checked[token] = (user_id, float(access["exp"]))
    return user_id
