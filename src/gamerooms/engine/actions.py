"""Declaring action handlers with `@action`, and the table that dispatches to them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

import msgspec

from gamerooms.engine.errors import BadActionData, field_message
from gamerooms.engine.rng import SeededRandom

F = TypeVar("F", bound=Callable[..., None])

_MARK = "__gamerooms_action__"


@dataclass(slots=True)
class ActionContext:
    """What an action handler gets besides the state: who acts, the match RNG, an event sink."""

    seat: int
    rng: SeededRandom
    events: list[dict[str, Any]] = field(default_factory=list)

    def emit(self, event: dict[str, Any]) -> None:
        """Record an event for the `events` list of the resulting `match.update`."""
        self.events.append(event)


class ActionSpec(NamedTuple):
    """How to run one action: the handler's method name and the Struct its data converts to."""

    method: str
    data: type[msgspec.Struct] | None

    def parse(self, raw: Any) -> msgspec.Struct | None:
        """Validate raw action data (None counts as `{}`); raise BadActionData naming the field."""
        try:
            parsed: Any = msgspec.convert({} if raw is None else raw, self.data or dict[str, Any])
        except msgspec.ValidationError as exc:
            raise BadActionData(field_message(exc, "data")) from None
        return parsed if self.data else None

    def invoke(
        self, game: object, state: Any, data: msgspec.Struct | None, ctx: ActionContext
    ) -> None:
        """Call the handler: `(state, data, ctx)`, or `(state, ctx)` for an action without data."""
        handler = getattr(game, self.method)
        if self.data is None:
            handler(state, ctx)
        else:
            handler(state, data, ctx)


def action(name: str, data: type[msgspec.Struct] | None = None) -> Callable[[F], F]:
    """Declare a method as the handler of the named action; `data` is the msgspec Struct the
    action's data is validated and converted to (None = the action takes no data, {} accepted).

    A handler mutates the state in place: `def place(self, state, data: Place, ctx)`, or
    `def stand(self, state, ctx)` when the action takes no data.
    """

    def mark(handler: F) -> F:
        setattr(handler, _MARK, (name, data))
        return handler

    return mark


def collect_actions(cls: type) -> Mapping[str, ActionSpec]:
    """The action table of a class: its own `@action` methods over those it inherits."""
    table: dict[str, ActionSpec] = {}
    for klass in reversed(cls.__mro__):
        declared: dict[str, ActionSpec] = {}
        for attr, member in vars(klass).items():
            mark = getattr(member, _MARK, None)
            if mark is None:
                continue
            name, data = mark
            if name in declared:
                raise TypeError(f"{klass.__name__} declares action {name!r} twice")
            declared[name] = ActionSpec(attr, data)
        table.update(declared)
    return MappingProxyType(table)
