"""Bot levels: which policy plays at each level unless a game brings its own."""

from __future__ import annotations

from typing import Any

from gamerooms.bots.mcts import MonteCarloPolicy
from gamerooms.bots.random import RandomPolicy
from gamerooms.engine import Game, Policy

LEVELS: dict[str, int] = {"easy": 30, "medium": 200, "hard": 1000}
"""Search iterations of the generic bot per level; "random" plays any legal move."""


def policy_for(game: Game[Any], level: str) -> Policy:
    """The game's own bot for this level, else the generic one (random below "easy")."""
    own = game.bot(level)
    if own is not None:
        return own
    iterations = LEVELS.get(level)
    return RandomPolicy() if iterations is None else MonteCarloPolicy(iterations)
