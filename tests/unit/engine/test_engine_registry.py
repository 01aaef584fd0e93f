"""GameRegistry: registration by class, lookup by name, discovery by entry point and path."""

from __future__ import annotations

from importlib import metadata

import pytest

from gamerooms.engine import GameRegistry, registry
from gamerooms.games.tictactoe import TicTacToe


class OtherTicTacToe(TicTacToe):
    title = "Another tic-tac-toe"


class Gomoku(TicTacToe):
    name = "gomoku"
    title = "Gomoku"


def no_entry_points(group: str) -> list[metadata.EntryPoint]:
    return []


def test_register_get_and_lookup() -> None:
    games = GameRegistry([TicTacToe])
    assert games.register(Gomoku) is Gomoku
    assert games.names() == ["gomoku", "tictactoe"]
    assert "tictactoe" in games
    assert "chess" not in games
    assert 3 not in games
    assert isinstance(games.get("tictactoe"), TicTacToe)
    assert type(games.get("gomoku")) is Gomoku


def test_register_works_as_a_class_decorator() -> None:
    games = GameRegistry()

    @games.register
    class Decorated(TicTacToe):
        name = "decorated"

    assert games.names() == ["decorated"]
    assert isinstance(games.get("decorated"), Decorated)


def test_get_caches_one_instance_per_game() -> None:
    games = GameRegistry([TicTacToe])
    assert games.get("tictactoe") is games.get("tictactoe")


def test_get_of_an_unknown_name_raises_key_error() -> None:
    with pytest.raises(KeyError, match="chess"):
        GameRegistry([TicTacToe]).get("chess")


def test_a_name_taken_by_another_class_is_refused() -> None:
    games = GameRegistry([TicTacToe])
    with pytest.raises(ValueError, match="'tictactoe' is taken by TicTacToe"):
        games.register(OtherTicTacToe)
    assert type(games.get("tictactoe")) is TicTacToe


def test_registering_the_same_class_again_is_harmless() -> None:
    games = GameRegistry([TicTacToe, TicTacToe])
    games.register(TicTacToe)
    assert games.names() == ["tictactoe"]


def test_describe_all_in_name_order() -> None:
    games = GameRegistry([TicTacToe, Gomoku])
    assert games.describe_all() == [Gomoku.describe(), TicTacToe.describe()]


def test_registries_are_independent() -> None:
    GameRegistry([Gomoku])
    assert "gomoku" not in GameRegistry()


@pytest.mark.parametrize(
    "path", ["gamerooms.games.tictactoe:TicTacToe", "gamerooms.games.tictactoe.TicTacToe"]
)
def test_discover_by_dotted_path(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    monkeypatch.setattr(registry, "entry_points", no_entry_points)
    games = GameRegistry.discover([path])
    assert games.names() == ["tictactoe"]
    assert type(games.get("tictactoe")) is TicTacToe


def test_discover_refuses_what_is_not_a_game(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "entry_points", no_entry_points)
    with pytest.raises(TypeError, match="not a Game subclass"):
        GameRegistry.discover(["gamerooms.engine:Settings"])


def test_discover_loads_the_entry_points_of_the_group(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def entry_points(group: str) -> list[metadata.EntryPoint]:
        asked.append(group)
        value = "gamerooms.games.tictactoe:TicTacToe"
        return [metadata.EntryPoint(name="tictactoe", value=value, group=group)]

    monkeypatch.setattr(registry, "entry_points", entry_points)
    games = GameRegistry.discover([f"{__name__}:Gomoku"], entry_point_group="my.games")
    assert asked == ["my.games"]
    assert games.names() == ["gomoku", "tictactoe"]


def test_discover_finds_the_installed_games() -> None:
    try:
        metadata.distribution("gamerooms")
    except metadata.PackageNotFoundError:
        pytest.skip("the gamerooms distribution is not installed (pip install -e .)")
    games = GameRegistry.discover()
    assert "tictactoe" in games
    assert type(games.get("tictactoe")) is TicTacToe


def test_discover_without_a_group_loads_only_the_dotted_paths(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "entry_points", pytest.fail)
    games = GameRegistry.discover([f"{__name__}:Gomoku"], entry_point_group=None)
    assert games.names() == ["gomoku"]
