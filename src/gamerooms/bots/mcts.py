"""Monte Carlo tree search (UCT) over any game, on imagined states: secrets and dice drawn anew."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from gamerooms.bots.simulation import acting_seat, rewards, step
from gamerooms.engine import Action, Game, MatchState, SeededRandom, decision_rng, determinized

EXPLORATION = 1.4
ROLLOUT_LIMIT = 400
"""Actions a rollout may take before it is scored as it stands (a draw)."""


@dataclass(eq=False)
class _Node:
    """A searched position: its statistics and the actions not yet expanded."""

    match: MatchState
    seat: int | None
    untried: list[Action]
    parent: _Node | None = None
    action: Action | None = None
    mover: int | None = None
    children: list[_Node] = field(default_factory=list)
    visits: int = 0
    value: float = 0.0

    def best_child(self, children: list[_Node]) -> _Node:
        """The one of these children with the highest upper confidence bound."""
        log_visits = math.log(self.visits)
        return max(
            children,
            key=lambda child: (
                child.value / child.visits + EXPLORATION * math.sqrt(log_visits / child.visits)
            ),
        )


class MonteCarloPolicy:
    """UCT with random rollouts; takes a winning move at once, and never searches a move that
    lets the next seat win at once while another move does not."""

    def __init__(self, iterations: int) -> None:
        self.iterations = iterations

    def choose(self, game: Game[Any], match: MatchState, seat: int) -> Action:
        """The action with the most visits after `iterations` simulations."""
        rng = decision_rng(match, seat)
        seen = determinized(game, match, seat, rng)
        actions = game.legal_actions(seen.data, seat)
        if len(actions) == 1:
            return actions[0]
        winning = _winning(game, seen, seat, actions)
        if winning is not None:
            return winning
        candidates = _safe(game, seen, seat, actions)
        if len(candidates) == 1:
            return candidates[0]
        root = _Node(seen, seat, list(candidates))
        for iteration in range(self.iterations):
            sample = determinized(game, match, seat, decision_rng(match, seat, iteration + 1))
            self._iterate(game, root, sample, seat, rng)
        return max(root.children, key=lambda child: child.visits).action or actions[0]

    def _iterate(
        self, game: Game[Any], root: _Node, sample: MatchState, seat: int, rng: SeededRandom
    ) -> None:
        node, match, drifted = root, sample, game.hidden_information
        untried, children = _choices(game, node, match, drifted)
        while not untried and children:
            node = node.best_child(children)
            if node.action is not None:
                after = step(game, match, node.mover or 0, node.action)
                drifted = drifted or after.rng != match.rng
                match = after
            untried, children = _choices(game, node, match, drifted)
        if untried and node.seat is not None:
            action = untried.pop(rng.randrange(len(untried)))
            match = step(game, match, node.seat, action)
            nxt = acting_seat(game, match, seat)
            untried = [] if nxt is None else game.legal_actions(match.data, nxt)
            child = _Node(match, nxt, untried, node, action, node.seat)
            node.children.append(child)
            node = child
        scores = rewards(_rollout(game, match, rng))
        while node is not None:
            node.visits += 1
            if node.mover is not None:
                node.value += scores[node.mover]
            node = node.parent  # type: ignore[assignment]


def _choices(
    game: Game[Any], node: _Node, match: MatchState, drifted: bool
) -> tuple[list[Action], list[_Node]]:
    """A node's untried actions and children; those legal in `match` once the sample has
    `drifted` from the states the tree was built on (hidden parts or chance drawn anew)."""
    if not drifted or node.parent is None or node.seat is None:
        return node.untried, node.children
    legal = game.legal_actions(match.data, node.seat)
    children = [child for child in node.children if child.action in legal]
    tried = [child.action for child in children]
    return [action for action in legal if action not in tried], children


def _rollout(game: Game[Any], match: MatchState, rng: SeededRandom) -> MatchState:
    for _ in range(ROLLOUT_LIMIT):
        seat = acting_seat(game, match)
        if seat is None:
            break
        match = step(game, match, seat, rng.choice(game.legal_actions(match.data, seat)))
    return match


def _winning(game: Game[Any], match: MatchState, seat: int, actions: list[Action]) -> Action | None:
    """An action after which `seat` has won, if there is one."""
    for action in actions:
        after = step(game, match, seat, action)
        if after.result is not None and seat in after.result.winners:
            return action
    return None


def _safe(game: Game[Any], match: MatchState, seat: int, actions: list[Action]) -> list[Action]:
    """The actions after which the next seat to move cannot win at once (all, if none is)."""
    safe = []
    for action in actions:
        after = step(game, match, seat, action)
        rival = acting_seat(game, after)
        if (
            rival is None
            or rival == seat
            or _winning(game, after, rival, _legal(game, after, rival)) is None
        ):
            safe.append(action)
    return safe or actions


def _legal(game: Game[Any], match: MatchState, seat: int) -> list[Action]:
    return game.legal_actions(match.data, seat)
