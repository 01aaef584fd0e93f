"""Match records and replays over REST, on both backends: a Blackjack match with a bot played
to its end, then replayed as each seat and as strangers. Every step is what that seat's socket
got live at that version, and no step names a card of the shoe, the discards or the hole card
while it was face down (one deck, so every card code is unique; the full table comes from
replaying the server's own journal with the engine). Replays of a match in play are refused.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from gamerooms.engine import MatchState, apply_action, start_match
from gamerooms.games.blackjack import Blackjack
from gamerooms.testing import Guest, ServerProcess
from tests.cards import cards_in
from tests.integration.rooms_kit import api, guest, tuned_server
from tests.integration.test_card_and_board_games import (
    TIMINGS,
    Player,
    assert_shows_only_the_table,
    blackjack_move,
    play_all,
    sit,
    start_room,
    watch,
)

BLACKJACK = Blackjack()
FINISH_SECONDS = 10.0
"""How long the record may take to say finished after the last frame (the journal writes the
result just after the commit that announced it)."""


@pytest.fixture(scope="module", params=["memory", "redis"])
def server(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """A server per backend with short match timers and bots that move at once."""
    with tuned_server(request.param, **TIMINGS) as process:
        yield process


def journaled(server: ServerProcess, match_id: str) -> list[MatchState]:
    """The match at every version, replayed with the engine from the server's own journal."""
    with sqlite3.connect(Path(server.data) / "gamerooms.sqlite3", timeout=20) as database:
        settings, players, seed = database.execute(
            "SELECT settings, players, seed FROM gamerooms_matchrecord WHERE id = ?", [match_id]
        ).fetchone()
        log = database.execute(
            "SELECT seat, name, data FROM gamerooms_actionrecord WHERE match_id = ? "
            "ORDER BY version",
            [match_id],
        ).fetchall()
    match = start_match(BLACKJACK, orjson.loads(settings), len(orjson.loads(players)), seed)
    matches = [match]
    for seat, name, data in log:
        match = apply_action(BLACKJACK, match, seat, name, orjson.loads(data)).match
        matches.append(match)
    return matches


async def record_when_finished(server: ServerProcess, match_id: str) -> dict[str, Any]:
    """The match record, once it says the match is finished."""
    deadline = time.monotonic() + FINISH_SECONDS
    while True:
        status, record = await api(server, "GET", f"/api/matches/{match_id}/")
        assert status == 200, record
        if record["status"] == "finished" or time.monotonic() > deadline:
            return record
        await asyncio.sleep(0.05)


async def replay_as(server: ServerProcess, match_id: str, person: Guest | None) -> dict[str, Any]:
    """The replay as `person` sees it (None: anonymous)."""
    status, replay = await api(server, "GET", f"/api/matches/{match_id}/replay/", person)
    assert status == 200, replay
    return replay


def assert_as_seen_live(replay: dict[str, Any], socket: Player) -> None:
    """Every frame with the state the socket got equals the replay's step of its version."""
    steps = replay["steps"]
    checked = 0
    for frame in socket.frames:
        if frame["type"] not in ("match.state", "match.update"):
            continue
        step = steps[frame["version"]]
        assert step["version"] == frame["version"]
        assert step["state"] == frame["state"], (step, frame)
        assert step["turn"]["seats"] == frame["turn"]["seats"], (step, frame)
        if frame["type"] == "match.update":
            action = {"seat": frame["seat"], **frame["action"]}
            assert (step["action"], step["events"]) == (action, frame["events"]), (step, frame)
        checked += 1
    assert checked > 1


def assert_nothing_hidden(replay: dict[str, Any], truth: list[MatchState]) -> int:
    """No step names a card of the shoe, the discards, or the hole card while face down; the
    steps in which the hole card was face down."""
    face_down = 0
    assert len(replay["steps"]) == len(truth)
    for step, match in zip(replay["steps"], truth, strict=True):
        table = match.data
        assert_shows_only_the_table(step)
        hidden = set(table.shoe) | set(table.discards)
        if table.hole_hidden:
            hidden.add(table.dealer[1])
            face_down += 1
        assert not hidden & set(cards_in(step)), (step, hidden)
    return face_down


async def test_a_blackjack_replay_shows_each_seat_what_it_saw_and_nothing_more(
    server: ServerProcess,
) -> None:
    match_id, persons = await start_room(
        server, "blackjack", 2, 3, target_players=3, bot_level="hard", rounds=2, decks=1
    )
    status, live = await api(server, "GET", f"/api/matches/{match_id}/replay/", persons[0])
    assert (status, live["code"]) == (409, "match_not_finished"), live
    status, record = await api(server, "GET", f"/api/matches/{match_id}/")
    assert status == 200 and record["status"] == "active" and record["result"] is None, record

    spectator = await watch(server, match_id)
    seats = [await sit(server, match_id, person) for person in persons]
    finals = await play_all([*seats, spectator], blackjack_move)
    await asyncio.gather(*(one.client.close() for one in [*seats, spectator]))

    record = await record_when_finished(server, match_id)
    assert record["status"] == "finished" and record["result"] == finals[0]["result"], record
    assert record["version"] == finals[0]["version"] and record["finished_at"], record
    assert record["game"] == "blackjack" and record["settings"]["decks"] == 1, record
    assert [entry["seat"] for entry in record["seats"]] == [0, 1, 2]
    by_seat = {seat.seat: person for seat, person in zip(seats, persons, strict=True)}
    assert {entry["player"]["id"] for entry in record["seats"]} >= {p.id for p in persons}
    assert "seed" not in record  # the seed would tell the whole shoe

    truth = journaled(server, match_id)
    for seat, person in by_seat.items():
        replay = await replay_as(server, match_id, person)
        assert replay["seat"] == seat and replay["result"] == record["result"]
        assert [step["version"] for step in replay["steps"]] == list(range(len(truth)))
        assert replay["steps"][0]["action"] is None and replay["steps"][-1]["turn"]["seats"] == []
        assert_as_seen_live(replay, next(one for one in seats if one.seat == seat))
        assert assert_nothing_hidden(replay, truth) > 0
    for stranger in (guest(server), None):
        replay = await replay_as(server, match_id, stranger)
        assert replay["seat"] is None
        assert_as_seen_live(replay, spectator)
        assert assert_nothing_hidden(replay, truth) > 0


async def test_unknown_matches_are_not_found(server: ServerProcess) -> None:
    for path in ("/api/matches/m0000000000000000/", "/api/matches/m0000000000000000/replay/"):
        status, body = await api(server, "GET", path)
        assert status == 404 and body["code"] == "not_found" and body["message"], body
