"""Magnate: buy properties, build houses and collect rent until one seat is left standing."""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from gamerooms.engine import (
    Action,
    ActionContext,
    Game,
    Policy,
    Result,
    SeededRandom,
    Settings,
    action,
)
from gamerooms.games.magnate import rules
from gamerooms.games.magnate.assets import (
    house_sale,
    mortgage_value,
    net_worth,
    unmortgage_cost,
)
from gamerooms.games.magnate.board import SQUARES, board_data
from gamerooms.games.magnate.bots import EasyPolicy, HardPolicy
from gamerooms.games.magnate.legality import (
    allow_on,
    check,
    legal_actions,
    require,
    why_not_buy,
    why_not_leave,
)
from gamerooms.games.magnate.state import (
    BANK,
    MagnateSettings,
    MagnateState,
    Phase,
    PropertyChoice,
)


class Magnate(Game[MagnateState]):
    """Seats roll round a board of 24 squares; rent and taxes drain the weak; the last one
    solvent wins, or the richest when the round limit is reached."""

    name = "magnate"
    title = "Magnate"
    min_players = 2
    max_players = 6
    default_players = 4
    settings_type: ClassVar[type[Settings]] = MagnateSettings
    bot_levels = ("easy", "hard")

    def setup(self, settings: MagnateSettings, seats: int, rng: SeededRandom) -> MagnateState:
        """Every seat on Start with the starting money; seat 0 rolls first."""
        return MagnateState.new(seats, settings)

    def turn(self, state: MagnateState) -> list[int]:
        """The seat in turn, whatever the phase; none once over."""
        return [] if state.phase is Phase.OVER else [state.current]

    def view(self, state: MagnateState, seat: int | None) -> dict[str, Any]:
        """The whole state (nothing is hidden) and each seat's net worth."""
        view: dict[str, Any] = msgspec.to_builtins(state)
        view["net_worth"] = [net_worth(state, other) for other in range(len(state.cash))]
        return view

    def from_view(self, view: dict[str, Any], seat: int) -> MagnateState:
        """The view holds the whole state."""
        return msgspec.convert(view, MagnateState)

    def result(self, state: MagnateState) -> Result | None:
        """Once over: the last seat standing, else the richest live seats at the round limit."""
        if state.phase is not Phase.OVER:
            return None
        worth = {seat: net_worth(state, seat) for seat in range(len(state.cash))}
        scores = {str(seat): float(value) for seat, value in worth.items()}
        live = [seat for seat, alive in enumerate(state.alive) if alive]
        if len(live) == 1:
            return Result(winners=live, scores=scores, reason="last_standing")
        best = max(worth[seat] for seat in live)
        winners = [seat for seat in live if worth[seat] == best]
        return Result(winners=winners, scores=scores, reason="turn_limit")

    def legal_actions(self, state: MagnateState, seat: int) -> list[Action]:
        """Every action `seat` may take now, with every property it may take it on."""
        return legal_actions(state, seat)

    def static_data(self) -> dict[str, Any]:
        """The board: squares, prices, colour groups, rents, taxes and chance cards."""
        return board_data()

    def bot(self, level: str) -> Policy | None:
        """Easy: a random legal move; hard: buys and builds by value, keeping a cash reserve."""
        if level == "easy":
            return EasyPolicy()
        if level == "hard":
            return HardPolicy()
        return None

    @action("roll")
    def roll(self, state: MagnateState, ctx: ActionContext) -> None:
        """Roll the dice and move (or try for doubles in jail)."""
        require(state, "roll")
        rules.take_roll(state, ctx)

    @action("pay_fine")
    def pay_fine(self, state: MagnateState, ctx: ActionContext) -> None:
        """Pay the fine to leave jail before rolling."""
        require(state, "pay_fine")
        check(why_not_leave(state, "pay_fine"))
        rules.pay(state, state.jail_fine, BANK, "fine", ctx)
        rules.release(state, "fine", ctx)

    @action("use_card")
    def use_card(self, state: MagnateState, ctx: ActionContext) -> None:
        """Play a get-out-of-jail card before rolling."""
        require(state, "use_card")
        check(why_not_leave(state, "use_card"))
        state.cards[state.current] -= 1
        rules.release(state, "card", ctx)

    @action("buy")
    def buy(self, state: MagnateState, ctx: ActionContext) -> None:
        """Buy the property the seat stands on."""
        require(state, "buy")
        check(why_not_buy(state))
        seat = state.current
        square = state.position[seat]
        state.cash[seat] -= SQUARES[square].price
        state.owner[square] = seat
        ctx.emit(
            {"type": "bought", "seat": seat, "property": square, "price": SQUARES[square].price}
        )
        state.phase = rules.after_landing(state)

    @action("decline")
    def decline(self, state: MagnateState, ctx: ActionContext) -> None:
        """Leave the property the seat stands on with the bank."""
        require(state, "decline")
        ctx.emit(
            {"type": "declined", "seat": state.current, "property": state.position[state.current]}
        )
        state.phase = rules.after_landing(state)

    @action("build", data=PropertyChoice)
    def build(self, state: MagnateState, data: PropertyChoice, ctx: ActionContext) -> None:
        """Put a house on a property of a whole group the seat owns (building evenly)."""
        allow_on(state, "build", data.property)
        square, seat = data.property, state.current
        state.cash[seat] -= SQUARES[square].house_cost
        state.houses[square] += 1
        ctx.emit(
            {"type": "built", "seat": seat, "property": square, "houses": state.houses[square]}
        )

    @action("sell_house", data=PropertyChoice)
    def sell_house(self, state: MagnateState, data: PropertyChoice, ctx: ActionContext) -> None:
        """Sell a house back to the bank at half its cost (selling evenly)."""
        allow_on(state, "sell_house", data.property)
        square, seat = data.property, state.current
        state.cash[seat] += house_sale(square)
        state.houses[square] -= 1
        ctx.emit(
            {"type": "sold_house", "seat": seat, "property": square, "houses": state.houses[square]}
        )
        if state.phase is Phase.DEBT:
            rules.settle_if_able(state, ctx)

    @action("mortgage", data=PropertyChoice)
    def mortgage(self, state: MagnateState, data: PropertyChoice, ctx: ActionContext) -> None:
        """Borrow half a property's price from the bank; it collects no rent until lifted."""
        allow_on(state, "mortgage", data.property)
        square, seat = data.property, state.current
        state.cash[seat] += mortgage_value(square)
        state.mortgaged[square] = True
        ctx.emit({"type": "mortgaged", "seat": seat, "property": square})
        if state.phase is Phase.DEBT:
            rules.settle_if_able(state, ctx)

    @action("unmortgage", data=PropertyChoice)
    def unmortgage(self, state: MagnateState, data: PropertyChoice, ctx: ActionContext) -> None:
        """Repay a mortgage with 10% interest."""
        allow_on(state, "unmortgage", data.property)
        square, seat = data.property, state.current
        state.cash[seat] -= unmortgage_cost(square)
        state.mortgaged[square] = False
        ctx.emit({"type": "unmortgaged", "seat": seat, "property": square})

    @action("end_turn")
    def end_turn(self, state: MagnateState, ctx: ActionContext) -> None:
        """Hand the turn to the next live seat."""
        require(state, "end_turn")
        rules.pass_turn(state, ctx)

    @action("declare_bankruptcy")
    def declare_bankruptcy(self, state: MagnateState, ctx: ActionContext) -> None:
        """Give up: everything goes to the creditor (or the bank) and the seat leaves play."""
        require(state, "declare_bankruptcy")
        rules.go_bankrupt(state, ctx)
