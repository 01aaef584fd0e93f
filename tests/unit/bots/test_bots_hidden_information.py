"""Bots on a game with a hidden card: they search determinized states and never read the card.

HoleCard: the dealer (seat 1, who never acts) holds a hole card 0-2 that seat 0 cannot see. Seat 0
bets, then guesses the card, and wins if the guess is right. A bot that read the real card would
guess it every time; a fair bot's choices are the same whatever the card is.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
import pytest

from gamerooms.bots import RandomPolicy, policy_for
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
    apply_action,
    start_match,
)

CARDS = (0, 1, 2)
LEVELS = ["random", "easy", "medium", "hard"]


class Hand(msgspec.Struct):
    """The hole card, seat 0's bet and guess so far, and whether a bot made this state up."""

    card: int
    bet: int | None = None
    guess: int | None = None
    imagined: bool = False


class Bet(msgspec.Struct):
    """Data of `bet`."""

    amount: Annotated[int, msgspec.Meta(ge=1, le=2)]


class Guess(msgspec.Struct):
    """Data of `guess`."""

    card: Annotated[int, msgspec.Meta(ge=0, le=2)]


class HoleCard(Game[Hand]):
    """Seat 0 bets, then guesses the dealer's hidden card; it records what bots look at."""

    name = "holecard"
    title = "Hole card"
    min_players = 2
    max_players = 2
    bot_levels = ("random", "easy", "medium", "hard")
    hidden_information = True

    def __init__(self) -> None:
        self.determinized: list[int] = []
        self.looked_at: list[bool] = []

    def setup(self, settings: Settings, seats: int, rng: SeededRandom) -> Hand:
        """Deal the hole card."""
        return Hand(card=rng.choice(CARDS))

    def turn(self, state: Hand) -> list[int]:
        """Seat 0 until it has guessed."""
        self.looked_at.append(state.imagined)
        return [0] if state.guess is None else []

    def view(self, state: Hand, seat: int | None) -> dict[str, Any]:
        """The bet and guess; the card only once the match is over."""
        shown = state.card if state.guess is not None else None
        return {"bet": state.bet, "guess": state.guess, "card": shown}

    def result(self, state: Hand) -> Result | None:
        """Seat 0 wins a right guess, the dealer a wrong one."""
        self.looked_at.append(state.imagined)
        if state.guess is None:
            return None
        return Result(winners=[0] if state.guess == state.card else [1], reason="shown")

    def legal_actions(self, state: Hand, seat: int) -> list[Action]:
        """Two bets, then three guesses."""
        self.looked_at.append(state.imagined)
        if seat != 0 or state.guess is not None:
            return []
        if state.bet is None:
            return [Action(name="bet", data={"amount": amount}) for amount in (1, 2)]
        return [Action(name="guess", data={"card": card}) for card in CARDS]

    def determinize(self, state: Hand, seat: int, rng: SeededRandom) -> Hand:
        """The card drawn anew: all that seat 0 cannot see."""
        self.determinized.append(seat)
        return msgspec.structs.replace(state, card=rng.choice(CARDS), imagined=True)

    @action("bet", data=Bet)
    def bet(self, state: Hand, data: Bet, ctx: ActionContext) -> None:
        """Place the bet."""
        state.bet = data.amount

    @action("guess", data=Guess)
    def guess(self, state: Hand, data: Guess, ctx: ActionContext) -> None:
        """Name the card."""
        state.guess = data.card


class LeakyHoleCard(HoleCard):
    """A broken game whose determinize hands the bots the real card."""

    def determinize(self, state: Hand, seat: int, rng: SeededRandom) -> Hand:
        """The real state itself."""
        self.determinized.append(seat)
        return msgspec.structs.replace(state, imagined=True)


class UnpreparedHoleCard(HoleCard):
    """A game that hides the card but does not say how to determinize."""

    determinize = Game.determinize  # type: ignore[assignment]


def holding(game: HoleCard, seed: int, card: int, bet: int | None = None) -> MatchState:
    """The match of this seed with the dealer holding `card`, after seat 0's bet if given."""
    match = start_match(game, None, 2, seed)
    match = msgspec.structs.replace(match, data=msgspec.structs.replace(match.data, card=card))
    if bet is not None:
        match = apply_action(game, match, 0, "bet", {"amount": bet}).match
    return match


def choices(game: HoleCard, policy: Policy, seed: int, bet: int | None) -> dict[int, Action]:
    """What the bot does with each possible hole card, in matches otherwise the same."""
    chosen = {}
    for card in CARDS:
        match = holding(game, seed, card, bet)
        game.determinized.clear()
        game.looked_at.clear()
        chosen[card] = policy.choose(game, match, 0)
        assert game.determinized and set(game.determinized) == {0}
        assert game.looked_at and all(game.looked_at), "the bot looked at the real state"
        assert chosen[card] in game.legal_actions(match.data, 0)
    return chosen


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("bet", [None, 1, 2], ids=["betting", "guessing-1", "guessing-2"])
def test_the_bots_choice_does_not_depend_on_the_hidden_card(level: str, bet: int | None) -> None:
    game = HoleCard()
    guesses = set()
    for seed in range(6):
        chosen = choices(game, policy_for(game, level), seed, bet)
        assert chosen[1] == chosen[0] and chosen[2] == chosen[0], chosen
        guesses.add(chosen[0].data.get("card"))
    if bet is not None and level == "random":
        assert len(guesses) > 1, "the random bot always guesses the same card"


