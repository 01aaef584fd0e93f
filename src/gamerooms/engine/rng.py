"""A seeded, serializable random number generator, so that matches replay exactly."""

from __future__ import annotations

import hashlib
import random
from typing import Any

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def derive_seed(seed: int, *labels: object) -> int:
    """An independent 64-bit seed for one use of a match's seed (seat order, a bot's choice...).

    BLAKE2b of the seed and the labels: knowing one derived stream's draws tells nothing about
    another's, nor about the game's own stream (which starts from `seed` itself)."""
    text = ":".join(str(part) for part in (seed & _MASK, *labels)).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


class SeededRandom(random.Random):
    """splitmix64 behind the `random.Random` interface; its whole state is one 64-bit int.

    Only `random()` and `getrandbits()` draw numbers, so every inherited helper (randint,
    choice, shuffle, sample, uniform, gauss, ...) is deterministic and restorable from `.state`.
    """

    _state: int

    def __init__(self, seed: int) -> None:
        super().__init__(seed)

    @classmethod
    def from_state(cls, state: int) -> SeededRandom:
        """A generator that continues from a saved `.state`."""
        rng = cls(0)
        rng.setstate((state,))
        return rng

    @property
    def state(self) -> int:
        """The whole generator state, as saved in a match."""
        return self._state

    def seed(self, a: object = None, version: int = 2) -> None:
        """Start over from an integer seed (taken modulo 2**64)."""
        if not isinstance(a, int):
            raise TypeError(f"SeededRandom needs an int seed, not {type(a).__name__}")
        self._state = a & _MASK

    def getstate(self) -> tuple[Any, ...]:
        """The state as a 1-tuple, for `random.Random` compatibility."""
        return (self._state,)

    def setstate(self, state: tuple[Any, ...]) -> None:
        """Restore a state returned by `getstate()`."""
        (value,) = state
        if not isinstance(value, int) or not 0 <= value <= _MASK:
            raise ValueError(f"not a SeededRandom state: {value!r}")
        self._state = value

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self).from_state, (self._state,))

    def _next(self) -> int:
        self._state = (self._state + _GOLDEN) & _MASK
        z = self._state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def random(self) -> float:
        """A float in [0, 1) with 53 random bits."""
        return (self._next() >> 11) * 2.0**-53

    def getrandbits(self, k: int) -> int:
        """An int with `k` random bits."""
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        words = -(-k // 64)
        value = 0
        for _ in range(words):
            value = value << 64 | self._next()
        return value >> (words * 64 - k)

    def gauss(self, mu: float = 0.0, sigma: float = 1.0) -> float:
        """A normal variate; unlike `random.Random.gauss`, keeps no hidden cached value."""
        return self.normalvariate(mu, sigma)
