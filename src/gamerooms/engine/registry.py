"""The games a server offers, found by entry point or dotted path, looked up by name."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import entry_points
from pkgutil import resolve_name
from typing import Any

from gamerooms.engine.game import Game

ENTRY_POINT_GROUP = "gamerooms.games"
"""The entry point group in which installed packages declare their games."""


class GameRegistry:
    """Game classes by name, each with one shared (stateless) instance."""

    def __init__(self, games: Iterable[type[Game[Any]]] = ()) -> None:
        self._classes: dict[str, type[Game[Any]]] = {}
        self._instances: dict[str, Game[Any]] = {}
        for game in games:
            self.register(game)

    def register(self, game: type[Game[Any]]) -> type[Game[Any]]:
        """Add a game class (usable as a class decorator); ValueError if its name is taken."""
        known = self._classes.get(game.name)
        if known is not None and known is not game:
            raise ValueError(f"game name {game.name!r} is taken by {known.__qualname__}")
        self._classes[game.name] = game
        return game

    def get(self, name: str) -> Game[Any]:
        """The game called `name`; KeyError if there is none."""
        instance = self._instances.get(name)
        if instance is None:
            instance = self._instances[name] = self._classes[name]()
        return instance

    def __contains__(self, name: object) -> bool:
        return name in self._classes

    def names(self) -> list[str]:
        """The registered game names, sorted."""
        return sorted(self._classes)

    def describe_all(self) -> list[dict[str, Any]]:
        """Every game's `describe()`, sorted by name."""
        return [self._classes[name].describe() for name in self.names()]

    @classmethod
    def discover(
        cls, dotted_paths: Iterable[str] = (), entry_point_group: str | None = ENTRY_POINT_GROUP
    ) -> GameRegistry:
        """A registry of the installed games (entry points of the group; None: none) plus the
        games at `dotted_paths` ("package.module:Class" or "package.module.Class")."""
        found = [resolve_name(path) for path in installed_games(entry_point_group)]
        found += [resolve_name(path) for path in dotted_paths]
        for game in found:
            if not (isinstance(game, type) and issubclass(game, Game)):
                raise TypeError(f"{game!r} is not a Game subclass")
        return cls(found)


def installed_games(entry_point_group: str | None = ENTRY_POINT_GROUP) -> list[str]:
    """The dotted paths of the games that installed packages declare as entry points."""
    if entry_point_group is None:
        return []
    return [point.value for point in entry_points(group=entry_point_group)]
