"""Blackjack: 1-7 seats bet, play their hands against the dealer, and are paid, round by round."""

from __future__ import annotations

from typing import Any

import msgspec

from gamerooms.engine import (
    Action,
    ActionContext,
    Game,
    IllegalAction,
    Policy,
    Result,
    SeededRandom,
    action,
)
from gamerooms.games.blackjack.bots import BasicStrategyBot, RandomBot, SimpleBot
from gamerooms.games.blackjack.cards import deck, is_natural, shoe, total, unseen
from gamerooms.games.blackjack.state import (
    BlackjackSettings,
    Hand,
    Outcome,
    Phase,
    Seat,
    Table,
)

CUT = 4
"""Before a deal, the shoe is reshuffled once fewer than 1/CUT of its cards remain."""
MAX_HANDS = 4
"""Hands a seat may hold after splitting."""


class Bet(msgspec.Struct):
    """Data of the `bet` action: the chips to wager on the next deal."""

    amount: int


class Blackjack(Game[Table]):
    """Every seat bets at once; the cards are dealt; each seat plays its hands in seat order;
    the dealer draws to 17 and every hand is settled. The seats with most chips win.

    The dealer peeks under an ace or a ten for blackjack; there is no insurance or surrender."""

    name = "blackjack"
    title = "Blackjack"
    min_players = 1
    max_players = 7
    settings_type = BlackjackSettings
    bot_levels = ("easy", "medium", "hard")
    hidden_information = True

    def setup(self, settings: BlackjackSettings, seats: int, rng: SeededRandom) -> Table:
        """A shuffled shoe and every seat with its starting chips, at the first betting phase."""
        cards = shoe(settings.decks)
        rng.shuffle(cards)
        return Table(
            settings=settings,
            phase="betting",
            round=1,
            seats=[Seat(chips=settings.starting_chips) for _ in range(seats)],
            dealer=[],
            hole_hidden=False,
            shoe=cards,
        )

    def turn(self, state: Table) -> list[int]:
        """Betting: every seat yet to bet that can; playing: the seat whose hand is up."""
        if state.phase == "betting":
            return [index for index, seat in enumerate(state.seats) if can_bet(state, seat)]
        if state.phase == "playing" and state.active is not None:
            return [state.active]
        return []

    def view(self, state: Table, seat: int | None) -> dict[str, Any]:
        """The public table, the same for every seat: no hole card until revealed, no shoe."""
        active = None if state.active is None else {"seat": state.active, "hand": state.hand}
        return {
            "phase": state.phase,
            "round": state.round,
            "settings": msgspec.to_builtins(state.settings),
            "seats": [seat_view(one) for one in state.seats],
            "active": active,
            "dealer": dealer_view(state),
            "shoe": len(state.shoe),
            "discards": len(state.discards),
            "house": state.house,
        }

    def from_view(self, view: dict[str, Any], seat: int) -> Table:
        """The table of a view, with the hole card, the shoe and the discards made up."""
        dealer = view["dealer"]["cards"]
        active = view["active"]
        state = Table(
            settings=msgspec.convert(view["settings"], BlackjackSettings),
            phase=view["phase"],
            round=view["round"],
            seats=msgspec.convert(view["seats"], list[Seat]),
            dealer=[card or "" for card in dealer],
            hole_hidden=None in dealer,
            shoe=[],
            active=None if active is None else active["seat"],
            hand=0 if active is None else active["hand"],
            house=view["house"],
        )
        pool = unseen(state.settings.decks, public_cards(state))
        needed = view["shoe"] + view["discards"] + 1
        while len(pool) < needed:
            pool += deck()
        rest = redeal(state, pool, view["shoe"], SeededRandom(state.round))
        state.discards = rest[: view["discards"]]
        return state

    def determinize(self, state: Table, seat: int, rng: SeededRandom) -> Table:
        """A copy with the shoe and the hidden hole card shuffled together and dealt anew; the
        unseen cards are sorted first, so the result owes nothing to their real order."""
        copy = copy_table(state)
        hole = copy.dealer[1:] if copy.hole_hidden else []
        redeal(copy, sorted(copy.shoe + hole), len(copy.shoe), rng)
        return copy

    def result(self, state: Table) -> Result | None:
        """Once finished: the seats with most chips win; the scores are every seat's chips."""
        if state.phase != "finished":
            return None
        chips = [seat.chips for seat in state.seats]
        best = max(chips)
        return Result(
            winners=[index for index, count in enumerate(chips) if count == best],
            scores={str(index): count for index, count in enumerate(chips)},
            reason=state.ended or "finished",
        )

    def legal_actions(self, state: Table, seat: int) -> list[Action]:
        """Betting: the minimum, middle and maximum bet the seat can afford; playing: hit and
        stand, and double and split when allowed."""
        if seat not in self.turn(state):
            return []
        if state.phase == "betting":
            amounts = bet_choices(state.settings, state.seats[seat].chips)
            return [Action(name="bet", data={"amount": amount}) for amount in amounts]
        names = ["hit", "stand"]
        names += [] if double_refusal(state) else ["double"]
        names += [] if split_refusal(state) else ["split"]
        return [Action(name=name, data={}) for name in names]

    def offered_actions(self, state: Table, seat: int) -> list[Action]:
        """As `legal_actions`, but a bet is one entry: any whole amount from the minimum bet to
        the most the seat may bet (`schema`), the minimum as the example."""
        if state.phase != "betting":
            return self.legal_actions(state, seat)
        rules, top = state.settings, min(state.settings.max_bet, state.seats[seat].chips)
        amount = {"type": "integer", "minimum": rules.min_bet, "maximum": top}
        schema = {
            "type": "object",
            "properties": {"amount": amount},
            "required": ["amount"],
        }
        return [Action(name="bet", data={"amount": rules.min_bet}, schema=schema)]

    def bot(self, level: str) -> Policy | None:
        """Easy plays at random, medium hits below 17 on the minimum bet, hard plays basic
        strategy on a twentieth of its chips."""
        bots: dict[str, Policy] = {
            "easy": RandomBot(),
            "medium": SimpleBot(),
            "hard": BasicStrategyBot(),
        }
        return bots.get(level)

    @action("bet", data=Bet)
    def bet(self, state: Table, data: Bet, ctx: ActionContext) -> None:
        """Wager chips on the next deal; the cards are dealt once every seat has bet."""
        require_phase(state, "betting", "bet")
        rules, seat = state.settings, state.seats[ctx.seat]
        if not rules.min_bet <= data.amount <= rules.max_bet:
            raise IllegalAction(f"bets are from {rules.min_bet} to {rules.max_bet} chips")
        if data.amount > seat.chips:
            raise IllegalAction(f"a bet of {data.amount} is more than the {seat.chips} chips left")
        seat.chips -= data.amount
        seat.bet = data.amount
        ctx.emit({"type": "bet", "seat": ctx.seat, "amount": data.amount})
        if not self.turn(state):
            deal(state, ctx)

    @action("hit")
    def hit(self, state: Table, ctx: ActionContext) -> None:
        """Take a card; the hand ends at 21 or over."""
        _, hand = in_play(state, "hit")
        hand.cards.append(draw(state, ctx))
        emit_card(state, hand, "hit", ctx)
        advance(state, ctx)

    @action("stand")
    def stand(self, state: Table, ctx: ActionContext) -> None:
        """End the hand."""
        _, hand = in_play(state, "stand")
        hand.done = True
        value = total(hand.cards)[0]
        ctx.emit({"type": "stand", "seat": ctx.seat, "hand": state.hand, "total": value})
        advance(state, ctx)

    @action("double")
    def double(self, state: Table, ctx: ActionContext) -> None:
        """Double the bet on the first two cards, take exactly one card and stand."""
        seat, hand = in_play(state, "double")
        refuse(double_refusal(state))
        seat.chips -= hand.bet
        hand.bet *= 2
        hand.doubled = hand.done = True
        hand.cards.append(draw(state, ctx))
        emit_card(state, hand, "double", ctx)
        advance(state, ctx)

    @action("split")
    def split(self, state: Table, ctx: ActionContext) -> None:
        """Split a pair into two hands with a bet each, and deal each its second card; split
        aces get one card each and stand."""
        seat, hand = in_play(state, "split")
        refuse(split_refusal(state))
        seat.chips -= hand.bet
        second = Hand(cards=[hand.cards.pop()], bet=hand.bet, split=True)
        hand.split = True
        seat.hands.insert(state.hand + 1, second)
        aces = hand.cards[0][0] == "A"
        for one in (hand, second):
            one.cards.append(draw(state, ctx))
            one.done = aces or total(one.cards)[0] == 21
        cards = [list(hand.cards), list(second.cards)]
        ctx.emit({"type": "split", "seat": ctx.seat, "hand": state.hand, "hands": cards})
        advance(state, ctx)


