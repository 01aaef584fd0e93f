"""Blackjack's own bots; each reads only what every seat sees (its hand, the up card)."""

from __future__ import annotations

from typing import Any

from gamerooms.engine import Action, Game, MatchState, decision_rng
from gamerooms.games.blackjack.cards import total
from gamerooms.games.blackjack.state import BlackjackSettings, Table
from gamerooms.games.blackjack.strategy import basic_move


class RandomBot:
    """The "easy" bot: any legal action, with an RNG fixed by the match, version and seat."""

    def choose(self, game: Game[Any], match: MatchState, seat: int) -> Action:
        """A random legal action."""
        rng = decision_rng(match, seat)
        return rng.choice(game.legal_actions(match.data, seat))


class SimpleBot:
    """The "medium" bot: bets the minimum, hits below 17 and stands on 17 or more."""

    def choose(self, game: Game[Any], match: MatchState, seat: int) -> Action:
        """The minimum bet, or hit or stand by the hand's total."""
        table: Table = match.data
        if table.phase == "betting":
            return Action(name="bet", data={"amount": table.settings.min_bet})
        cards = table.seats[seat].hands[table.hand].cards
        return Action(name="hit" if total(cards)[0] < 17 else "stand", data={})


class BasicStrategyBot:
    """The "hard" bot: bets a twentieth of its chips and plays basic strategy."""

    def choose(self, game: Game[Any], match: MatchState, seat: int) -> Action:
        """A steady bet, or the basic-strategy play of the hand against the up card."""
        table: Table = match.data
        if table.phase == "betting":
            amount = steady_bet(table.settings, table.seats[seat].chips)
            return Action(name="bet", data={"amount": amount})
        legal = {action.name for action in game.legal_actions(table, seat)}
        cards = table.seats[seat].hands[table.hand].cards
        rules = table.settings
        move = basic_move(
            cards, table.dealer[0], "double" in legal, "split" in legal, rules.dealer_hits_soft_17
        )
        return Action(name=move, data={})


def steady_bet(rules: BlackjackSettings, chips: int) -> int:
    """A twentieth of the chips in whole minimum bets, within the table limits and the chips."""
    units = chips // 20 // rules.min_bet * rules.min_bet
    return min(max(units, rules.min_bet), rules.max_bet, chips)
