"""Which actions are legal when: the phase each belongs to, and why one is refused."""

from __future__ import annotations

from collections.abc import Callable

from gamerooms.engine import Action, IllegalAction
from gamerooms.games.magnate.assets import (
    holdings,
    why_not_build,
    why_not_mortgage,
    why_not_sell,
    why_not_unmortgage,
    why_not_yours,
)
from gamerooms.games.magnate.board import SQUARES
from gamerooms.games.magnate.state import MagnateState, Phase

Check = Callable[[MagnateState, int, int], str | None]

PHASES: dict[str, tuple[Phase, ...]] = {
    "roll": (Phase.ROLL,),
    "pay_fine": (Phase.ROLL,),
    "use_card": (Phase.ROLL,),
    "buy": (Phase.BUY,),
    "decline": (Phase.BUY,),
    "build": (Phase.BUILD,),
    "unmortgage": (Phase.BUILD,),
    "sell_house": (Phase.BUILD, Phase.DEBT),
    "mortgage": (Phase.BUILD, Phase.DEBT),
    "end_turn": (Phase.BUILD,),
    "declare_bankruptcy": (Phase.DEBT,),
}
"""The phases each action is allowed in."""

PROPERTY_CHECKS: dict[str, Check] = {
    "build": why_not_build,
    "sell_house": why_not_sell,
    "mortgage": why_not_mortgage,
    "unmortgage": why_not_unmortgage,
}
"""For each action on a property: why a seat may not take it on a square it owns (or None)."""


PLAIN_ACTIONS: dict[Phase, tuple[str, ...]] = {
    phase: tuple(
        name for name, phases in PHASES.items() if phase in phases and name not in PROPERTY_CHECKS
    )
    for phase in Phase
}
"""The actions without data allowed in each phase."""


def require(state: MagnateState, name: str) -> None:
    """Refuse `name` outside its phases."""
    if state.phase not in PHASES[name]:
        raise IllegalAction(f"{name} is not allowed in the {state.phase} phase")


def check(problem: str | None) -> None:
    """Refuse with `problem`, if there is one."""
    if problem is not None:
        raise IllegalAction(problem)


def allow_on(state: MagnateState, name: str, square: int) -> None:
    """Refuse the property action `name` on `square` outside its phases or its rules."""
    require(state, name)
    seat = state.current
    check(why_not_yours(state, seat, square) or PROPERTY_CHECKS[name](state, seat, square))


def why_not_leave(state: MagnateState, name: str) -> str | None:
    """Why the seat in turn may not buy its way out of jail now, or None."""
    seat = state.current
    if not state.jail[seat]:
        return f"{name}: seat {seat} is not in jail"
    if name == "use_card" and not state.cards[seat]:
        return f"use_card: seat {seat} has no get-out-of-jail card"
    if name == "pay_fine" and state.cash[seat] < state.jail_fine:
        return f"the fine is {state.jail_fine}, seat {seat} has {state.cash[seat]}"
    return None


def why_not_buy(state: MagnateState) -> str | None:
    """Why the seat in turn may not buy the property it stands on, or None."""
    seat = state.current
    lot = SQUARES[state.position[seat]]
    if state.cash[seat] < lot.price:
        return f"{lot.name} costs {lot.price}, seat {seat} has {state.cash[seat]}"
    return None


def why_not_plain(state: MagnateState, name: str) -> str | None:
    """Why an action without data is not legal now, in its phase, or None."""
    if name in ("pay_fine", "use_card"):
        return why_not_leave(state, name)
    if name == "buy":
        return why_not_buy(state)
    return None


def legal_actions(state: MagnateState, seat: int) -> list[Action]:
    """Every action `seat` may take now, with every property it may take it on."""
    if state.phase is Phase.OVER or seat != state.current:
        return []
    legal = [
        Action(name=name, data={})
        for name in PLAIN_ACTIONS[state.phase]
        if why_not_plain(state, name) is None
    ]
    if state.phase in (Phase.BUILD, Phase.DEBT):
        mine = holdings(state, seat)
        for name, why_not in PROPERTY_CHECKS.items():
            if state.phase in PHASES[name]:
                legal += [
                    Action(name=name, data={"property": square})
                    for square in mine
                    if why_not(state, seat, square) is None
                ]
    return legal
