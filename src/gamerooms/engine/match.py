"""A match as data: start it, apply actions to it (never in place), replay it, store it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from gamerooms.engine.actions import ActionContext
from gamerooms.engine.errors import IllegalAction, MatchOver, NotYourTurn, StaleVersion
from gamerooms.engine.game import Action, Game, Result
from gamerooms.engine.rng import SeededRandom, derive_seed


class MatchState(msgspec.Struct):
    """Everything needed to go on with a match; `data` is the game's state Struct."""

    game: str
    seats: int
    settings: dict[str, Any]
    seed: int
    version: int
    rng: int
    data: Any
    result: Result | None = None


class Applied(msgspec.Struct):
    """The outcome of one action: the new match, who did what, and the events it emitted."""

    match: MatchState
    seat: int
    action: str
    data: dict[str, Any]
    events: list[dict[str, Any]]


def seats_in_turn(game: Game[Any], match: MatchState) -> list[int]:
    """The seats that may act now: none once the match has a result, whatever the game says."""
    return [] if match.result is not None else list(game.turn(match.data))


def offered_actions(game: Game[Any], match: MatchState, seat: int) -> list[Action]:
    """What `seat` may send now, as `turn.actions` lists it ([] when not in turn)."""
    if seat not in seats_in_turn(game, match):
        return []
    return game.offered_actions(match.data, seat)


def determinized(game: Game[Any], match: MatchState, seat: int, rng: SeededRandom) -> MatchState:
    """The match as `seat` may know it: what its view hides, and the chance to come (the match's
    RNG), drawn from `rng`. Bots choose on this, so they cannot read what they may not see."""
    data = game.determinize(match.data, seat, rng)
    return msgspec.structs.replace(match, data=data, rng=rng.getrandbits(64))


def decision_rng(match: MatchState, seat: int, salt: int = 0) -> SeededRandom:
    """An RNG for a bot's choice in this seat at this version: bot play replays exactly, and its
    draws are a stream of their own, telling nothing of the game's."""
    return SeededRandom(derive_seed(match.seed, "bot", match.version, seat, salt))


def start_match(
    game: Game[Any], settings: Mapping[str, Any] | None, seats: int, seed: int
) -> MatchState:
    """A new match at version 0, after validating the settings and the number of seats."""
    if not game.min_players <= seats <= game.max_players:
        raise IllegalAction(
            f"{game.name} needs {game.min_players} to {game.max_players} seats, not {seats}"
        )
    parsed = game.parse_settings(settings)
    rng = SeededRandom(seed)
    data = game.setup(parsed, seats, rng)
    return MatchState(
        game=game.name,
        seats=seats,
        settings=msgspec.to_builtins(parsed),
        seed=seed,
        version=0,
        rng=rng.state,
        data=data,
        result=game.result(data),
    )


def apply_action(
    game: Game[Any],
    match: MatchState,
    seat: int,
    name: str,
    data: Any,
    expected_version: int | None = None,
) -> Applied:
    """Apply one action to a copy of `match`; raise a GameError (and change nothing) if refused."""
    if expected_version is not None and expected_version != match.version:
        raise StaleVersion(f"the match is at version {match.version}, not {expected_version}")
    if match.result is not None:
        raise MatchOver("the match is over")
    spec = game.action_spec(name)
    if seat not in seats_in_turn(game, match):
        raise NotYourTurn(f"seat {seat} may not act now")
    payload = spec.parse(data)
    state = _copy_state(game, match.data)
    ctx = ActionContext(seat=seat, rng=SeededRandom.from_state(match.rng))
    spec.invoke(game, state, payload, ctx)
    after = msgspec.structs.replace(
        match, version=match.version + 1, rng=ctx.rng.state, data=state, result=game.result(state)
    )
    plain = {} if payload is None else msgspec.to_builtins(payload)
    return Applied(match=after, seat=seat, action=name, data=plain, events=ctx.events)


def replay(
    game: Game[Any],
    settings: Mapping[str, Any] | None,
    seats: int,
    seed: int,
    log: Iterable[tuple[int, str, Any]],
) -> MatchState:
    """The match that results from starting with `seed` and applying each (seat, name, data)."""
    match = start_match(game, settings, seats, seed)
    for seat, name, data in log:
        match = apply_action(game, match, seat, name, data).match
    return match


def encode_match(match: MatchState) -> bytes:
    """The match as JSON bytes, for a store."""
    return msgspec.json.encode(match)


def decode_match(game: Game[Any], blob: bytes) -> MatchState:
    """A match from `encode_match` bytes, its `data` decoded to the game's state type."""
    match = msgspec.json.decode(blob, type=MatchState)
    match.data = msgspec.convert(match.data, game.state_type, str_keys=True)
    return match


def _copy_state(game: Game[Any], state: Any) -> Any:
    return msgspec.msgpack.decode(msgspec.msgpack.encode(state), type=game.state_type)
