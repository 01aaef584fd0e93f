"""SeededRandom: deterministic, restorable from one int, compatible with random.Random."""

from __future__ import annotations

import copy
import pickle
import random
from typing import Any

import pytest

from gamerooms.engine import SeededRandom


def draws(rng: random.Random) -> list[Any]:
    """One value from each inherited helper, in a fixed order."""
    deck = list(range(10))
    rng.shuffle(deck)
    return [
        rng.random(),
        rng.randint(1, 6),
        rng.randrange(0, 1000, 7),
        rng.choice("abcdef"),
        deck,
        rng.sample(range(100), 5),
        rng.uniform(-1.0, 1.0),
        rng.gauss(0.0, 1.0),
        rng.getrandbits(130),
        rng.randbytes(5),
    ]


def test_matches_the_splitmix64_reference_output() -> None:
    rng = SeededRandom(1234567)
    assert rng.getrandbits(64) == 6457827717110365317
    assert rng.getrandbits(64) == 3203168211198807973


def test_same_seed_gives_the_same_sequence() -> None:
    assert draws(SeededRandom(42)) == draws(SeededRandom(42))


def test_different_seeds_give_different_sequences() -> None:
    assert draws(SeededRandom(1)) != draws(SeededRandom(2))


def test_restoring_from_state_continues_the_identical_sequence() -> None:
    rng = SeededRandom(7)
    draws(rng)
    saved = rng.state
    expected = draws(rng)
    assert draws(SeededRandom.from_state(saved)) == expected


def test_state_is_one_64_bit_int_that_changes_with_each_draw() -> None:
    rng = SeededRandom(7)
    before = rng.state
    rng.random()
    assert isinstance(rng.state, int)
    assert 0 <= rng.state < 2**64
    assert rng.state != before


def test_getstate_setstate_round_trip() -> None:
    rng = SeededRandom(3)
    saved = rng.getstate()
    first = draws(rng)
    rng.setstate(saved)
    assert draws(rng) == first


@pytest.mark.parametrize("bad", [(-1,), (2**64,), ("x",), (1, 2)])
def test_setstate_rejects_foreign_states(bad: tuple[Any, ...]) -> None:
    with pytest.raises(ValueError):
        SeededRandom(0).setstate(bad)


def test_seed_resets_the_sequence() -> None:
    rng = SeededRandom(5)
    first = draws(rng)
    rng.seed(5)
    assert draws(rng) == first


def test_seeds_are_taken_modulo_2_to_the_64() -> None:
    assert SeededRandom(2**64 + 5).state == SeededRandom(5).state
    assert SeededRandom(-1).state == 2**64 - 1


@pytest.mark.parametrize("seed", [None, 1.5, "seed", b"seed"])
def test_only_int_seeds_are_accepted(seed: Any) -> None:
    with pytest.raises(TypeError, match="int seed"):
        SeededRandom(seed)


def test_getrandbits_gives_exactly_k_bits() -> None:
    rng = SeededRandom(9)
    assert rng.getrandbits(0) == 0
    assert all(rng.getrandbits(k) < 2**k for k in (1, 7, 63, 64, 65, 200) for _ in range(50))
    assert max(rng.getrandbits(3) for _ in range(200)) == 7
    with pytest.raises(ValueError):
        rng.getrandbits(-1)


def test_random_stays_in_the_unit_interval() -> None:
    rng = SeededRandom(11)
    values = [rng.random() for _ in range(2000)]
    assert all(0.0 <= value < 1.0 for value in values)
    assert 0.45 < sum(values) / len(values) < 0.55


def test_copies_and_pickles_keep_the_state() -> None:
    rng = SeededRandom(13)
    rng.random()
    for clone in (copy.deepcopy(rng), pickle.loads(pickle.dumps(rng))):
        assert isinstance(clone, SeededRandom)
        assert draws(clone) == draws(SeededRandom.from_state(rng.state))
