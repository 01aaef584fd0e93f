"""How a turn unfolds: dice, moving, landing, paying, debt, jail, bankruptcy and turn order."""

from __future__ import annotations

from gamerooms.engine import ActionContext, SeededRandom
from gamerooms.games.magnate.assets import holdings, house_sale, rent
from gamerooms.games.magnate.board import CHANCE, JAIL, SIZE, SQUARES, Card, Effect, Kind
from gamerooms.games.magnate.state import BANK, MOVE, MagnateState, Phase


def roll_dice(rng: SeededRandom) -> tuple[int, int]:
    """Two dice (scaling `random()`, which is uniform to 2**-53 and cheaper than `randint`)."""
    return 1 + int(6 * rng.random()), 1 + int(6 * rng.random())


def draw_card(rng: SeededRandom) -> int:
    """The index of a chance card, drawn at random (the deck is never used up)."""
    return int(len(CHANCE) * rng.random())


def after_landing(state: MagnateState) -> Phase:
    """The phase once a square is dealt with: another roll after doubles, else building."""
    return Phase.ROLL if state.doubles else Phase.BUILD


def advance(state: MagnateState, steps: int, ctx: ActionContext) -> None:
    """Move the seat in turn forward, with the salary for passing or landing on Start; land."""
    seat = state.current
    start = state.position[seat]
    state.position[seat] = (start + steps) % SIZE
    ctx.emit({"type": "moved", "seat": seat, "from": start, "to": state.position[seat]})
    if start + steps >= SIZE:
        state.cash[seat] += state.salary
        ctx.emit({"type": "salary", "seat": seat, "amount": state.salary})
    land(state, ctx)


def land(state: MagnateState, ctx: ActionContext) -> None:
    """Deal with the square the seat in turn stands on, and set the phase that follows."""
    seat = state.current
    square = state.position[seat]
    kind = SQUARES[square].kind
    if kind is Kind.PROPERTY:
        _land_on_property(state, square, ctx)
    elif kind is Kind.CHANCE:
        _draw_chance(state, ctx)
    elif kind is Kind.TAX:
        charge(state, SQUARES[square].tax, BANK, "tax", after_landing(state), ctx)
    elif kind is Kind.GO_TO_JAIL:
        send_to_jail(state, ctx)
    else:
        state.phase = after_landing(state)


def _land_on_property(state: MagnateState, square: int, ctx: ActionContext) -> None:
    """A bank property is for sale; another seat's earns it rent unless mortgaged."""
    owner = state.owner[square]
    if owner == BANK:
        state.phase = Phase.BUY
    elif owner == state.current or state.mortgaged[square]:
        state.phase = after_landing(state)
    else:
        charge(state, rent(state, square), owner, "rent", after_landing(state), ctx)


def _draw_chance(state: MagnateState, ctx: ActionContext) -> None:
    """Draw a chance card and do what it says."""
    seat = state.current
    index = draw_card(ctx.rng)
    card = CHANCE[index]
    ctx.emit({"type": "chance", "seat": seat, "card": index, "text": card.text})
    _apply_card(state, card, ctx)


def _apply_card(state: MagnateState, card: Card, ctx: ActionContext) -> None:
    """Do what a chance card says, for the seat in turn."""
    seat = state.current
    if card.effect is Effect.ADVANCE:
        advance(state, (card.value - state.position[seat]) % SIZE, ctx)
    elif card.effect is Effect.BACK:
        start = state.position[seat]
        state.position[seat] = (start - card.value) % SIZE
        ctx.emit({"type": "moved", "seat": seat, "from": start, "to": state.position[seat]})
        land(state, ctx)
    elif card.effect is Effect.JAIL:
        send_to_jail(state, ctx)
    elif card.effect is Effect.GAIN:
        state.cash[seat] += card.value
        state.phase = after_landing(state)
    elif card.effect is Effect.LOSE:
        charge(state, card.value, BANK, "chance", after_landing(state), ctx)
    elif card.effect is Effect.REPAIRS:
        houses = sum(state.houses[square] for square in holdings(state, seat))
        charge(state, card.value * houses, BANK, "repairs", after_landing(state), ctx)
    else:
        state.cards[seat] += 1
        state.phase = after_landing(state)


def take_roll(state: MagnateState, ctx: ActionContext) -> None:
    """Roll the dice for the seat in turn and play out the roll."""
    first, second = roll_dice(ctx.rng)
    state.dice = [first, second]
    ctx.emit({"type": "rolled", "seat": state.current, "dice": [first, second]})
    if state.jail[state.current]:
        _roll_in_jail(state, first == second, ctx)
    elif first != second:
        state.doubles = 0
        advance(state, first + second, ctx)
    elif state.doubles == 2:
        send_to_jail(state, ctx)
    else:
        state.doubles += 1
        advance(state, first + second, ctx)


