"""gamerooms settings with their defaults, read from Django's `settings.GAMEROOMS`."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Config:
    """Every knob of a gamerooms server; override any of them in `settings.GAMEROOMS`."""

    REDIS_URL: str | None = None
    REDIS_PREFIX: str = "gamerooms:"
    """Every Redis key and channel starts with this: deployments can share one Redis."""
    REDIS_CLUSTER: bool = False
    """REDIS_URL names a node of a Redis Cluster (any node: the client learns the others)."""
    GAMES: tuple[str, ...] | None = None
    """Dotted paths of the games offered, and no others (None: every game that installed
    packages declare in the `gamerooms.games` entry point group, the three demo games included)."""
    STATE_FILE: str | None = None
    """Without Redis: a SQLite file that keeps rooms, matches and timers across restarts (None:
    live state is lost when the process stops; `gamerooms serve` keeps it in its data folder)."""
    MAX_FRAME_BYTES: int = 64 * 1024
    RATE_PER_SECOND: float = 20.0
    RATE_BURST: int = 40
    OVERSIZE_STRIKES: int = 3
    JOURNAL_FLUSH_SECONDS: float = 0.25
    ROOM_SEAT_GRACE_SECONDS: float = 10.0
    DRAFT_SECONDS: float = 120.0
    TIMER_POLL_SECONDS: float = 0.5
    HEARTBEAT_SECONDS: float = 3.0
    """How often a server process refreshes its heartbeat and cleans up after processes that
    died (whose seats, room seats, queue places and drafts it hands back)."""
    PROCESS_TTL_SECONDS: float = 10.0
    """How long a process's heartbeat outlives its last refresh: a process that dies is cleaned
    up after within PROCESS_TTL_SECONDS + HEARTBEAT_SECONDS."""
    MATCH_GRACE_SECONDS: float = 60.0
    DECIDE_SECONDS: float = 30.0
    BOT_DELAY_SECONDS: float = 0.6
    QUEUE_BOT_FILL_SECONDS: float | None = None
    """Bots fill a queue in which someone has waited this long (None: never)."""
    ALLOWED_ORIGINS: tuple[str, ...] = ()
    """Origins (`https://host[:port]`) besides the server's own whose pages may open sockets
    that a session cookie authenticates; token sockets are welcome from anywhere."""
    PASSWORD_ATTEMPTS_PER_PLAYER: int = 5
    """Wrong room passwords a player may try per room per minute."""
    PASSWORD_ATTEMPTS_PER_ROOM: int = 20
    """Wrong passwords a room takes per minute from everyone together."""
    MAX_ROOMS_PER_PLAYER: int = 3
    """Rooms a player may own at once (those they created and still own)."""
    MAX_DRAFTS_PER_PLAYER: int = 3
    """Drafts ("creating a room" notices) a player may have open at once."""
    THROTTLE_LOGIN: str | None = "10/min"
    """REST password checks (`/api/auth/token/`, `/api/auth/login/`) per client address."""
    THROTTLE_REGISTER: str | None = "10/min"
    """Accounts registered per client address."""
    THROTTLE_GUEST: str | None = "600/hour"
    """Guests created per client address (a class behind one address gets its guests)."""
    THROTTLE_ROOM_LOOKUP: str | None = "60/min"
    """`GET /api/rooms/<code>/` per client address (or per player, with a token)."""
    THROTTLE_MATCH_LOOKUP: str | None = "60/min"
    """`GET /api/matches/<id>/` and its replay per client address (or per player, with a token)."""
    METRICS: bool = True
    """Serve `/metrics` (where routed) and time a sample of store calls; False: `/metrics`
    answers 404 and store calls go untimed."""
    METRICS_TOKEN: str | None = None
    """When set, `/metrics` answers only requests with `Authorization: Bearer <token>`."""


def load_config() -> Config:
    """The Config built from `settings.GAMEROOMS` (unknown keys are an error)."""
    raw: dict[str, Any] = dict(getattr(settings, "GAMEROOMS", {}))
    known = {field.name for field in fields(Config)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"unknown GAMEROOMS settings: {', '.join(unknown)}")
    if raw.get("GAMES") is not None:
        raw["GAMES"] = tuple(raw["GAMES"])
    if "ALLOWED_ORIGINS" in raw:
        raw["ALLOWED_ORIGINS"] = tuple(
            origin.strip().lower().rstrip("/") for origin in raw["ALLOWED_ORIGINS"]
        )
    return Config(**raw)
