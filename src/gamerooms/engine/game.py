"""The Game base class: a game's rules as pure functions of a typed state."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, get_args, get_origin

import msgspec

from gamerooms.engine.actions import ActionContext, ActionSpec, action, collect_actions
from gamerooms.engine.errors import IllegalAction, SettingsError, field_message
from gamerooms.engine.rng import SeededRandom
from gamerooms.engine.schema import inline_schema

if TYPE_CHECKING:
    from gamerooms.engine.match import MatchState

__all__ = [
    "Action",
    "ActionContext",
    "ActionSpec",
    "Game",
    "Policy",
    "Result",
    "Settings",
    "StateT",
    "action",
]

StateT = TypeVar("StateT", bound=msgspec.Struct)


class Result(msgspec.Struct, frozen=True):
    """How a match ended: the winning seats (none for a draw), optional scores, and why."""

    winners: list[int]
    scores: dict[str, float] | None = None
    reason: str = "finished"

    def to_dict(self) -> dict[str, Any]:
        """The protocol's `Result` object."""
        return {"winners": list(self.winners), "scores": self.scores, "reason": self.reason}


class Action(msgspec.Struct, frozen=True, omit_defaults=True):
    """A legal move, as a bot would send it. `schema`, when given, is the JSON Schema of every
    `data` this one entry stands for (a bet from 10 to 500), `data` being one valid example."""

    name: str
    data: dict[str, Any]
    schema: dict[str, Any] | None = None

    def to_wire(self) -> dict[str, Any]:
        """The entry of `turn.actions`: `{"name", "data"}`, plus `"schema"` if any."""
        entry = {"name": self.name, "data": self.data}
        if self.schema is not None:
            entry["schema"] = self.schema
        return entry


class Settings(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """Base of every game's settings schema (fields with defaults)."""


class Policy(Protocol):
    """A bot's way of choosing a move."""

    def choose(self, game: Game[Any], match: MatchState, seat: int) -> Action:
        """The action `seat` takes now."""


class Game(ABC, Generic[StateT]):
    """A game's rules. Subclasses set the class attributes, implement the abstract methods and
    declare their actions with `@action`; the engine never mutates a state it was given."""

    name: ClassVar[str]
    title: ClassVar[str]
    min_players: ClassVar[int]
    max_players: ClassVar[int]
    default_players: ClassVar[int | None] = None
    state_type: ClassVar[type[msgspec.Struct]]
    settings_type: ClassVar[type[Settings]] = Settings
    bot_levels: ClassVar[tuple[str, ...]] = ("random",)
    hidden_information: ClassVar[bool] = False
    room_limit: ClassVar[int] = 8
    """Rooms of this game seat at most min(max_players, room_limit); raise it for big games."""
    actions: ClassVar[Mapping[str, ActionSpec]] = MappingProxyType({})

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.actions = collect_actions(cls)
        if "state_type" not in cls.__dict__:
            inferred = _state_type_of(cls)
            if inferred is not None:
                cls.state_type = inferred

    @abstractmethod
    def setup(self, settings: Any, seats: int, rng: SeededRandom) -> StateT:
        """The initial state; `settings` is an instance of `settings_type`."""

    @abstractmethod
    def turn(self, state: StateT) -> Sequence[int]:
        """The seats that may act now ([] once the match is over)."""

    @abstractmethod
    def view(self, state: StateT, seat: int | None) -> dict[str, Any]:
        """What `seat` may see of the state (None: a spectator's public view)."""

    @abstractmethod
    def result(self, state: StateT) -> Result | None:
        """The result once the match is over, else None."""

    @abstractmethod
    def legal_actions(self, state: StateT, seat: int) -> list[Action]:
        """Every action `seat` may take now."""

    def offered_actions(self, state: StateT, seat: int) -> list[Action]:
        """The legal actions as a player is offered them (`turn.actions`): `legal_actions`
        unless the game folds a range of values into one entry with a `schema`."""
        return self.legal_actions(state, seat)

    def static_data(self) -> dict[str, Any]:
        """Facts every match of this game shares (a board's squares), for clients; {} if none."""
        return {}

    def determinize(self, state: StateT, seat: int, rng: SeededRandom) -> StateT:
        """A state `seat` cannot tell from the real one: what its view hides, drawn anew.

        Bots search on these, so they never use what their seat may not see. Games with hidden
        information must override this; for the others it is the state itself."""
        if self.hidden_information:
            raise NotImplementedError(f"{self.name} hides information but cannot determinize")
        return state

    def from_view(self, view: dict[str, Any], seat: int) -> StateT:
        """A state rebuilt from a seat's view (hidden parts made up), for bots that play over
        the network and see only what a player sees. Optional."""
        raise NotImplementedError(f"{self.name} cannot be rebuilt from a view")

    def bot(self, level: str) -> Policy | None:
        """This game's own bot for a level, or None to use the generic bot of that level."""
        return None

    @classmethod
    def action_spec(cls, name: str) -> ActionSpec:
        """The declared action `name`; IllegalAction if there is none."""
        spec = cls.actions.get(name)
        if spec is None:
            raise IllegalAction(f"unknown action {name!r}")
        return spec

    @classmethod
    def parse_settings(cls, raw: Mapping[str, Any] | None) -> Settings:
        """Validate settings (None = all defaults; unknown keys ignored), naming a bad field."""
        try:
            return msgspec.convert({} if raw is None else raw, cls.settings_type)
        except msgspec.ValidationError as exc:
            raise SettingsError(field_message(exc, "settings")) from None

    @classmethod
    def settings_schema(cls) -> dict[str, Any]:
        """The JSON schema of the settings."""
        return inline_schema(cls.settings_type)

    @classmethod
    def match_size(cls) -> int:
        """The number of seats a queue match gets."""
        return cls.min_players if cls.default_players is None else cls.default_players

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """The game's public description, for the lobby and the API."""
        return {
            "name": cls.name,
            "title": cls.title,
            "description": _summary(cls.__doc__),
            "min_players": cls.min_players,
            "max_players": cls.max_players,
            "default_players": cls.match_size(),
            "hidden_information": cls.hidden_information,
            "settings_schema": cls.settings_schema(),
            "bot_levels": list(cls.bot_levels),
            "actions": [
                {
                    "name": name,
                    "description": _summary(getattr(cls, spec.method).__doc__),
                    "data_schema": action_data_schema(spec),
                }
                for name, spec in cls.actions.items()
            ],
        }


def action_data_schema(spec: ActionSpec) -> dict[str, Any]:
    """The JSON Schema of an action's data (an empty object when it takes none)."""
    if spec.data is None:
        return {"type": "object", "properties": {}, "additionalProperties": False}
    return inline_schema(spec.data)


def _summary(doc: str | None) -> str:
    """A docstring's first paragraph, on one line."""
    paragraph = (doc or "").strip().split("\n\n", 1)[0]
    return " ".join(paragraph.split())


def _state_type_of(cls: type) -> type[msgspec.Struct] | None:
    """The X of a `class MyGame(Game[X])`, if the class names one."""
    for base in getattr(cls, "__orig_bases__", ()):
        if get_origin(base) is Game:
            (argument,) = get_args(base)
            if isinstance(argument, type) and issubclass(argument, msgspec.Struct):
                return argument
    return None
