"""The hot path's instruments: refusals counted by code where error frames are built, a sample
of store calls timed, and topics told apart by the kind of socket they serve."""

from __future__ import annotations

import asyncio

import msgspec
from prometheus_client import REGISTRY

from gamerooms.protocol import frames
from gamerooms.protocol.codes import ErrorCode
from gamerooms.rooms.keys import (
    LOBBY_TOPIC,
    SOCKET_KINDS,
    match_topic,
    parse_topic,
    queue_topic,
    room_topic,
)
from gamerooms.rooms.live import ACTIVE, glance
from gamerooms.store.memory import MemoryStore
from gamerooms.store.sampled import SampledStore


def sample(name: str, **labels: str) -> float:
    """A sample's value now (0 while absent)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_every_error_frame_counts_once_by_its_code() -> None:
    before = sample("gamerooms_refusals_total", code="too_large")
    frames.error(ErrorCode.TOO_LARGE, "frame larger than 8 bytes")
    frames.error("too_large", "frame larger than 8 bytes", request_id=3)
    assert sample("gamerooms_refusals_total", code="too_large") == before + 2
    assert sample("gamerooms_refusals_total", code="bad_json") >= 0  # every code is exposed


async def test_a_sampled_store_answers_as_its_store_and_times_a_call_per_interval() -> None:
    store = SampledStore(MemoryStore(), interval=3600)
    timed = sample("gamerooms_store_seconds_count", operation="create")
    assert await store.create("doc", b"one")
    assert not await store.create("doc", b"two")
    assert await store.load("doc") == (0, b"one")
    assert sample("gamerooms_store_seconds_count", operation="create") == timed + 1
    await store.close()


async def test_a_sampled_store_times_again_once_the_interval_has_passed() -> None:
    store = SampledStore(MemoryStore(), interval=0.0)
    timed = sample("gamerooms_store_seconds_count", operation="load")
    assert await store.load("doc") is None
    interval_over = asyncio.Event()
    asyncio.get_running_loop().call_later(0.0, interval_over.set)  # after the store's own
    await interval_over.wait()
    assert await store.load("doc") is None
    assert sample("gamerooms_store_seconds_count", operation="load") == timed + 2


def test_topics_tell_the_kind_of_socket_and_what_they_are_of() -> None:
    assert parse_topic(LOBBY_TOPIC) == ("lobby", "")
    assert parse_topic(room_topic("K7QX2M")) == ("room", "K7QX2M")
    assert parse_topic(match_topic("m0123")) == ("match", "m0123")
    assert parse_topic(queue_topic("tictactoe", 2)) == ("queue", "tictactoe:2")
    kinds = [LOBBY_TOPIC, room_topic("a"), queue_topic("g", 2), match_topic("m")]
    assert tuple(parse_topic(topic)[0] for topic in kinds) == SOCKET_KINDS


def test_a_glance_reads_status_and_bots_without_the_game_state() -> None:
    players = [{"id": "p1"}, {"id": "b1", "bot": True}, {"id": "b2", "bot": True}]
    stored = {"id": "m1", "game": "tictactoe", "players": players, "status": ACTIVE, "core": {}}
    seen = glance(msgspec.json.encode(stored))
    assert (seen.status, seen.bots) == (ACTIVE, 2)
