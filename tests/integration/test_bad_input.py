"""Every bad input on a match socket (docs/protocol.md) gets an `error` to its sender only.

For each case: the sender gets one `error` with the right code (echoing the request `id` when the
frame had a usable one, naming the field for `bad_message`), the other player gets nothing (a chat
barrier), the match version and board do not change (a fresh socket's match.state), and the
offending socket stays open and usable (it sends the barrier chat).

The cases share two matches per backend: one in play (seat 0 took cell 4; version 1, seat 1 to
move) and one that seat 0 has won.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio

from gamerooms.testing import Guest, ServerProcess
from tests.integration.conftest import guests
from tests.integration.kit import (
    assert_error,
    barrier,
    close_all,
    dumps,
    fresh_state,
    join,
    join_all,
    next_frame,
    play_out,
    tictactoe,
)


@dataclass(frozen=True)
class Table:
    """A match on a server and its players, by seat."""

    server: ServerProcess
    match_id: str
    players: list[Guest]


async def table_after(server: ServerProcess, cells: list[int]) -> Table:
    """A new tic-tac-toe match after these moves (seat 0 first)."""
    players = guests(server, 2)
    match_id = server.create_match("tictactoe", players)
    clients = await join_all([server], match_id, players)
    for index, cell in enumerate(cells):
        reply = await clients[index % 2].request(
            "match.action", action="place", data={"cell": cell}
        )
        assert reply["type"] == "match.update" and reply["version"] == index + 1, reply
    await close_all(clients)
    return Table(server, match_id, players)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def in_play(server: ServerProcess) -> AsyncIterator[Table]:
    """Seat 0 took the centre: version 1, seat 1 to move."""
    table = await table_after(server, [4])
    yield table
    await play_out(server, table.match_id, table.players)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def won(server: ServerProcess) -> AsyncIterator[Table]:
    """Seat 0 won along the top row: version 5, finished."""
    yield await table_after(server, [0, 3, 1, 4, 2])


async def assert_refused(
    table: Table,
    seat: int,
    frame: str | bytes,
    code: str,
    request_id: str | int | None = None,
    field: str | None = None,
    text: bool | None = None,
) -> None:
    """Send `frame` from `seat` (bytes as a text frame if `text`); it must be refused with
    `code` and change nothing."""
    server, match_id, players = table.server, table.match_id, table.players
    clients, states = [], []
    for player in players:
        client, state = await join(server, match_id, player)
        clients.append(client)
        states.append(state)
    sender, other = clients[seat], clients[1 - seat]
    try:
        await sender.send_raw(frame, text=text)
        assert_error(await next_frame(sender), code, request_id, field)
        await barrier(sender, [other])
        after = await fresh_state(server, match_id, players[1 - seat])
        before = states[1 - seat]
        for key in ("version", "state", "turn", "status", "result"):
            assert after[key] == before[key], (key, before, after)
    finally:
        await close_all(clients)


def action(**fields: Any) -> dict[str, Any]:
    """A match.action body."""
    return {"type": "match.action", **fields}


ENVELOPE = [
    pytest.param('{"type": "match.chat", "text": ', "bad_json", None, id="invalid-json"),
    pytest.param('{"type": "match.chat"} trailing', "bad_json", None, id="json-then-garbage"),
    pytest.param("", "bad_json", None, id="empty-text-frame"),
    pytest.param('[{"type": "match.chat", "text": "hi"}]', "bad_json", None, id="json-array"),
    pytest.param('"match.chat"', "bad_json", None, id="json-string"),
    pytest.param("42", "bad_json", None, id="json-number"),
    pytest.param("null", "bad_json", None, id="json-null"),
    pytest.param(b'{"type": "match.chat", "text": "hi"}', "bad_json", None, id="binary-json"),
    pytest.param(b"\x00\xff\x10", "bad_json", None, id="binary-garbage"),
    pytest.param(dumps({"id": "m1", "text": "hi"}), "unknown_type", "m1", id="missing-type"),
    pytest.param(dumps({"id": 7, "type": 5}), "unknown_type", 7, id="type-not-a-string"),
    pytest.param(dumps({"id": "u1", "type": "match.dance"}), "unknown_type", "u1", id="unknown"),
    pytest.param(
        dumps({"id": 11, "type": "room.ready", "ready": True}),
        "unknown_type",
        11,
        id="room-ready-on-match-socket",
    ),
    pytest.param(
        dumps({"id": "q", "type": "queue.cancel"}),
        "unknown_type",
        "q",
        id="queue-cancel-on-match-socket",
    ),
]


@pytest.mark.parametrize(("frame", "code", "request_id"), ENVELOPE)
async def test_malformed_frame_is_refused(
    in_play: Table, frame: str | bytes, code: str, request_id: str | int | None
) -> None:
    await assert_refused(in_play, 1, frame, code, request_id)


NOT_UTF8 = [
    pytest.param(b'{"type": "match.chat", "text": "\xff"}', id="invalid-byte"),
    pytest.param(b'{"type": "match.chat", "text": "\xc3"}', id="truncated-sequence"),
    pytest.param(b'{"type": "match.chat", "text": "\xc0\xaf"}', id="overlong-encoding"),
    pytest.param(b'{"type": "match.chat", "text": "\xed\xa0\x80"}', id="encoded-surrogate"),
    pytest.param(b'{"type": "match.chat", "id": "u8", "text": "hi"}\x80', id="after-the-json"),
]


@pytest.mark.parametrize("frame", NOT_UTF8)
async def test_text_frame_that_is_not_utf8_is_bad_json(in_play: Table, frame: bytes) -> None:
    """A text frame whose bytes are not UTF-8 is answered like any unreadable frame, and the
    socket stays open (not closed 1007 by the transport)."""
    await assert_refused(in_play, 1, frame, "bad_json", text=True)


BIG_IDS = [
    pytest.param(str(2**64), id="2**64"),
    pytest.param(str(2**63), id="2**63"),
    pytest.param(str(-(2**63) - 1), id="-2**63-1"),
    pytest.param("1" + "0" * 30, id="31-digits"),
    pytest.param("1.0", id="float"),
    pytest.param("true", id="boolean"),
    pytest.param('{"n": 1}', id="object"),
]


@pytest.mark.parametrize("request_id", BIG_IDS)
async def test_id_that_is_not_a_string_or_int64_is_named(in_play: Table, request_id: str) -> None:
    """The `id` must be a string or an integer from -2**63 to 2**63-1; any other is refused
    naming `id`, and not echoed (it could not be)."""
    frame = f'{{"type": "match.chat", "id": {request_id}, "text": "hi"}}'
    await assert_refused(in_play, 1, frame, "bad_message", None, "id")


@pytest.mark.parametrize("request_id", [2**63 - 1, -(2**63), "", "é" * 100])
async def test_id_at_the_bounds_is_echoed(in_play: Table, request_id: str | int) -> None:
    clients = await join_all([in_play.server], in_play.match_id, in_play.players)
    await clients[1].send("match.chat", id=request_id, text="bounds")
    reply = await next_frame(clients[1])
    assert reply["type"] == "match.chat" and reply["id"] == request_id, reply
    await close_all(clients)


FIELDS = [
    pytest.param(action(id="a1", data={"cell": 0}), "action", id="action-missing"),
    pytest.param(action(id="a2", action=5, data={"cell": 0}), "action", id="action-not-a-string"),
    pytest.param(action(id="a3", action="place", data=[0]), "data", id="data-an-array"),
    pytest.param(action(id="a4", action="place", data="cell 0"), "data", id="data-a-string"),
    pytest.param(action(id="a5", action="place", data=None), "data", id="data-null"),
    pytest.param(
        action(id="a6", action="place", data={"cell": 0}, version="1"),
        "version",
        id="version-a-string",
    ),
    pytest.param(
        action(id="a7", action="place", data={"cell": 0}, version=1.5),
        "version",
        id="version-a-float",
    ),
    pytest.param({"type": "match.chat", "id": "c1", "text": ""}, "text", id="chat-empty"),
    pytest.param({"type": "match.chat", "id": "c2", "text": "x" * 501}, "text", id="chat-501"),
    pytest.param({"type": "match.chat", "id": "c3"}, "text", id="chat-text-missing"),
    pytest.param({"type": "match.chat", "id": "c4", "text": 5}, "text", id="chat-text-number"),
]


@pytest.mark.parametrize(("body", "field"), FIELDS)
async def test_missing_or_wrongly_typed_field_is_named(
    in_play: Table, body: dict[str, Any], field: str
) -> None:
    await assert_refused(in_play, 1, dumps(body), "bad_message", body["id"], field)


def deep(levels: int) -> Any:
    """A list nested `levels` deep."""
    value: Any = 0
    for _ in range(levels):
        value = [value]
    return value


def move(request_id: int, data: Any, **fields: Any) -> dict[str, Any]:
    """A `place` action (unless `action` is given) with this data."""
    return action(id=request_id, **{"action": "place", "data": data, **fields})


RULES = [
    pytest.param(0, move(1, {"cell": 0}), "not_your_turn", None, id="seat-0-out-of-turn"),
    pytest.param(1, move(2, {"cell": 4}), "illegal_action", None, id="occupied-cell"),
    pytest.param(1, move(3, {}, action="jump"), "illegal_action", None, id="unknown-action"),
    pytest.param(1, move(4, {"cell": 9}), "bad_message", "cell", id="cell-9"),
    pytest.param(1, move(5, {"cell": -1}), "bad_message", "cell", id="cell-negative"),
    pytest.param(1, move(6, {"cell": "0"}), "bad_message", "cell", id="cell-a-string"),
    pytest.param(1, move(7, {"cell": 1.0}), "bad_message", "cell", id="cell-a-float"),
    pytest.param(1, move(8, {}), "bad_message", "cell", id="cell-missing"),
    pytest.param(1, move(9, {"cell": 0, "x": deep(40)}), "bad_message", "data", id="too-deep"),
    pytest.param(1, move(10, {"cell": 0}, version=0), "stale_version", None, id="version-behind"),
    pytest.param(1, move(11, {"cell": 0}, version=2), "stale_version", None, id="version-ahead"),
    pytest.param(1, move(12, {"cell": 0}, version=-1), "stale_version", None, id="version-minus"),
]


@pytest.mark.parametrize(("seat", "body", "code", "field"), RULES)
async def test_action_refused_by_the_rules(
    in_play: Table, seat: int, body: dict[str, Any], code: str, field: str | None
) -> None:
    await assert_refused(in_play, seat, dumps(body), code, body["id"], field)


@pytest.mark.parametrize("seat", [0, 1])
async def test_action_after_the_end_is_match_over(won: Table, seat: int) -> None:
    body = action(id=f"late-{seat}", action="place", data={"cell": 8})
    await assert_refused(won, seat, dumps(body), "match_over", body["id"])


async def test_current_version_and_extra_fields_are_accepted(server: ServerProcess) -> None:
    """The counterpart of the refusals: a correct version and unknown extra fields are fine."""
    async with tictactoe(server) as (match_id, players):
        clients = await join_all([server], match_id, players)
        body = action(id="ok", action="place", data={"cell": 4, "note": "x"}, version=0, extra=1)
        await clients[0].send_raw(dumps(body))
        reply = await next_frame(clients[0])
        assert reply["type"] == "match.update" and reply["id"] == "ok", reply
        assert reply["version"] == 1 and reply["state"]["board"][4] == 0
        heard = await next_frame(clients[1])
        assert heard["type"] == "match.update" and heard["version"] == 1 and "id" not in heard
        await close_all(clients)


@pytest.mark.parametrize("text", ["x", "x" * 500, "é" * 500], ids=["1-char", "500", "500-accented"])
async def test_chat_of_1_to_500_chars_is_accepted(in_play: Table, text: str) -> None:
    clients = await join_all([in_play.server], in_play.match_id, in_play.players)
    reply = await clients[1].request("match.chat", text=text)
    assert reply["type"] == "match.chat" and reply["text"] == text, reply
    heard = await next_frame(clients[0])
    assert heard["type"] == "match.chat" and heard["text"] == text
    await close_all(clients)
