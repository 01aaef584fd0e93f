"""The Game base class: settings, schema, description and the @action table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, ClassVar

import msgspec
import pytest

from gamerooms.engine import (
    Action,
    ActionContext,
    ActionSpec,
    Game,
    Result,
    SeededRandom,
    Settings,
    SettingsError,
    action,
    apply_action,
    start_match,
)


class Counter(msgspec.Struct):
    value: int = 0


class Amount(msgspec.Struct):
    n: int


class Colour(msgspec.Struct, frozen=True):
    name: str = "red"


class CounterSettings(Settings):
    """How a counter game starts."""

    start: Annotated[int, msgspec.Meta(ge=0)] = 0
    label: str = "count"
    colour: Colour = Colour()


class CounterGame(Game[Counter]):
    """Counts up."""

    name = "counter"
    title = "Counter"
    min_players = 1
    max_players = 3
    settings_type: ClassVar[type[Settings]] = CounterSettings

    def setup(self, settings: CounterSettings, seats: int, rng: SeededRandom) -> Counter:
        return Counter(value=settings.start)

    def turn(self, state: Counter) -> Sequence[int]:
        return [0]

    def view(self, state: Counter, seat: int | None) -> dict[str, Any]:
        return {"value": state.value}

    def result(self, state: Counter) -> Result | None:
        return None

    def legal_actions(self, state: Counter, seat: int) -> list[Action]:
        return [Action(name="reset", data={})]

    @action("add", data=Amount)
    def add(self, state: Counter, data: Amount, ctx: ActionContext) -> None:
        """Add n to the count."""
        state.value += data.n

    @action("reset")
    def reset(self, state: Counter, ctx: ActionContext) -> None:
        state.value = 0


class DoublingGame(CounterGame):
    name = "doubling"
    default_players = 2
    bot_levels = ("random", "hard")

    @action("double")
    def double(self, state: Counter, ctx: ActionContext) -> None:
        state.value *= 2

    def reset(self, state: Counter, ctx: ActionContext) -> None:
        state.value = -1

    @action("add", data=Amount)
    def add_twice(self, state: Counter, data: Amount, ctx: ActionContext) -> None:
        state.value += 2 * data.n


def play(game: Game[Any], moves: list[tuple[str, Any]]) -> int:
    match = start_match(game, {"start": 1}, 1, seed=0)
    for name, data in moves:
        match = apply_action(game, match, 0, name, data).match
    value: int = match.data.value
    return value


def test_decorated_methods_fill_the_action_table() -> None:
    assert dict(CounterGame.actions) == {
        "add": ActionSpec("add", Amount),
        "reset": ActionSpec("reset", None),
    }


def test_subclasses_inherit_extend_and_redeclare_actions() -> None:
    assert dict(DoublingGame.actions) == {
        "add": ActionSpec("add_twice", Amount),
        "reset": ActionSpec("reset", None),
        "double": ActionSpec("double", None),
    }
    assert set(CounterGame.actions) == {"add", "reset"}


def test_dispatch_goes_through_the_table_to_the_most_derived_method() -> None:
    assert play(CounterGame(), [("add", {"n": 3}), ("add", {"n": 2})]) == 6
    assert play(DoublingGame(), [("add", {"n": 3}), ("double", None)]) == 14
    assert play(CounterGame(), [("reset", {})]) == 0
    assert play(DoublingGame(), [("reset", {})]) == -1


def test_the_action_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        CounterGame.actions["x"] = ActionSpec("x", None)  # type: ignore[index]


def test_declaring_one_action_twice_in_a_class_is_refused() -> None:
    with pytest.raises(TypeError, match="declares action 'add' twice"):

        class Twice(CounterGame):
            @action("add")
            def one(self, state: Counter, ctx: ActionContext) -> None:
                pass

            @action("add")
            def other(self, state: Counter, ctx: ActionContext) -> None:
                pass


def test_the_base_game_has_no_actions() -> None:
    assert dict(Game.actions) == {}


def test_parse_settings_fills_defaults() -> None:
    raw: dict[str, Any] | None
    for raw in (None, {}):
        assert CounterGame.parse_settings(raw) == CounterSettings(
            start=0, label="count", colour=Colour()
        )


def test_parse_settings_converts_given_values_and_ignores_unknown_keys() -> None:
    parsed = CounterGame.parse_settings({"start": 4, "colour": {"name": "blue"}, "bot_level": "x"})
    assert parsed == CounterSettings(start=4, colour=Colour(name="blue"))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"start": "4"}, "start: Expected `int`, got `str`"),
        ({"start": -1}, "start: Expected `int` >= 0"),
        ({"colour": {"name": 3}}, "colour.name: Expected `str`, got `int`"),
        ([], "settings: Expected `object`, got `array`"),
    ],
)
def test_bad_settings_raise_settings_error_naming_the_field(raw: Any, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        CounterGame.parse_settings(raw)
    assert caught.value.message == message
    assert caught.value.code == "bad_message"


def test_settings_schema_is_inline() -> None:
    assert CounterGame.settings_schema() == {
        "title": "CounterSettings",
        "description": "How a counter game starts.",
        "type": "object",
        "properties": {
            "start": {"type": "integer", "minimum": 0, "default": 0},
            "label": {"type": "string", "default": "count"},
            "colour": {
                "title": "Colour",
                "type": "object",
                "properties": {"name": {"type": "string", "default": "red"}},
                "required": [],
                "default": {"name": "red"},
            },
        },
        "required": [],
    }


class Tree(msgspec.Struct, frozen=True):
    children: tuple[Tree, ...] = ()


class RecursiveSettings(Settings):
    tree: Tree = Tree()


def test_a_recursive_settings_schema_keeps_its_definitions() -> None:
    class Recursive(CounterGame):
        settings_type = RecursiveSettings

    schema = Recursive.settings_schema()
    assert schema["$ref"] == "#/$defs/RecursiveSettings"
    assert set(schema["$defs"]) == {"RecursiveSettings", "Tree"}


def test_describe() -> None:
    assert CounterGame.describe() == {
        "name": "counter",
        "title": "Counter",
        "min_players": 1,
        "max_players": 3,
        "description": "Counts up.",
        "default_players": 1,
        "hidden_information": False,
        "settings_schema": CounterGame.settings_schema(),
        "bot_levels": ["random"],
        "actions": [
            {
                "name": "add",
                "description": "Add n to the count.",
                "data_schema": {
                    "title": "Amount",
                    "type": "object",
                    "properties": {"n": {"type": "integer"}},
                    "required": ["n"],
                },
            },
            {
                "name": "reset",
                "description": "",
                "data_schema": {"type": "object", "properties": {}, "additionalProperties": False},
            },
        ],
    }
    described = DoublingGame.describe()
    assert described["default_players"] == 2
    assert described["bot_levels"] == ["random", "hard"]
    assert sorted(action["name"] for action in described["actions"]) == ["add", "double", "reset"]


def test_the_state_type_is_inferred_from_the_generic_base() -> None:
    assert CounterGame.state_type is Counter
    assert DoublingGame.state_type is Counter


def test_result_to_dict() -> None:
    assert Result(winners=[1]).to_dict() == {"winners": [1], "scores": None, "reason": "finished"}
    assert Result(winners=[], scores={"0": 1.5}, reason="draw").to_dict() == {
        "winners": [],
        "scores": {"0": 1.5},
        "reason": "draw",
    }


def test_action_context_collects_emitted_events() -> None:
    ctx = ActionContext(seat=2, rng=SeededRandom(0))
    ctx.emit({"type": "a"})
    ctx.emit({"type": "b"})
    assert ctx.events == [{"type": "a"}, {"type": "b"}]
