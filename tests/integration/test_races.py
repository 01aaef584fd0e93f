"""Races between real concurrent clients on real servers (docs/protocol.md).

Each race runs on one embedded server ("memory") and on two processes sharing one Redis and one
database ("redis"), where the racers alternate between the processes. Every race is repeated in a
loop with fresh rooms (and, except for the big queue crowd, fresh players), and every round must
end the one way the protocol allows: no frame is waited for by sleeping, only with timeouts.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Iterator
from typing import Any

import pytest

from gamerooms.testing import GameClient, Guest
from tests.integration.crowd import (
    Deployment,
    close_all,
    connect,
    create_room,
    deployment,
    new_guests,
    of_type,
    room_summary,
    seated,
    send_unless_closed,
    until,
    until_closed,
)

QUEUE = "/ws/queue/tictactoe/"
FORBIDDEN, MOVED, LEFT = 4003, 4001, 4000
STEP = 0.0005
"""Seconds by which one racer's head start grows from round to round."""


@pytest.fixture(scope="module", params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def deploy(request: pytest.FixtureRequest) -> Iterator[Deployment]:
    """One embedded server, or two processes on one Redis and one data folder."""
    with deployment(request.param) as running:
        yield running


async def later(delay: float, step: Awaitable[None]) -> None:
    """Run `step` after `delay` seconds: racing rounds sweep the offset between two requests, so
    that either may win (the outcome is then read from frames, never from timing)."""
    await asyncio.sleep(delay)
    await step


def room_path(code: str) -> str:
    """The WebSocket path of a room."""
    return f"/ws/rooms/{code}/"


def ids(guests: list[Guest]) -> set[str]:
    """The player ids of these guests."""
    return {guest.id for guest in guests}


def seated_ids(room: dict[str, Any]) -> list[str]:
    """The ids of the players seated in a RoomState, oldest first."""
    return [seat["player"]["id"] for seat in room["players"]]


async def join_outcome(client: GameClient) -> tuple[str, list[dict[str, Any]], int | None]:
    """How a room.join that was sent ended: ("joined", frames, None) or ("refused", frames, the
    close code); frames are everything the socket got up to that point."""
    frames = await until(client, {"room.joined", "error"})
    if frames[-1]["type"] == "room.joined":
        return "joined", frames, None
    after, code = await until_closed(client)
    return "refused", frames + after, code


@pytest.mark.parametrize(
    ("game", "max_players", "seated_before"),
    [
        pytest.param("tictactoe", 2, 1, id="tictactoe-12-for-the-last-seat"),
        pytest.param("counter", 8, 5, id="counter-12-for-the-last-3-seats"),
    ],
)
async def test_twelve_players_race_for_the_last_seats(
    deploy: Deployment, game: str, max_players: int, seated_before: int
) -> None:
    racers, rounds = 12, 5
    free = max_players - seated_before
    per_round = seated_before + racers
    everyone = await new_guests(deploy, per_round * rounds)
    for round_ in range(rounds):
        group = everyone[round_ * per_round : (round_ + 1) * per_round]
        owner, members, crowd = group[0], group[1:seated_before], group[seated_before:]
        code = (await create_room(deploy.server(0), owner, game, max_players))["id"]
        sitting = [await seated(deploy.server(0), code, owner)]
        sitting += [await seated(deploy.server(i + 1), code, m) for i, m in enumerate(members)]
        clients = await asyncio.gather(
            *(connect(deploy.server(i), room_path(code), guest) for i, guest in enumerate(crowd))
        )
        await asyncio.gather(*(client.send("room.join", password=None) for client in clients))
        outcomes = await asyncio.gather(*(join_outcome(client) for client in clients))

        winners = [
            guest for guest, (kind, _, _) in zip(crowd, outcomes, strict=True) if kind == "joined"
        ]
        assert len(winners) == free, (round_, [kind for kind, _, _ in outcomes])
        for guest, (kind, frames, code_) in zip(crowd, outcomes, strict=True):
            if kind == "joined":
                assert [frame["type"] for frame in frames] == ["room.joined"], frames
                assert frames[-1]["you"]["id"] == guest.id, frames[-1]
                continue
            assert code_ == FORBIDDEN, (guest.id, code_, frames)
            assert [frame["type"] for frame in frames] == ["error"], frames
            assert frames[0]["code"] == "room_full", frames

        expected = ids([owner, *members, *winners])
        heard = await until_count(sitting[0], "room.player_joined", len(members) + free)
        assert Counter(frame["player"]["id"] for frame in heard) == Counter(expected - {owner.id})
        final = heard[-1]["room"]
        assert len(seated_ids(final)) == max_players and set(seated_ids(final)) == expected
        assert final["status"] == "full", final
        listed = await room_summary(deploy.server(1), code)
        listed_ids = [player["id"] for player in listed["players"]]
        assert len(listed_ids) == max_players and set(listed_ids) == expected, listed
        await close_all([*sitting, *clients])


async def until_count(client: GameClient, type_: str, count: int) -> list[dict[str, Any]]:
    """The next `count` frames of this type (others skipped)."""
    found: list[dict[str, Any]] = []
    while len(found) < count:
        found += of_type(await until(client, {type_}), type_)
    return found


async def all_ready(clients: list[GameClient]) -> None:
    """Every client says ready; returns once the first one heard that all are."""
    await asyncio.gather(*(client.send("room.ready", ready=True) for client in clients))
    while not (await clients[0].wait_for("room.ready", 30))["all_ready"]:
        pass


async def test_two_starts_at_once_make_one_match(deploy: Deployment) -> None:
    rounds, size = 5, 3
    everyone = await new_guests(deploy, size * rounds)
    for round_ in range(rounds):
        group = everyone[round_ * size : (round_ + 1) * size]
        code = (await create_room(deploy.server(0), group[0], "counter", 4))["id"]
        members = [await seated(deploy.server(i), code, guest) for i, guest in enumerate(group)]
        await all_ready(members)
        owner = members[0]
        await owner.send("room.start", id="first")
        await owner.send("room.start", id="second")
        results = await asyncio.gather(*(until_closed(member) for member in members))

        started = [of_type(frames, "match.started") for frames, _ in results]
        assert all(len(each) == 1 for each in started), (round_, results)
        match_id = started[0][0]["match_id"]
        assert {each[0]["match_id"] for each in started} == {match_id}
        assert [code_ for _, code_ in results] == [MOVED] * size, results
        assert started[0][0].get("id") == "first", started[0]
        refused = of_type(results[0][0], "error")
        assert [error.get("id") for error in refused] in ([], ["second"]), refused

        recorded = deploy.matches_of([group[0].id])
        assert list(recorded) == [match_id], recorded
        assert sorted(recorded[match_id]) == sorted(ids(group))
        assert (await room_summary(deploy.server(1), code))["status"] == "playing"
        watcher = await connect(deploy.server(1), f"/ws/matches/{match_id}/", group[1])
        state = await watcher.expect("match.state")
        assert state["match_id"] == match_id and state["status"] == "active", state
        assert {seat["player"]["id"] for seat in state["players"]} == ids(group)
        await watcher.close()


async def test_a_start_racing_a_join_lets_only_one_win(deploy: Deployment) -> None:
    rounds = 10
    everyone = await new_guests(deploy, 3 * rounds)
    tally: Counter[str] = Counter()
    for round_ in range(rounds):
        owner, member, joiner = everyone[3 * round_ : 3 * round_ + 3]
        code = (await create_room(deploy.server(0), owner, "counter", 3))["id"]
        members = [await seated(deploy.server(0), code, owner)]
        members.append(await seated(deploy.server(1), code, member))
        await all_ready(members)
        late = await connect(deploy.server(1), room_path(code), joiner)
        await asyncio.gather(
            later(round_ * STEP, members[0].send("room.start", id="start")),
            late.send("room.join", password=None),
        )
        kind, frames, close = await join_outcome(late)
        tally[kind] += 1
        if kind == "joined":
            assert [frame["type"] for frame in frames] == ["room.joined"], frames
            reply = await members[0].expect_reply("start")
            assert reply["type"] == "error" and reply["code"] == "not_ready", reply
            assert deploy.matches_of([owner.id]) == {}
            assert (await room_summary(deploy.server(0), code))["status"] == "full"
            await close_all([*members, late])
            continue
        assert close == FORBIDDEN and [frame.get("code") for frame in frames] == ["room_full"]
        results = await asyncio.gather(*(until_closed(client) for client in members))
        match_ids = {
            frame["match_id"] for got, _ in results for frame in of_type(got, "match.started")
        }
        assert [code_ for _, code_ in results] == [MOVED, MOVED], results
        recorded = deploy.matches_of([owner.id])
        assert len(match_ids) == 1 and list(recorded) == list(match_ids), (results, recorded)
        assert sorted(recorded[match_ids.pop()]) == sorted([owner.id, member.id])
    print(f"start vs join on {deploy.kind}: {dict(tally)}")


async def test_two_hundred_players_enter_the_queue_at_once(deploy: Deployment) -> None:
    rounds, crowd_size = 3, 200
    crowd = await new_guests(deploy, crowd_size + 1)
    crowd, probe = crowd[:crowd_size], crowd[crowd_size]
    seen: set[str] = set()
    for round_ in range(rounds):
        clients = await asyncio.gather(
            *(connect(deploy.server(i), QUEUE, guest) for i, guest in enumerate(crowd))
        )
        results = await asyncio.gather(*(until_closed(client, 60) for client in clients))

        pairs: dict[str, set[str]] = {}
        for guest, (frames, code_) in zip(crowd, results, strict=True):
            found = of_type(frames, "match.found")
            assert len(found) == 1 and code_ == MOVED, (round_, guest.id, code_, frames[-3:])
            assert frames[-1] is found[0], frames[-3:]
            pairs.setdefault(found[0]["match_id"], set()).add(guest.id)
        assert len(pairs) == crowd_size // 2, len(pairs)
        assert all(len(players) == 2 for players in pairs.values()), pairs
        assert not seen & set(pairs), "a match id came back"
        recorded = deploy.matches_of([guest.id for guest in crowd])
        assert set(recorded) == seen | set(pairs), set(recorded) ^ (seen | set(pairs))
        for match_id, players in pairs.items():
            assert len(recorded[match_id]) == 2 and set(recorded[match_id]) == players
        seen |= set(pairs)

        lone = await connect(deploy.server(round_), QUEUE, probe)
        waiting = await lone.expect("queue.waiting")
        assert waiting["queued"] == 1, waiting
        await lone.send("queue.cancel")
        frames, code_ = await until_closed(lone)
        assert code_ == LEFT and not of_type(frames, "match.found"), (code_, frames)


async def test_a_cancel_racing_a_match_ends_one_way(deploy: Deployment) -> None:
    rounds = 20
    everyone = await new_guests(deploy, 2 * rounds)
    tally: Counter[str] = Counter()
    for round_ in range(rounds):
        first, second = everyone[2 * round_], everyone[2 * round_ + 1]
        waiter = await connect(deploy.server(0), QUEUE, first)
        assert (await waiter.expect("queue.waiting"))["queued"] == 1
        comer, _ = await asyncio.gather(
            connect(deploy.server(1), QUEUE, second),
            later(round_ * STEP, send_unless_closed(waiter, "queue.cancel")),
        )
        frames, code_ = await until_closed(waiter)
        found = of_type(frames, "match.found")
        if code_ == MOVED:
            tally["matched"] += 1
            assert len(found) == 1 and frames[-1] is found[0], frames
            theirs, their_code = await until_closed(comer)
            assert their_code == MOVED and of_type(theirs, "match.found") == found, theirs
            recorded = deploy.matches_of([first.id])
            assert list(recorded) == [found[0]["match_id"]], recorded
            assert sorted(recorded[found[0]["match_id"]]) == sorted([first.id, second.id])
            continue
        tally["cancelled"] += 1
        assert code_ == LEFT and found == [], (round_, code_, frames)
        heard = await until(comer, {"queue.waiting", "match.found"})
        while heard[-1]["type"] == "queue.waiting" and heard[-1]["queued"] != 1:
            heard += await until(comer, {"queue.waiting", "match.found"})
        assert heard[-1]["type"] == "queue.waiting", heard
        await comer.send("queue.cancel")
        theirs, their_code = await until_closed(comer)
        assert their_code == LEFT and of_type(heard + theirs, "match.found") == [], theirs
        assert deploy.matches_of([first.id, second.id]) == {}
    print(f"cancel vs match on {deploy.kind}: {dict(tally)}")
