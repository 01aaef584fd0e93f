"""Per-socket frame limits: a size cap and a token-bucket rate, with strikes before 4008."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from gamerooms.rooms.ports import Clock


class Verdict(Enum):
    """What to do with an incoming frame."""

    ACCEPT = "accept"
    TOO_LARGE = "too_large"
    RATE_LIMITED = "rate_limited"


@dataclass(slots=True)
class FrameLimits:
    """Frame size and rate limits of one socket."""

    max_bytes: int
    rate: float
    burst: int
    oversize_strikes: int
    clock: Clock
    _tokens: float = field(init=False)
    _stamp: float = field(init=False)
    _oversized: int = field(init=False)
    _refused: int = field(init=False)

    def __post_init__(self) -> None:
        self._tokens = float(self.burst)
        self._stamp = self.clock.now()
        self._oversized = 0
        self._refused = 0

    def check(self, size: int) -> Verdict:
        """The verdict on a frame of `size` bytes."""
        if not self._take_token():
            self._refused += 1
            return Verdict.RATE_LIMITED
        self._refused = 0
        if size > self.max_bytes:
            self._oversized += 1
            return Verdict.TOO_LARGE
        return Verdict.ACCEPT

    @property
    def exhausted(self) -> bool:
        """True once refusals go on: more rate refusals in a row than a second's allowance, or
        more oversized frames than the allowed strikes."""
        return self._refused > self.rate or self._oversized > self.oversize_strikes

    def _take_token(self) -> bool:
        now = self.clock.now()
        self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True
