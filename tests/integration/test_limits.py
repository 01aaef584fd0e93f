"""Frame limits on a real match socket (docs/protocol.md, default config).

- Size: at most 65,536 bytes of UTF-8 per frame; a bigger one, up to four times that, gets
  `too_large` and is not read. The fourth oversized frame on a socket (more than 3 strikes) is
  answered, then closed 4008. Anything bigger is closed 1009 by the transport from its header.
- Rate: a token bucket of 20 frames/s with a burst of 40. A frame over the allowance gets
  `rate_limited`; more than a second's allowance (20) of refusals in a row closes 4008.
- Never silently: every frame gets its reply or an error, which the tests count.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
import websockets

from gamerooms.testing import GameClient, Guest, ServerProcess
from tests.integration.kit import (
    PRESENCE,
    assert_error,
    barrier,
    close_all,
    dumps,
    frames_until_close,
    join_all,
    next_frame,
    tictactoe,
)

MAX_FRAME = 64 * 1024
HARD_CAP = 4 * MAX_FRAME
RATE = 20
BURST = 40
STRIKES = 3


Table = tuple[ServerProcess, str, list[Guest]]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def table(server: ServerProcess) -> AsyncIterator[Table]:
    """One match per backend for these tests: they only chat, so they can share it."""
    async with tictactoe(server) as (match_id, players):
        yield server, match_id, players


async def sit(table: Table) -> list[GameClient]:
    """Both players connected to the shared match."""
    server, match_id, players = table
    return await join_all([server], match_id, players)


def chat_of_size(size: int, request_id: Any = None, char: str = "x") -> str:
    """A valid match.chat frame of exactly `size` bytes of UTF-8 (padded in an unknown field)."""
    body = {"type": "match.chat", "text": "padded", "pad": ""}
    if request_id is not None:
        body["id"] = request_id
    base = len(dumps(body).encode())
    width = len(char.encode())
    assert (size - base) % width == 0
    frame = dumps({**body, "pad": char * ((size - base) // width)})
    assert len(frame.encode()) == size
    return frame


async def send_all(client: GameClient, frames: list[str]) -> int:
    """Send every frame without awaiting replies; how many went out before the server closed."""
    sent = 0
    for frame in frames:
        try:
            await client.send_raw(frame)
        except Exception:
            break
        sent += 1
    return sent


async def refill() -> None:
    """Let the bucket refill: at 20 frames/s, 0.25 s gives back at least 5 frames."""
    await asyncio.sleep(5 / RATE)


async def test_frame_at_the_limit_is_accepted(table: Table) -> None:
    clients = await sit(table)
    await clients[0].send_raw(chat_of_size(MAX_FRAME, "max"))
    reply = await next_frame(clients[0])
    assert reply["type"] == "match.chat" and reply["id"] == "max", reply
    assert (await next_frame(clients[1]))["type"] == "match.chat"
    await close_all(clients)


async def test_frame_over_the_limit_is_too_large_and_socket_stays_usable(table: Table) -> None:
    clients = await sit(table)
    await clients[0].send_raw(chat_of_size(MAX_FRAME + 1, "big"))
    assert_error(await next_frame(clients[0]), "too_large")
    await barrier(clients[0], [clients[1]])
    await close_all(clients)


async def test_size_counts_utf8_bytes_not_characters(table: Table) -> None:
    clients = await sit(table)
    frame = chat_of_size(MAX_FRAME + 2, "wide", char="é")
    assert len(frame) <= MAX_FRAME < len(frame.encode())
    await clients[0].send_raw(frame)
    assert_error(await next_frame(clients[0]), "too_large")
    await barrier(clients[0], [clients[1]])
    await close_all(clients)


async def test_oversized_binary_frame_is_too_large(table: Table) -> None:
    clients = await sit(table)
    await clients[0].send_raw(b"\x00" * (MAX_FRAME + 1))
    assert_error(await next_frame(clients[0]), "too_large")
    await barrier(clients[0], [clients[1]])
    await close_all(clients)


async def test_frame_up_to_the_hard_cap_is_too_large_too(table: Table) -> None:
    """A frame up to four times the limit is read and answered `too_large`; the socket stays."""
    sender, other = await sit(table)
    await sender.send_raw(chat_of_size(HARD_CAP, "huge"))
    assert_error(await next_frame(sender), "too_large")
    await barrier(sender, [other])
    await close_all([sender, other])


async def test_frame_over_the_hard_cap_closes_1009(table: Table) -> None:
    """One byte over four times the limit: the transport closes the socket 1009 without an
    answer; the other player's socket is not affected."""
    sender, other = await sit(table)
    await sender.send_raw(chat_of_size(HARD_CAP + 1, "too huge"))
    frames, code = await frames_until_close(sender)
    assert code == 1009 and [m for m in frames if m["type"] not in PRESENCE] == [], frames
    reply = await other.request("match.chat", text="still here")
    assert reply["type"] == "match.chat", reply
    await close_all([sender, other])


