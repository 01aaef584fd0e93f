"""Token authentication on the hot path: a known player's token costs no database query, and a
player renamed or deleted in this process is read again at once."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.tokens import AccessToken

from gamerooms.models import Player
from gamerooms.persistence.players import PlayerDirectory, create_guest
from gamerooms.transport.auth import authenticate
from gamerooms.transport.types import Scope

Outcome = TypeVar("Outcome")


async def queries_of(work: Awaitable[Outcome]) -> tuple[Outcome, int]:
    """What `work` returns, and how many queries the database thread ran meanwhile."""
    captured = CaptureQueriesContext(connection)  # the connection of the thread that reads it
    await sync_to_async(captured.__enter__)()
    try:
        outcome = await work
    finally:
        await sync_to_async(captured.__exit__)(None, None, None)
    return outcome, await sync_to_async(captured.__len__)()


async def guest_scope(name: str) -> tuple[Player, Scope]:
    """A new guest, and the scope of a socket that carries its access token."""
    guest = await sync_to_async(create_guest)(name, None, None)
    token = await sync_to_async(AccessToken.for_user)(guest.user)
    return guest, {"type": "websocket", "query_string": f"token={token}".encode()}


async def test_a_known_players_token_costs_no_query(database: None) -> None:
    players = PlayerDirectory()
    guest, scope = await guest_scope("Ann")

    first, first_queries = await queries_of(authenticate(scope, players))
    again, again_queries = await queries_of(authenticate(scope, players))
    assert first is not None and again is not None
    assert first.id == again.id == guest.id
    assert (first_queries, again_queries) == (1, 0)


async def test_a_player_renamed_in_this_process_is_read_again(database: None) -> None:
    players = PlayerDirectory()
    guest, scope = await guest_scope("Ann")
    assert await authenticate(scope, players) is not None
    guest.name = "Annie"
    await sync_to_async(guest.save)()

    renamed = await authenticate(scope, players)
    assert renamed is not None and renamed.name == "Annie"


async def test_a_deleted_users_token_stops_working_at_once(database: None) -> None:
    players = PlayerDirectory()
    guest, scope = await guest_scope("Ann")
    assert await authenticate(scope, players) is not None
    await sync_to_async(guest.user.delete)()

    assert await authenticate(scope, players) is None
