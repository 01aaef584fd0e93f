"""A valid access token is checked once: a reconnect with it skips the signature, until the
token's own expiry, after which it is refused like any expired token."""

from __future__ import annotations

import time

import pytest
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from gamerooms.transport import auth


def token_for(user_id: int, lifetime: float) -> str:
    """A signed access token for `user_id` that expires `lifetime` seconds from now."""
    access = AccessToken()
    access["user_id"] = str(user_id)
    access["exp"] = int(time.time() + lifetime)
    return str(access)


def test_a_checked_token_skips_the_signature_until_it_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = token_for(41, 60)
    assert auth._user_id_from_token(token) == "41"
    checks: list[str] = []

    def expired(raw: str) -> None:
        checks.append(raw)
        raise TokenError("Token is expired")

    monkeypatch.setattr(auth, "AccessToken", expired)
    assert auth._user_id_from_token(token) == "41"
    assert checks == []
    later = time.time() + 120
    monkeypatch.setattr(auth.time, "time", lambda: later)
    assert auth._user_id_from_token(token) is None
    assert checks == [token] and token not in auth._checked


def test_a_bad_token_is_never_remembered() -> None:
    token = token_for(42, 60)[:-2] + "xx"
    assert auth._user_id_from_token(token) is None
    assert token not in auth._checked
