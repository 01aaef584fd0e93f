"""Gauges read from a Runtime when `/metrics` is scraped; nothing is kept up to date per event.

Sockets, rooms, matches and bots are this process's: what its own sockets are attached to (a
room or match with sockets on two processes counts on both). Queue lengths are the store's, the
same on every process.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from prometheus_client.core import GaugeMetricFamily, Metric

from gamerooms.engine import GameRegistry
from gamerooms.rooms.keys import SOCKET_KINDS, match_key, parse_topic
from gamerooms.rooms.live import ACTIVE, FINISHED, PAUSED, glance
from gamerooms.runtime import Runtime

MATCH_STATUSES = (ACTIVE, PAUSED, FINISHED)


async def runtime_gauges(runtime: Runtime) -> list[Metric]:
    """Every gauge of this runtime, as read now."""
    attached = runtime.fanout.local_counts()
    return [
        *_socket_gauges(attached),
        *await _match_gauges(runtime, attached),
        await _queue_gauge(runtime),
    ]


def _socket_gauges(attached: dict[str, int]) -> list[Metric]:
    sockets: Counter[str] = Counter()
    rooms = 0
    for topic, count in attached.items():
        kind, _ = parse_topic(topic)
        sockets[kind] += count
        if kind == "room":
            rooms += 1
    by_kind = GaugeMetricFamily(
        "gamerooms_sockets", "Game sockets open on this process, by kind.", labels=["kind"]
    )
    for kind in SOCKET_KINDS:
        by_kind.add_metric([kind], sockets[kind])
    room_gauge = GaugeMetricFamily(
        "gamerooms_rooms", "Rooms with a socket open on this process.", value=rooms
    )
    return [by_kind, room_gauge]


async def _match_gauges(runtime: Runtime, attached: dict[str, int]) -> list[Metric]:
    ids = [subject for kind, subject in map(parse_topic, attached) if kind == "match"]
    found = await runtime.store.load_many([match_key(match_id) for match_id in ids])
    statuses: Counter[str] = Counter()
    bots = 0
    for stored in found:
        if stored is None:
            continue
        match = glance(stored[1])
        statuses[match.status] += 1
        bots += 0 if match.status == FINISHED else match.bots
    matches = GaugeMetricFamily(
        "gamerooms_matches",
        "Matches with a socket open on this process, by status.",
        labels=["status"],
    )
    for status in MATCH_STATUSES:
        matches.add_metric([status], statuses[status])
    seated = GaugeMetricFamily(
        "gamerooms_bots_seated",
        "Seats bots hold in the unfinished matches of gamerooms_matches.",
        value=bots,
    )
    return [matches, seated]


async def _queue_gauge(runtime: Runtime) -> Metric:
    queues = _queues(runtime.games)
    lengths = await asyncio.gather(*(runtime.queue.queued(name, size) for name, size in queues))
    gauge = GaugeMetricFamily(
        "gamerooms_queue_players",
        "Players waiting in the matchmaking queue, by game and match size (the store's count).",
        labels=["game", "players"],
    )
    for (name, size), length in zip(queues, lengths, strict=True):
        gauge.add_metric([name, str(size)], length)
    return gauge


def _queues(games: GameRegistry) -> list[tuple[str, int]]:
    """Every queue a player may join: each game, with each match size it is played by."""
    queues: list[tuple[str, int]] = []
    for name in games.names():
        rules = games.get(name)
        queues += [(name, size) for size in range(rules.min_players, rules.max_players + 1)]
    return queues
