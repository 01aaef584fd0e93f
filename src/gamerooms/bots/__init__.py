"""Bots for any game, built only on the rules: random and Monte Carlo tree search."""

from gamerooms.bots.levels import LEVELS, policy_for
from gamerooms.bots.mcts import MonteCarloPolicy
from gamerooms.bots.random import RandomPolicy

__all__ = ["LEVELS", "MonteCarloPolicy", "RandomPolicy", "policy_for"]
