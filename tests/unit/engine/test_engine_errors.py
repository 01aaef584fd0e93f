"""Errors carry protocol codes; validation messages name the bad field."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from gamerooms.engine import errors


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.IllegalAction, "illegal_action"),
        (errors.NotYourTurn, "not_your_turn"),
        (errors.MatchOver, "match_over"),
        (errors.StaleVersion, "stale_version"),
        (errors.BadActionData, "bad_message"),
        (errors.SettingsError, "bad_message"),
    ],
)
def test_each_error_has_its_protocol_code(error: type[errors.GameError], code: str) -> None:
    raised = error("why")
    assert isinstance(raised, errors.GameError)
    assert raised.code == code
    assert raised.message == "why"
    assert str(raised) == "why"


class Inner(msgspec.Struct):
    x: int


class Outer(msgspec.Struct):
    cell: int = 0
    inner: Inner | None = None
    cells: list[int] = []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"cell": "a"}, "cell: Expected `int`, got `str`"),
        ({"inner": {"x": "a"}}, "inner.x: Expected `int`, got `str`"),
        ({"inner": {}}, "inner: Object missing required field `x`"),
        ({"cells": [1, "a"]}, "cells[1]: Expected `int`, got `str`"),
        ([1], "data: Expected `object`, got `array`"),
    ],
)
def test_field_message_names_the_field(raw: Any, message: str) -> None:
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.convert(raw, Outer)
    assert errors.field_message(caught.value, "data") == message


def test_field_message_prefixes_the_root_to_a_top_level_index() -> None:
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.convert([1, "a"], list[int])
    assert errors.field_message(caught.value, "data") == "data[1]: Expected `int`, got `str`"
