"""The player directory's memory, without a database: players are kept for the TTL from when they
were read, at most `size` of them, by user id whatever its type, and a player forgotten while its
lookup is under way is not kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gamerooms.models import Player
from gamerooms.persistence.players import PlayerDirectory
from gamerooms.testing import FakeClock

TTL = 60.0


class Lookups:
    """A stand-in for the database: a player for every user id, and the ids asked for."""

    def __init__(self, during: Callable[[], None] | None = None) -> None:
        self.asked: list[Any] = []
        self._during = during

    async def __call__(self, user_id: Any) -> Player | None:
        self.asked.append(user_id)
        if self._during is not None:
            self._during()
        return None if user_id == "nobody" else Player(id=f"p{user_id}", name=f"P{user_id}")


def directory(lookups: Lookups, clock: FakeClock, size: int = 100) -> PlayerDirectory:
    """A directory on the fake database and clock."""
    return PlayerDirectory(ttl_seconds=TTL, size=size, lookup=lookups, clock=clock.now)


async def test_a_player_is_kept_until_the_ttl_has_passed() -> None:
    lookups, clock = Lookups(), FakeClock()
    players = directory(lookups, clock)
    first = await players.by_user_id(1)
    clock.advance(TTL - 1)
    assert await players.by_user_id(1) is first
    clock.advance(1)
    await players.by_user_id(1)
    assert lookups.asked == [1, 1]


async def test_a_user_id_is_the_same_as_a_number_or_as_a_string() -> None:
    lookups = Lookups()
    players = directory(lookups, FakeClock())
    await players.by_user_id(7)
    await players.by_user_id("7")
    assert lookups.asked == [7]


async def test_a_forgotten_player_is_read_again() -> None:
    lookups = Lookups()
    players = directory(lookups, FakeClock())
    await players.by_user_id(1)
    players.forget("1")
    await players.by_user_id(1)
    assert lookups.asked == [1, 1]


async def test_a_player_forgotten_while_it_is_looked_up_is_not_kept() -> None:
    players: PlayerDirectory | None = None

    def rename_meanwhile() -> None:
        assert players is not None
        players.forget(1)

    lookups = Lookups(during=rename_meanwhile)
    players = directory(lookups, FakeClock())
    await players.by_user_id(1)
    await players.by_user_id(1)
    assert lookups.asked == [1, 1]


async def test_no_such_user_is_asked_about_every_time() -> None:
    lookups = Lookups()
    players = directory(lookups, FakeClock())
    assert await players.by_user_id("nobody") is None
    assert await players.by_user_id("nobody") is None
    assert lookups.asked == ["nobody", "nobody"]


async def test_at_most_size_players_are_kept_the_longest_kept_going_first() -> None:
    lookups = Lookups()
    players = directory(lookups, FakeClock(), size=2)
    for user_id in (1, 2, 3):
        await players.by_user_id(user_id)
    await players.by_user_id(3)
    await players.by_user_id(2)
    await players.by_user_id(1)
    assert lookups.asked == [1, 2, 3, 1]
