"""The pure rules engine: games, actions, matches, a seeded RNG and the game registry."""

from gamerooms.engine import errors
from gamerooms.engine.errors import (
    BadActionData,
    GameError,
    IllegalAction,
    MatchOver,
    NotYourTurn,
    SettingsError,
    StaleVersion,
)
from gamerooms.engine.game import (
    Action,
    ActionContext,
    ActionSpec,
    Game,
    Policy,
    Result,
    Settings,
    action,
)
from gamerooms.engine.match import (
    Applied,
    MatchState,
    apply_action,
    decision_rng,
    decode_match,
    determinized,
    encode_match,
    offered_actions,
    replay,
    seats_in_turn,
    start_match,
)
from gamerooms.engine.registry import GameRegistry
from gamerooms.engine.rng import SeededRandom, derive_seed

__all__ = [
    "Action",
    "ActionContext",
    "ActionSpec",
    "Applied",
    "BadActionData",
    "Game",
    "GameError",
    "GameRegistry",
    "IllegalAction",
    "MatchOver",
    "MatchState",
    "NotYourTurn",
    "Policy",
    "Result",
    "SeededRandom",
    "Settings",
    "SettingsError",
    "StaleVersion",
    "action",
    "apply_action",
    "decision_rng",
    "decode_match",
    "derive_seed",
    "determinized",
    "encode_match",
    "errors",
    "offered_actions",
    "replay",
    "seats_in_turn",
    "start_match",
]
