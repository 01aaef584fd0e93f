"""Goofspiel: each round every seat bids one of its cards, in secret, for a face-up prize card;
the highest bid wins the prize. The game built step by step in docs/writing-a-game.md."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from gamerooms.engine import (
    Action,
    ActionContext,
    Game,
    IllegalAction,
    MatchState,
    Policy,
    Result,
    SeededRandom,
    Settings,
    action,
)


class GoofspielSettings(Settings, kw_only=True):
    """How a match is played."""

    cards: Annotated[
        int, msgspec.Meta(ge=3, le=13, description="Cards in each hand and in the prize deck")
    ] = 6
    ties: Annotated[
        Literal["discard", "carry"],
        msgspec.Meta(description="A prize whose top bids tie is discarded, or carried over"),
    ] = "discard"


class Table(msgspec.Struct):
    """The whole state of a match: the hands, the prize deck, the pot and the sealed bids."""

    hands: list[list[int]]
    """Per seat, the cards it has not bid yet (a sealed bid stays in the hand until shown)."""
    deck: list[int]
    """The prize cards still face down; the next one is drawn from the end."""
    pot: list[int]
    """The face-up prize cards at stake (several after tied rounds carried over)."""
    bids: list[int | None]
    """Per seat, its sealed bid this round; None until it bids."""
    scores: list[int]
    carry: bool
    """Whether tied prizes are carried over to the next round."""
    shown: list[int] = []
    """The bids shown at the end of the last round."""


class Bid(msgspec.Struct):
    """Data of the `bid` action: the card to bid."""

    card: Annotated[int, msgspec.Meta(ge=1, le=13)]


class PrizeMatcher:
    """The "easy" bot: bids the card of its hand nearest to the prizes at stake."""

    def choose(self, game: Game[Any], match: MatchState, seat: int) -> Action:
        """A bid read off the seat's own hand and the face-up pot only."""
        table: Table = match.data
        stake = sum(table.pot)
        card = min(table.hands[seat], key=lambda card: (abs(card - stake), card))
        return Action(name="bid", data={"card": card})


class Goofspiel(Game[Table]):
    """Every seat bids at once; when all have bid, the bids are shown and the single highest
    takes the pot. Most points once every card is played wins."""

    name = "goofspiel"
    title = "Goofspiel"
    min_players = 2
    max_players = 4
    default_players = 2
    settings_type = GoofspielSettings
    bot_levels = ("random", "easy", "hard")
    hidden_information = True

    def setup(self, settings: GoofspielSettings, seats: int, rng: SeededRandom) -> Table:
        """Every seat holds cards 1 to N; the prize deck, 1 to N too, is shuffled and its first
        card turned up."""
        cards = list(range(1, settings.cards + 1))
        deck = list(cards)
        rng.shuffle(deck)
        return Table(
            hands=[list(cards) for _ in range(seats)],
            deck=deck,
            pot=[deck.pop()],
            bids=[None] * seats,
            scores=[0] * seats,
            carry=settings.ties == "carry",
        )

    def turn(self, state: Table) -> list[int]:
        """Every seat yet to bid this round (bidding is simultaneous); none once over."""
        if not state.hands[0]:
            return []
        return [seat for seat, bid in enumerate(state.bids) if bid is None]

    def view(self, state: Table, seat: int | None) -> dict[str, Any]:
        """All but the secrets: the deck's order (its cards are shown sorted) and the other
        seats' sealed bids (only whether they have bid)."""
        return {
            "hands": [list(hand) for hand in state.hands],
            "deck": sorted(state.deck),
            "pot": list(state.pot),
            "bid": None if seat is None else state.bids[seat],
            "sealed": [bid is not None for bid in state.bids],
            "scores": list(state.scores),
            "shown": list(state.shown),
            "carry": state.carry,
        }

    def result(self, state: Table) -> Result | None:
        """Once every card is played: the seats with most points win."""
        if state.hands[0]:
            return None
        best = max(state.scores)
        return Result(
            winners=[seat for seat, score in enumerate(state.scores) if score == best],
            scores={str(seat): float(score) for seat, score in enumerate(state.scores)},
            reason="prizes",
        )

    def legal_actions(self, state: Table, seat: int) -> list[Action]:
        """A bid of every card in the hand, for a seat yet to bid."""
        if seat not in self.turn(state):
            return []
        return [Action(name="bid", data={"card": card}) for card in state.hands[seat]]

    def determinize(self, state: Table, seat: int, rng: SeededRandom) -> Table:
        """A copy with the deck shuffled anew and every other sealed bid drawn anew from its
        seat's hand: all that `seat` cannot see, made up from what it sees and `rng` alone."""
        deck, bids = sorted(state.deck), list(state.bids)
        rng.shuffle(deck)
        for other, bid in enumerate(bids):
            if other != seat and bid is not None:
                bids[other] = rng.choice(state.hands[other])
        return msgspec.structs.replace(state, deck=deck, bids=bids)

    def from_view(self, view: dict[str, Any], seat: int) -> Table:
        """The table of a seat's view, the other sealed bids made up (any card of the hand)."""
        hands = [list(hand) for hand in view["hands"]]
        bids = [
            view["bid"] if other == seat else (hand[0] if sealed else None)
            for other, (hand, sealed) in enumerate(zip(hands, view["sealed"], strict=True))
        ]
        return Table(
            hands=hands,
            deck=list(view["deck"]),
            pot=list(view["pot"]),
            bids=bids,
            scores=list(view["scores"]),
            carry=view["carry"],
            shown=list(view["shown"]),
        )

    def bot(self, level: str) -> Policy | None:
        """Easy: this game's own bot; the other levels: the generic bots."""
        return PrizeMatcher() if level == "easy" else None

    @action("bid", data=Bid)
    def bid(self, state: Table, data: Bid, ctx: ActionContext) -> None:
        """Seal a bid, shown once every seat has bid."""
        if data.card not in state.hands[ctx.seat]:
            raise IllegalAction(f"card {data.card} is not in your hand")
        state.bids[ctx.seat] = data.card
        ctx.emit({"type": "bid", "seat": ctx.seat})
        if None not in state.bids:
            show_bids(state, ctx)


def show_bids(state: Table, ctx: ActionContext) -> None:
    """Show the bids, give the pot to a single highest bid, and turn up the next prize."""
    bids = [bid for bid in state.bids if bid is not None]
    top = max(bids)
    takers = [seat for seat, bid in enumerate(bids) if bid == top]
    prize = sum(state.pot)
    for hand, bid in zip(state.hands, bids, strict=True):
        hand.remove(bid)
    state.bids, state.shown = [None] * len(bids), bids
    winner = takers[0] if len(takers) == 1 else None
    if winner is not None:
        state.scores[winner] += prize
    if winner is not None or not state.carry:
        state.pot = []
    ctx.emit({"type": "shown", "bids": bids, "winner": winner, "prize": prize})
    if state.deck:
        state.pot.append(state.deck.pop())
        ctx.emit({"type": "prize", "card": state.pot[-1]})
