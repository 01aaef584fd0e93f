"""Replays re-run a match from its seed and action log: every step is what the seat saw as the
match was played, and a Blackjack step names no card that was not face up then."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from gamerooms.engine import (
    Game,
    MatchState,
    apply_action,
    offered_actions,
    seats_in_turn,
    start_match,
)
from gamerooms.games.blackjack import Blackjack
from gamerooms.games.blackjack.game import public_cards
from gamerooms.games.tictactoe import TicTacToe
from gamerooms.rooms.ports import MatchHistory
from gamerooms.rooms.replays import replay_steps
from tests.cards import cards_in

SETTINGS = {"rounds": 3, "decks": 1, "bot_level": "hard"}
"""Short Blackjack with one deck (every card code unique), and a room option the game ignores
(records keep them)."""


@dataclass
class Played:
    """A match played with the engine: its history, and per version the full match then and the
    action and events that led there."""

    history: MatchHistory
    matches: list[MatchState]
    moves: list[tuple[dict[str, Any] | None, list[dict[str, Any]]]]


def play(game: Game[Any], settings: dict[str, Any], seats: int, seed: int) -> Played:
    """Play to the end choosing random legal moves (a bet: its schema's maximum)."""
    choose = random.Random(seed)
    match = start_match(game, settings, seats, seed)
    matches, moves, log = [match], [(None, [])], []
    while match.result is None:
        seat = game.turn(match.data)[0]
        action = choose.choice(offered_actions(game, match, seat))
        data = action.data
        if action.schema is not None:
            data = {"amount": action.schema["properties"]["amount"]["maximum"]}
        applied = apply_action(game, match, seat, action.name, data)
        match = applied.match
        log.append((seat, action.name, data))
        matches.append(match)
        moves.append(({"seat": seat, "name": action.name, "data": data}, applied.events))
    history = MatchHistory("m1", game.name, settings, [{}] * seats, seed, log, None)
    return Played(history, matches, moves)


def test_each_step_is_the_view_and_events_the_seat_got() -> None:
    game = TicTacToe()
    played = play(game, {}, 2, seed=7)
    for seat in (0, 1, None):
        steps = replay_steps(game, played.history, seat)
        assert [step["version"] for step in steps] == list(range(len(played.matches)))
        for step, match, (action, events) in zip(steps, played.matches, played.moves, strict=True):
            assert step["state"] == game.view(match.data, None)
            assert (step["action"], step["events"]) == (action, events)
            assert step["turn"] == {"seats": seats_in_turn(game, match)}
    assert steps[-1]["turn"]["seats"] == [] and steps[0]["action"] is None


def test_a_match_the_server_ended_has_nobody_in_turn_at_its_last_step() -> None:
    game = TicTacToe()
    played = play(game, {}, 2, seed=3)
    log = played.history.actions[:3]
    abandoned = MatchHistory("m2", "tictactoe", {}, [{}, {}], 3, log, {"reason": "abandoned"})
    steps = replay_steps(game, abandoned, 0)
    assert len(steps) == 4 and steps[-1]["turn"]["seats"] == []
    assert steps[-2]["turn"]["seats"] == [log[-1][0]]


def test_blackjack_steps_show_no_card_that_was_face_down_or_in_the_shoe() -> None:
    game = Blackjack()
    played = play(game, SETTINGS, 2, seed=11)
    assert played.matches[-1].result is not None
    hidden_rounds = 0
    for seat in (0, 1, None):
        steps = replay_steps(game, played.history, seat)
        assert len(steps) == len(played.matches)
        for step, match in zip(steps, played.matches, strict=True):
            table = match.data
            assert step["state"] == game.view(table, seat)
            face_up = Counter(public_cards(table))
            assert Counter(cards_in(step["state"])) == face_up
            assert set(cards_in([step["action"], step["events"]])) <= set(face_up)
            assert isinstance(step["state"]["shoe"], int)
            if table.hole_hidden:
                hidden_rounds += 1
                assert step["state"]["dealer"]["cards"] == [table.dealer[0], None]
                assert table.dealer[1] not in cards_in(step)  # one deck: every card is unique
            assert not set(table.shoe) & set(cards_in(step))
    assert hidden_rounds > 0
