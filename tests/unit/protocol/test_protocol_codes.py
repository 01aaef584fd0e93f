"""Error and close codes are exactly those of the protocol."""

from __future__ import annotations

import os
import subprocess
import sys

from gamerooms.protocol.codes import CloseCode, ErrorCode

PROTOCOL_ERROR_CODES = [
    "bad_json",
    "bad_message",
    "unknown_type",
    "not_authorized",
    "not_found",
    "room_full",
    "wrong_password",
    "already_joined",
    "not_owner",
    "not_ready",
    "too_few_players",
    "illegal_action",
    "not_your_turn",
    "stale_version",
    "match_over",
    "match_paused",
    "rate_limited",
    "limit_reached",
    "too_large",
    "unavailable",
]

PROTOCOL_CLOSE_CODES = {
    "LEFT": 4000,
    "MOVED": 4001,
    "UNAUTHORIZED": 4002,
    "FORBIDDEN": 4003,
    "NOT_FOUND": 4004,
    "POLICY": 4008,
    "REPLACED": 4009,
    "KICKED": 4010,
    "HANDED_TO_BOT": 4011,
    "GOING_AWAY": 1001,
    "SERVER_ERROR": 1011,
    "TRY_AGAIN_LATER": 1013,
}
"""The protocol's close codes, plus the standard WebSocket codes 1011 for a server fault and 1013
for a server that lost its store for a while."""


def test_error_codes_are_exactly_the_protocols() -> None:
    assert [code.value for code in ErrorCode] == PROTOCOL_ERROR_CODES


def test_error_code_names_match_values() -> None:
    assert all(code.name == code.value.upper() for code in ErrorCode)


def test_error_codes_are_strings() -> None:
    assert isinstance(ErrorCode.TOO_LARGE, str)
    assert ErrorCode("too_large") is ErrorCode.TOO_LARGE
    assert f"{ErrorCode.BAD_JSON}" == "bad_json"


def test_close_codes_are_the_protocols_and_the_server_fault() -> None:
    assert {code.name: code.value for code in CloseCode} == PROTOCOL_CLOSE_CODES


def test_close_codes_are_ints() -> None:
    assert isinstance(CloseCode.REPLACED, int)
    assert CloseCode(4009) is CloseCode.REPLACED
    assert int(CloseCode.GOING_AWAY) == 1001


def test_protocol_imports_no_framework_or_io() -> None:
    code = (
        "import sys, gamerooms.protocol.codes, gamerooms.protocol.messages, "
        "gamerooms.protocol.frames\n"
        "banned = ('django', 'channels', 'redis', 'asyncio')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in banned))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert out.stdout.strip() == "[]"