def memory_mb(pid: int) -> dict[str, float]:
    """The process's resident set now (VmRSS) and at its peak so far (VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return {key: int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM")}


async def send_until_closed(url: str, frame: str) -> int | None:
    """Open a socket, send `frame` and read until the server closes; the close code."""
    client = await GameClient.connect(url)
    with contextlib.suppress(websockets.ConnectionClosed):
        await client.send_raw(frame)
    return await client.closed()


async def test_huge_frames_are_refused_before_they_are_buffered(table: Table) -> None:
    """20 frames of 8 MiB at once (160 MiB in all): each is closed 1009 from its header, so the
    server's resident memory, and its peak, grow by far less than what was sent."""
    server, _, players = table
    before = memory_mb(server.pid)
    frame = chat_of_size(8 * 1024 * 1024, "flood")
    url = server.ws_url("/ws/lobby/", players[0].access)
    codes = await asyncio.gather(*(send_until_closed(url, frame) for _ in range(20)))
    after = memory_mb(server.pid)
    assert codes == [1009] * 20, codes
    grown = {key: after[key] - before[key] for key in after}
    assert grown["VmHWM"] < 40 and grown["VmRSS"] < 40, (before, after)
    clients = await sit(table)
    await barrier(clients[0], [clients[1]])
    await close_all(clients)


async def test_fourth_oversized_frame_closes_4008(table: Table) -> None:
    clients = await sit(table)
    sender, other = clients
    for _ in range(STRIKES):
        await sender.send_raw(chat_of_size(MAX_FRAME + 1))
        assert_error(await next_frame(sender), "too_large")
    await barrier(sender, [other])  # three strikes: still open and usable

    await sender.send_raw(chat_of_size(MAX_FRAME + 1))
    frames, code = await frames_until_close(sender)
    assert len(frames) == 1, frames
    assert_error(frames[0], "too_large")
    assert code == 4008
    await close_all(clients)


async def read_answers(client: GameClient, count: int) -> tuple[list[Any], int]:
    """Read `count` answers to chats: the ids replied to, and the number of rate_limited errors.
    Any other frame fails the test."""
    replied: list[Any] = []
    refused = 0
    while len(replied) + refused < count:
        message = await next_frame(client)
        if message["type"] == "match.chat" and "id" in message:
            replied.append(message["id"])
        else:
            assert_error(message, "rate_limited", message.get("id"))
            refused += 1
    return replied, refused


async def heard_until_own_chat(client: GameClient) -> list[dict[str, Any]]:
    """Say something; the frames `client` got before its own line came back."""
    request_id = f"own-{uuid.uuid4().hex[:8]}"
    await client.send("match.chat", id=request_id, text="over")
    frames = []
    while (message := await next_frame(client)).get("id") != request_id:
        frames.append(message)
    assert message["type"] == "match.chat", message
    return frames


async def test_burst_over_the_allowance_is_refused_never_dropped(table: Table) -> None:
    """A burst of 60 at once: over the 40 of the bucket, so some are refused, but at most 20 in
    all, so never more than 20 in a row (which would close). Every frame is answered."""
    sender, other = await sit(table)
    count = BURST + RATE
    ids = [f"b{index}" for index in range(count)]
    tag = uuid.uuid4().hex[:6]
    await send_all(sender, [dumps({"type": "match.chat", "id": i, "text": tag}) for i in ids])

    replied, refused = await read_answers(sender, count)
    assert refused >= 1
    assert len(replied) + refused == count
    assert replied == [i for i in ids if i in replied], "replies duplicated or out of order"

    # The other player heard exactly the accepted lines.
    heard = await heard_until_own_chat(other)
    assert [line["text"] for line in heard] == [tag] * len(replied), heard
    assert all(line["type"] == "match.chat" and "id" not in line for line in heard), heard
    assert (await next_frame(sender))["text"] == "over"

    # The sender was not closed; once the bucket refills it is served again.
    await refill()
    await barrier(sender, [other])
    await close_all([sender, other])


async def test_rate_limited_error_echoes_the_request_id(table: Table) -> None:
    """docs/protocol.md: an error carries the request's `id` back ("echo if any")."""
    sender, other = await sit(table)
    await other.close()  # it would not read the lines it hears
    count = BURST + 5
    ids = [f"r{index}" for index in range(count)]
    await send_all(sender, [dumps({"type": "match.chat", "id": i, "text": "hi"}) for i in ids])
    answered: list[Any] = []
    while len(answered) < count:
        message = await next_frame(sender)
        if message["type"] == "error":
            assert message["code"] == "rate_limited", message
        assert message.get("id") in ids, f"answer without the request id: {message}"
        answered.append(message["id"])
    assert sorted(answered) == sorted(ids)
    await sender.close()


async def test_keeping_on_past_the_allowance_closes_4008(table: Table) -> None:
    """200 frames at once: 40 or so are served, then refusals go on past 20 in a row: 4008,
    right after the error of the refusal that tipped it over."""
    sender, other = await sit(table)
    tag = uuid.uuid4().hex[:6]
    frames = [dumps({"type": "match.chat", "id": index, "text": tag}) for index in range(200)]
    await send_all(sender, frames)
    frames_got, code = await frames_until_close(sender)
    assert code == 4008
    answers = [m for m in frames_got if m["type"] not in PRESENCE]
    refused = [m for m in answers if m["type"] == "error"]
    for message in refused:
        assert_error(message, "rate_limited", message.get("id"))
    assert len(refused) > RATE
    assert answers[-1]["type"] == "error", "the frame that tipped it over is answered first"
    served = [m for m in answers if m["type"] != "error"]
    assert all(m["type"] == "match.chat" and m["text"] == tag for m in served), served

    # The other player heard every served line (the sender may miss the echo of the last few,
    # which race its close), and nothing else.
    heard = await heard_until_own_chat(other)
    assert [line["text"] for line in heard] == [tag] * len(heard), heard
    assert len(heard) >= BURST and len(served) <= len(heard)
    await close_all([sender, other])