def can_bet(state: Table, seat: Seat) -> bool:
    """Whether a seat has yet to bet this round and has the chips for the minimum bet."""
    return seat.bet == 0 and seat.chips >= state.settings.min_bet


def bet_choices(rules: BlackjackSettings, chips: int) -> list[int]:
    """The minimum bet, the largest affordable one, and halfway between."""
    top = min(rules.max_bet, chips)
    return sorted({rules.min_bet, (rules.min_bet + top) // 2, top})


def seat_view(seat: Seat) -> dict[str, Any]:
    """A seat's chips, pending bet, and hands with their totals."""
    hands = [hand_view(hand) for hand in seat.hands]
    return {"chips": seat.chips, "bet": seat.bet, "hands": hands}


def hand_view(hand: Hand) -> dict[str, Any]:
    """A hand's fields plus its best total and softness."""
    value, soft = total(hand.cards)
    return {**msgspec.to_builtins(hand), "total": value, "soft": soft}


def dealer_view(state: Table) -> dict[str, Any]:
    """The dealer's cards (the hole card as None while hidden) and the total of those shown."""
    shown = state.dealer[:1] if state.hole_hidden else state.dealer
    cards: list[str | None] = [*shown, None] if state.hole_hidden else [*shown]
    return {"cards": cards, "total": total(shown)[0] if shown else 0}


def public_cards(state: Table) -> list[str]:
    """Every card on the table that the seats can see."""
    dealer = state.dealer[:1] if state.hole_hidden else state.dealer
    hands = [card for seat in state.seats for hand in seat.hands for card in hand.cards]
    return hands + dealer


def copy_table(state: Table) -> Table:
    """A deep copy of the state."""
    return msgspec.msgpack.decode(msgspec.msgpack.encode(state), type=Table)


def redeal(state: Table, pool: list[str], size: int, rng: SeededRandom) -> list[str]:
    """Shuffle unseen cards into the hole (while hidden) and a shoe of `size`; the rest."""
    rng.shuffle(pool)
    if state.hole_hidden:
        state.dealer[1] = pool.pop(hole_index(state.dealer[0], pool))
    state.shoe = pool[:size]
    return pool[size:]


def hole_index(up: str, pool: list[str]) -> int:
    """The first card of `pool` that can be the hole card: the dealer has looked and has no
    blackjack, so never one completing a natural with `up`."""
    return next((index for index, card in enumerate(pool) if not is_natural([up, card])), 0)


def require_phase(state: Table, phase: Phase, name: str) -> None:
    """Refuse action `name` outside `phase`, naming the current phase."""
    if state.phase != phase:
        raise IllegalAction(f"{name} is not allowed in the {state.phase} phase")


def refuse(reason: str | None) -> None:
    """Raise IllegalAction with `reason`, if there is one."""
    if reason is not None:
        raise IllegalAction(reason)


def in_play(state: Table, name: str) -> tuple[Seat, Hand]:
    """The seat to act and the hand it plays, once the phase allows action `name`."""
    require_phase(state, "playing", name)
    assert state.active is not None
    seat = state.seats[state.active]
    return seat, seat.hands[state.hand]


def double_refusal(state: Table) -> str | None:
    """Why the active hand may not double down, or None if it may."""
    seat, hand = in_play(state, "double")
    if len(hand.cards) != 2:
        return "double is only allowed on the first two cards"
    if seat.chips < hand.bet:
        return "not enough chips to double"
    return None


def split_refusal(state: Table) -> str | None:
    """Why the active hand may not split, or None if it may."""
    seat, hand = in_play(state, "split")
    if len(hand.cards) != 2 or hand.cards[0][0] != hand.cards[1][0]:
        return "split needs a pair of the same rank"
    if len(seat.hands) >= MAX_HANDS:
        return f"a seat may hold at most {MAX_HANDS} hands"
    if seat.chips < hand.bet:
        return "not enough chips to split"
    return None


def draw(state: Table, ctx: ActionContext) -> str:
    """The next card of the shoe, reshuffling the discards in if it has run out."""
    if not state.shoe:
        reshuffle(state, ctx)
    return state.shoe.pop()


def reshuffle(state: Table, ctx: ActionContext) -> None:
    """Shuffle the discards back into the shoe (a fresh deck if there are none)."""
    state.shoe += state.discards
    state.discards = []
    if not state.shoe:
        state.shoe = deck()
    ctx.rng.shuffle(state.shoe)
    ctx.emit({"type": "shuffled", "cards": len(state.shoe)})


def emit_card(state: Table, hand: Hand, kind: str, ctx: ActionContext) -> None:
    """Announce the card a hand just took; end the hand at 21, and announce a bust."""
    value = total(hand.cards)[0]
    event = {"type": kind, "seat": ctx.seat, "hand": state.hand, "card": hand.cards[-1]}
    ctx.emit({**event, "total": value})
    hand.done = hand.done or value >= 21
    if value > 21:
        ctx.emit({"type": "bust", "seat": ctx.seat, "hand": state.hand, "total": value})


def deal(state: Table, ctx: ActionContext) -> None:
    """Clear the table, deal two cards to every bet and the dealer, and start play."""
    state.discards += public_cards(state)
    if len(state.shoe) < state.settings.decks * len(deck()) // CUT:
        reshuffle(state, ctx)
    for seat in state.seats:
        seat.hands = [Hand(cards=[], bet=seat.bet)] if seat.bet else []
        seat.bet = 0
    hands = [hand for seat in state.seats for hand in seat.hands]
    state.dealer = []
    for _ in range(2):
        for hand in hands:
            hand.cards.append(draw(state, ctx))
        state.dealer.append(draw(state, ctx))
    state.phase, state.hole_hidden = "playing", True
    dealt = {
        str(index): list(seat.hands[0].cards)
        for index, seat in enumerate(state.seats)
        if seat.hands
    }
    ctx.emit({"type": "dealt", "round": state.round, "hands": dealt, "dealer": state.dealer[0]})
    for hand in hands:
        hand.done = is_natural(hand.cards)
    if is_natural(state.dealer):
        finish_round(state, ctx)
    else:
        advance(state, ctx)


def advance(state: Table, ctx: ActionContext) -> None:
    """Move play to the first unfinished hand, or on to the dealer when there is none."""
    pending = (
        (index, number)
        for index, seat in enumerate(state.seats)
        for number, hand in enumerate(seat.hands)
        if not hand.done
    )
    state.active, state.hand = next(pending, (None, 0))
    if state.active is None:
        finish_round(state, ctx)


def finish_round(state: Table, ctx: ActionContext) -> None:
    """Reveal the hole card, let the dealer draw if any hand awaits it, and settle every hand."""
    state.hole_hidden = False
    ctx.emit({"type": "reveal", "card": state.dealer[1], "total": total(state.dealer)[0]})
    if any(awaits_dealer(hand) for seat in state.seats for hand in seat.hands):
        dealer_plays(state, ctx)
    for index, seat in enumerate(state.seats):
        for number in range(len(seat.hands)):
            settle(state, index, number, ctx)
    next_round(state)


def awaits_dealer(hand: Hand) -> bool:
    """Whether a hand's outcome depends on the dealer's total (not bust, not a blackjack)."""
    return total(hand.cards)[0] <= 21 and not is_blackjack(hand)


def is_blackjack(hand: Hand) -> bool:
    """A natural on the first two cards of an unsplit hand."""
    return is_natural(hand.cards) and not hand.split


def dealer_plays(state: Table, ctx: ActionContext) -> None:
    """The dealer hits below 17, and on a soft 17 if the rules say so."""
    while dealer_hits(state):
        card = draw(state, ctx)
        state.dealer.append(card)
        ctx.emit({"type": "dealer_hit", "card": card, "total": total(state.dealer)[0]})
    value = total(state.dealer)[0]
    if value > 21:
        ctx.emit({"type": "dealer_bust", "total": value})


def dealer_hits(state: Table) -> bool:
    """Whether the dealer must draw another card."""
    value, soft = total(state.dealer)
    return value < 17 or (value == 17 and soft and state.settings.dealer_hits_soft_17)


def outcome(hand: Hand, dealer: list[str]) -> Outcome:
    """How a hand fares against the dealer's final cards."""
    value, dealt = total(hand.cards)[0], total(dealer)[0]
    if value > 21:
        return "bust"
    natural = is_natural(dealer)
    if is_blackjack(hand):
        return "push" if natural else "blackjack"
    if natural or value < dealt <= 21:
        return "lose"
    return "push" if value == dealt else "win"


def payout(result: Outcome, bet: int) -> int:
    """The chips a settled hand returns: 3:2 on a blackjack (rounded down), 1:1 on a win,
    the bet on a push, nothing on a loss."""
    returned = {"blackjack": bet + bet * 3 // 2, "win": 2 * bet, "push": bet}
    return returned.get(result, 0)


def settle(state: Table, index: int, number: int, ctx: ActionContext) -> None:
    """Pay hand `number` of seat `index` by its outcome; the house keeps the rest of its bet."""
    seat = state.seats[index]
    hand = seat.hands[number]
    hand.outcome = outcome(hand, state.dealer)
    paid = payout(hand.outcome, hand.bet)
    seat.chips += paid
    state.house += hand.bet - paid
    event = {"seat": index, "hand": number, "outcome": hand.outcome, "bet": hand.bet}
    ctx.emit({"type": "payout", **event, "paid": paid, "chips": seat.chips})


def next_round(state: Table) -> None:
    """Start the next betting phase, or finish after the last round or when no seat can bet."""
    state.active, state.hand = None, 0
    rules = state.settings
    if rules.rounds and state.round >= rules.rounds:
        state.phase, state.ended = "finished", "rounds"
    elif not any(seat.chips >= rules.min_bet for seat in state.seats):
        state.phase, state.ended = "finished", "bankrupt"
    else:
        state.phase, state.round = "betting", state.round + 1
