"""The random bot: any legal action, uniformly."""

from __future__ import annotations

from typing import Any

from gamerooms.engine import Action, Game, MatchState, decision_rng


class RandomPolicy:
    """Picks uniformly among the legal actions, with an RNG fixed by the match and seat."""

    def choose(self, game: Game[Any], match: MatchState, seat: int) -> Action:
        """A random legal action."""
        rng = decision_rng(match, seat)
        state = game.determinize(match.data, seat, rng)
        return rng.choice(game.legal_actions(state, seat))