def _roll_in_jail(state: MagnateState, doubles: bool, ctx: ActionContext) -> None:
    """Doubles free the seat; the third miss costs the fine; both then move by the dice."""
    seat = state.current
    if doubles:
        release(state, "doubles", ctx)
        advance(state, sum(state.dice), ctx)
    elif state.jail[seat] == 3:
        release(state, "fine", ctx)
        charge(state, state.jail_fine, BANK, "fine", MOVE, ctx)
    else:
        state.jail[seat] += 1
        state.phase = Phase.BUILD


def send_to_jail(state: MagnateState, ctx: ActionContext) -> None:
    """Put the seat in turn in jail; its turn goes on to building, with no more rolls."""
    seat = state.current
    state.position[seat] = JAIL
    state.jail[seat] = 1
    state.doubles = 0
    state.phase = Phase.BUILD
    ctx.emit({"type": "went_to_jail", "seat": seat})


def release(state: MagnateState, how: str, ctx: ActionContext) -> None:
    """Free the seat in turn from jail."""
    state.jail[state.current] = 0
    ctx.emit({"type": "left_jail", "seat": state.current, "how": how})


def charge(
    state: MagnateState, amount: int, to: int, reason: str, then: str, ctx: ActionContext
) -> None:
    """Make the seat in turn pay `amount` and go on with `then`; a debt if it cannot pay yet."""
    if state.cash[state.current] >= amount:
        pay(state, amount, to, reason, ctx)
        proceed(state, then, ctx)
        return
    state.phase = Phase.DEBT
    state.debt, state.creditor, state.resume = amount, to, then
    ctx.emit({"type": "in_debt", "seat": state.current, "to": _party(to), "amount": amount})


def settle_if_able(state: MagnateState, ctx: ActionContext) -> None:
    """Pay off the pending debt if the seat in turn has raised enough, and go on."""
    if state.cash[state.current] < state.debt:
        return
    pay(state, state.debt, state.creditor, "debt", ctx)
    then = state.resume
    state.debt, state.creditor, state.resume = 0, BANK, ""
    proceed(state, then, ctx)


def proceed(state: MagnateState, then: str, ctx: ActionContext) -> None:
    """Go on with a phase, or MOVE: move by the dice (after a jail fine)."""
    if then == MOVE:
        advance(state, sum(state.dice), ctx)
    else:
        state.phase = Phase(then)


def pay(state: MagnateState, amount: int, to: int, reason: str, ctx: ActionContext) -> None:
    """The seat in turn pays `amount` to a seat or the bank."""
    seat = state.current
    state.cash[seat] -= amount
    if to != BANK:
        state.cash[to] += amount
    ctx.emit({"type": "paid", "seat": seat, "to": _party(to), "amount": amount, "reason": reason})


def _party(seat: int) -> int | None:
    """A seat for an event: None for the bank."""
    return None if seat == BANK else seat


def go_bankrupt(state: MagnateState, ctx: ActionContext) -> None:
    """Hand everything of the seat in turn to its creditor (or the bank) and take it out."""
    seat, creditor = state.current, state.creditor
    for square in holdings(state, seat):
        state.cash[seat] += state.houses[square] * house_sale(square)
        state.houses[square] = 0
        state.owner[square] = creditor
        if creditor == BANK:
            state.mortgaged[square] = False
    if creditor != BANK:
        state.cash[creditor] += state.cash[seat]
        state.cards[creditor] += state.cards[seat]
    state.cash[seat] = state.cards[seat] = state.jail[seat] = 0
    state.alive[seat] = False
    state.debt, state.creditor, state.resume = 0, BANK, ""
    ctx.emit({"type": "bankrupt", "seat": seat, "to": _party(creditor)})
    if state.alive.count(True) == 1:
        state.phase = Phase.OVER
    else:
        pass_turn(state, ctx)


def pass_turn(state: MagnateState, ctx: ActionContext) -> None:
    """Give the turn to the next live seat; a new round after the last seat; over at the limit."""
    seats = len(state.alive)
    following = (state.current + offset for offset in range(1, seats + 1))
    nxt = next(seat % seats for seat in following if state.alive[seat % seats])
    if nxt <= state.current:
        state.round += 1
        if state.round > state.max_turns:
            state.phase = Phase.OVER
            return
    state.current, state.phase, state.doubles = nxt, Phase.ROLL, 0
    ctx.emit({"type": "turn", "seat": nxt, "round": state.round})
