"""Blackjack for 1-7 seats against the dealer, with hidden hole card and shoe."""

from gamerooms.games.blackjack.game import Blackjack
from gamerooms.games.blackjack.state import BlackjackSettings

__all__ = ["Blackjack", "BlackjackSettings"]