@pytest.mark.parametrize("level", ["easy", "hard"])
def test_mcts_determinizes_on_every_iteration(level: str) -> None:
    game = HoleCard()
    policy = policy_for(game, level)
    policy.choose(game, holding(game, 3, 1), 0)
    assert len(game.determinized) == 1 + policy.iterations  # type: ignore[attr-defined]


def test_a_leaky_determinize_would_be_caught() -> None:
    game = LeakyHoleCard()
    for seed in range(3):
        guesses = {
            card: policy_for(game, "easy").choose(game, holding(game, seed, card, 1), 0)
            for card in CARDS
        }
        assert {card: guess.data["card"] for card, guess in guesses.items()} == {0: 0, 1: 1, 2: 2}


@pytest.mark.parametrize("policy", [RandomPolicy(), policy_for(HoleCard(), "easy")])
def test_a_hidden_information_game_must_determinize(policy: Policy) -> None:
    game = UnpreparedHoleCard()
    with pytest.raises(NotImplementedError, match="determinize"):
        policy.choose(game, holding(game, 0, 0), 0)


class Hands(msgspec.Struct):
    """Each seat's hidden card, and what has been done."""

    cards: list[int]
    raised: bool | None = None
    shown: int | None = None
    folded: bool = False


class Show(msgspec.Struct):
    """Data of `show`."""

    card: int


class Showdown(Game[Hands]):
    """Each seat holds a card only it sees. Seat 0 calls or raises; seat 1 then shows its own
    card (the only card it may show) or folds; the higher card wins. What seat 1 may do depends
    on what it holds, which seat 0's bot can only guess."""

    name = "showdown"
    title = "Showdown"
    min_players = 2
    max_players = 2
    bot_levels = ("random", "easy", "medium", "hard")
    hidden_information = True

    def setup(self, settings: Settings, seats: int, rng: SeededRandom) -> Hands:
        """Deal a card to each seat."""
        return Hands(cards=[rng.choice(CARDS), rng.choice(CARDS)])

    def turn(self, state: Hands) -> list[int]:
        """Seat 0, then seat 1, then nobody."""
        if state.raised is None:
            return [0]
        return [1] if state.shown is None and not state.folded else []

    def view(self, state: Hands, seat: int | None) -> dict[str, Any]:
        """Only a seat's own card."""
        own = None if seat is None else state.cards[seat]
        return {"card": own, "raised": state.raised, "shown": state.shown}

    def result(self, state: Hands) -> Result | None:
        """Seat 0 wins a fold or a tie."""
        if state.folded:
            return Result(winners=[0], reason="fold")
        if state.shown is None:
            return None
        return Result(winners=[0] if state.cards[0] >= state.shown else [1], reason="shown")

    def legal_actions(self, state: Hands, seat: int) -> list[Action]:
        """Call or raise; then show the card held, or fold."""
        if seat not in self.turn(state):
            return []
        if seat == 0:
            return [Action(name="call", data={}), Action(name="raise", data={})]
        return [Action(name="show", data={"card": state.cards[1]}), Action(name="fold", data={})]

    def determinize(self, state: Hands, seat: int, rng: SeededRandom) -> Hands:
        """The other seat's card drawn anew."""
        cards = list(state.cards)
        cards[1 - seat] = rng.choice(CARDS)
        return msgspec.structs.replace(state, cards=cards)

    @action("call")
    def call(self, state: Hands, ctx: ActionContext) -> None:
        """Call."""
        state.raised = False

    @action("raise")
    def raise_(self, state: Hands, ctx: ActionContext) -> None:
        """Raise."""
        state.raised = True

    @action("show", data=Show)
    def show(self, state: Hands, data: Show, ctx: ActionContext) -> None:
        """Show the card held."""
        if data.card != state.cards[ctx.seat]:
            raise IllegalAction("you can only show your own card")
        state.shown = data.card

    @action("fold")
    def fold(self, state: Hands, ctx: ActionContext) -> None:
        """Give up."""
        state.folded = True


@pytest.mark.parametrize("level", LEVELS)
def test_bots_search_past_moves_that_depend_on_another_seats_hand(level: str) -> None:
    game = Showdown()
    for seed in range(4):
        chosen = []
        for card in CARDS:
            match = start_match(game, None, 2, seed)
            hands = msgspec.structs.replace(match.data, cards=[match.data.cards[0], card])
            match = msgspec.structs.replace(match, data=hands)
            chosen.append(policy_for(game, level).choose(game, match, 0))
        assert chosen[0] in game.legal_actions(match.data, 0)
        assert chosen[1] == chosen[0] and chosen[2] == chosen[0], chosen
        answer = apply_action(game, match, 0, chosen[0].name, chosen[0].data).match
        shown = policy_for(game, level).choose(game, answer, 1)
        assert shown in game.legal_actions(answer.data, 1)
