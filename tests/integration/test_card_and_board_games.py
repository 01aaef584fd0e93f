"""Blackjack and Magnate on a real server, on both backends: listed with their settings and bot
levels, played to the end in rooms and from the queue by Python clients that choose among the
legal moves of the state rebuilt from their view, with bots, the turn clock, reconnection, and
leave and replace. Then the game of docs/writing-a-game.md, served as the tutorial says.

Blackjack hides the dealer's hole card and the shoe: every frame every socket receives is
checked against what is face up on the table it shows, and every seat's frame must equal the
spectator's (the game shows every seat the public table).

Servers run with short timers; every wait is on a frame, bounded by the client's timeout.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from gamerooms.engine import Action
from gamerooms.games.blackjack import Blackjack
from gamerooms.games.blackjack.cards import is_natural, total
from gamerooms.games.magnate import Magnate
from gamerooms.testing import GameClient, Guest, ServerProcess, running_server
from tests.cards import CARD, cards_in
from tests.integration.kit import (
    PRESENCE,
    assert_error,
    frames_until_close,
    join,
    match_path,
    shared,
)
from tests.integration.rooms_kit import (
    api,
    connect,
    guest,
    open_lobby,
    queue_path,
    ready_and_start,
    seated,
    tuned_server,
)

GRACE = 3.0
DECIDE = 2.0
TIMINGS = {
    "MATCH_GRACE_SECONDS": GRACE,
    "DECIDE_SECONDS": DECIDE,
    "BOT_DELAY_SECONDS": 0,
    "TIMER_POLL_SECONDS": 0.1,
    "RATE_PER_SECOND": 1000,
    "RATE_BURST": 1000,
}
"""Short timers; clients here answer every frame at once, faster than people may send."""
BLACKJACK = Blackjack()
MAGNATE = Magnate()
"""A card code, as blackjack shows cards."""
BLACKJACK_VIEW = {
    "phase",
    "round",
    "settings",
    "seats",
    "active",
    "dealer",
    "shoe",
    "discards",
    "house",
}
"""Every key of blackjack's view of the table: nothing else may appear in it."""
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
"""Where the tutorial's game lives."""
PLAYED = ("match.state", "match.update")
"""Frames that carry the match's state."""

Chooser = Callable[[dict[str, Any], int], Action]
"""A client's way of choosing its move from its view and seat."""


@pytest.fixture(scope="module", params=["memory", "redis"])
def server(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """A server per backend with short match timers and bots that move at once."""
    with tuned_server(request.param, **TIMINGS) as process:
        yield process


# Clients that play


@dataclass
class Player:
    """A socket in a match (a seat, or a spectator when `seat` is None) and every frame it got."""

    client: GameClient
    seat: int | None
    frames: list[dict[str, Any]] = field(default_factory=list)

    @property
    def last(self) -> dict[str, Any]:
        """The last frame that carried the match's state."""
        return next(frame for frame in reversed(self.frames) if frame["type"] in PLAYED)

    async def receive(self) -> dict[str, Any]:
        """The next frame, recorded."""
        frame = await self.client.receive()
        self.frames.append(frame)
        return frame

    async def request(self, type_: str, **fields: Any) -> dict[str, Any]:
        """Send a request; its answer, every frame until then recorded."""
        request_id = f"r{len(self.frames)}"
        await self.client.send(type_, id=request_id, **fields)
        while (frame := await self.receive()).get("id") != request_id:
            pass
        return frame


async def sit(server: ServerProcess, match_id: str, person: Guest) -> Player:
    """A socket in the match for `person`, past its match.state (recorded)."""
    client, state = await join(server, match_id, person)
    return Player(client, state["seat"], [state])


async def watch(server: ServerProcess, match_id: str) -> Player:
    """A spectator's socket in the match, past its match.state (recorded)."""
    client = await connect(server, match_path(match_id), guest(server), "spectate=1")
    state = await client.expect("match.state")
    assert state["seat"] is None, state
    return Player(client, None, [state])


def finished(frame: dict[str, Any]) -> bool:
    """Whether a state-carrying frame shows the match over."""
    return frame["status"] == "finished"


async def play(
    player: Player, choose: Chooser, until: Callable[[dict[str, Any]], bool] = finished
) -> dict[str, Any]:
    """Play the seat until a frame with the state meets `until` (by default: the match is
    finished), acting at most once per version (only `stale_version` may refuse a move, when
    another seat of a simultaneous turn acted first); that frame."""
    assert player.seat is not None
    frame, acted = player.last, -1
    while True:
        if frame["type"] == "error":
            assert frame["code"] == "stale_version", frame
        elif frame["type"] in PLAYED:
            if until(frame) or finished(frame):
                return frame
            version = frame["version"]
            mine = player.seat in frame["turn"]["seats"]
            if frame["status"] == "active" and mine and acted != version:
                move = choose(frame["state"], player.seat)
                await player.client.send(
                    "match.action", action=move.name, data=move.data, version=version
                )
                acted = version
        frame = await player.receive()


async def follow(player: Player) -> dict[str, Any]:
    """Record frames until the match is finished; the final frame."""
    frame = player.last
    while frame["type"] not in PLAYED or not finished(frame):
        frame = await player.receive()
    return frame


async def play_all(players: list[Player], choose: Chooser) -> list[dict[str, Any]]:
    """Every seat plays and every spectator follows, at once, to the end; their final frames."""
    return list(
        await asyncio.gather(
            *(follow(one) if one.seat is None else play(one, choose) for one in players)
        )
    )


def pick(legal: list[Action], *names: str) -> Action:
    """The first legal action named in `names`, by their order."""
    for name in names:
        for candidate in legal:
            if candidate.name == name:
                return candidate
    raise AssertionError(f"none of {names} among {legal}")


def blackjack_move(view: dict[str, Any], seat: int) -> Action:
    """Bet the minimum; split pairs, double on 10 or 11, hit below 15, else stand."""
    table = BLACKJACK.from_view(view, seat)
    legal = BLACKJACK.legal_actions(table, seat)
    if table.phase == "betting":
        return min(legal, key=lambda bet: int(bet.data["amount"]))
    value = total(table.seats[seat].hands[table.hand].cards)[0]
    if value in (10, 11):
        return pick(legal, "split", "double", "hit")
    return pick(legal, "split", "hit" if value < 15 else "stand")


def magnate_move(view: dict[str, Any], seat: int) -> Action:
    """Buy what it can, never build; raise money by selling and mortgaging, else go bankrupt."""
    legal = MAGNATE.legal_actions(MAGNATE.from_view(view, seat), seat)
    return pick(
        legal, "buy", "roll", "end_turn", "decline", "sell_house", "mortgage", "declare_bankruptcy"
    )


async def start_room(
    server: ServerProcess, game: str, people: int, max_players: int, **settings: Any
) -> tuple[str, list[Guest]]:
    """A room of `game` with `people` guests, all ready, started by its owner; the match id."""
    persons = [guest(server) for _ in range(people)]
    _, clients = await seated(
        server, persons, game=game, max_players=max_players, settings=settings
    )
    return await ready_and_start(clients), persons


async def from_queue(server: ServerProcess, game: str, persons: list[Guest], query: str) -> str:
    """Queue every person for `game` (with `query`, e.g. "players=2"); the match they all got."""
    sockets = [await connect(server, queue_path(game), person, query) for person in persons]
    found = set()
    for socket in sockets:
        frames, code = await frames_until_close(socket)
        assert code == 4001 and frames[-1]["type"] == "match.found", frames
        assert {frame["type"] for frame in frames[:-1]} <= {"queue.waiting"}, frames
        found.add(frames[-1]["match_id"])
    (match_id,) = found
    return match_id


ROOM_OPTIONS = {"bot_level", "target_players", "turn_seconds", "max_timeouts", "spectators"}
"""Settings every room has besides its game's own."""


def assert_result(final: dict[str, Any], seats: int, reasons: set[str]) -> None:
    """A finished match's last frame: winners among the seats, a score per seat."""
    assert final["status"] == "finished"
    assert final["turn"]["seats"] == [] and final["turn"]["deadline"] is None
    assert final["turn"].get("actions", []) == []  # absent for a spectator
    result = final["result"]
    assert result["reason"] in reasons, result
    assert result["winners"] and set(result["winners"]) <= set(range(seats)), result
    assert set(result["scores"]) == {str(seat) for seat in range(seats)}, result
    best = max(result["scores"].values())
    assert {int(seat) for seat, score in result["scores"].items() if score == best} == set(
        result["winners"]
    ), result


def is_bot(frame: dict[str, Any], seat: int) -> bool:
    """Whether a match.state shows a bot in this seat."""
    return bool(frame["players"][seat]["player"]["bot"])


# What blackjack may show


def face_up(state: dict[str, Any]) -> list[str]:
    """The cards a blackjack view shows: every hand, and the dealer's cards but the hidden one."""
    hands = [card for seat in state["seats"] for hand in seat["hands"] for card in hand["cards"]]
    return hands + [card for card in state["dealer"]["cards"] if card is not None]


def assert_shows_only_the_table(frame: dict[str, Any]) -> None:
    """A blackjack frame shows the shoe and discards as counts, the hole card as None while the
    seats play, and names no card (in its state, action or events) that is not face up."""
    state = frame["state"]
    assert set(state) == BLACKJACK_VIEW, state
    assert isinstance(state["shoe"], int) and isinstance(state["discards"], int), state
    dealer = state["dealer"]
    if state["phase"] == "playing":
        up, hole = dealer["cards"]
        assert CARD.fullmatch(up) and hole is None, dealer
        assert dealer["total"] == total([up])[0], dealer
    else:
        assert None not in dealer["cards"], dealer
    shown = face_up(state)
    assert Counter(cards_in(state)) == Counter(shown), state
    told = cards_in([frame.get("action"), frame.get("events")])
    assert set(told) <= set(shown), (told, shown)


def assert_hole_card_kept(frames: list[dict[str, Any]]) -> int:
    """Per round: the dealer's up card is the one dealt, its second card is None until the
    update whose `reveal` event names it, and that update shows it; the rounds revealed."""
    up: str | None = None
    revealed = 0
    for frame in frames:
        if frame["type"] not in PLAYED:
            continue
        assert_shows_only_the_table(frame)
        events = frame.get("events", [])
        for event in events:
            if event["type"] == "dealt":
                up = event["dealer"]
        reveals = [event for event in events if event["type"] == "reveal"]
        dealer = frame["state"]["dealer"]["cards"]
        if reveals:
            (reveal,) = reveals
            assert up is not None and dealer[:2] == [up, reveal["card"]], (dealer, reveal)
            assert reveal["total"] == total([up, reveal["card"]])[0], reveal
            if "dealt" not in [event["type"] for event in events]:  # the dealer had peeked
                assert not is_natural([up, reveal["card"]]), reveal
            revealed += 1
            up = None
        elif frame["state"]["phase"] == "playing":
            if frame["type"] == "match.state":
                up = up or dealer[0]
            assert dealer[1] is None and dealer[0] == up, frame
    return revealed


def updates_by_version(player: Player) -> dict[int, dict[str, Any]]:
    """A socket's match.update frames by version, without the request id and own actions."""
    updates = {}
    for frame in player.frames:
        if frame["type"] == "match.update":
            updates[frame["version"]] = shared(frame)
    return updates


def assert_same_updates(players: list[Player]) -> None:
    """Every socket got the same match.update for every version they both got."""
    first, *others = [updates_by_version(player) for player in players]
    for other in others:
        common = set(first) & set(other)
        assert common and {version: first[version] for version in common} == {
            version: other[version] for version in common
        }


# The games in the catalogue


async def test_both_games_are_listed_with_settings_and_bot_levels(server: ServerProcess) -> None:
    status, games = await api(server, "GET", "/api/games/")
    assert status == 200
    listed = {game["name"]: game for game in games}

    blackjack = listed["blackjack"]
    assert blackjack["title"] == "Blackjack"
    assert blackjack["bot_levels"] == ["easy", "medium", "hard"]
    assert (blackjack["min_players"], blackjack["max_players"]) == (1, 7)
    assert blackjack["default_players"] == Blackjack.match_size() == 1
    assert {action["name"] for action in blackjack["actions"]} == {
        "bet",
        "hit",
        "stand",
        "double",
        "split",
    }
    rules = blackjack["settings_schema"]["properties"]
    assert (
        set(rules)
        == {
            "decks",
            "starting_chips",
            "min_bet",
            "max_bet",
            "rounds",
            "dealer_hits_soft_17",
        }
        | ROOM_OPTIONS
    )
    assert rules["decks"] | {"minimum": 1, "maximum": 8, "default": 6} == rules["decks"]
    assert rules["rounds"]["default"] == 5 and rules["dealer_hits_soft_17"]["type"] == "boolean"

    magnate = listed["magnate"]
    assert magnate["title"] == "Magnate" and magnate["bot_levels"] == ["easy", "hard"]
    assert (magnate["min_players"], magnate["max_players"], magnate["default_players"]) == (2, 6, 4)
    assert {"roll", "buy", "build", "mortgage", "end_turn"} <= {
        action["name"] for action in magnate["actions"]
    }
    board = magnate["settings_schema"]["properties"]
    assert set(board) == {"starting_money", "salary", "max_turns", "jail_fine"} | ROOM_OPTIONS
    assert board["max_turns"] | {"minimum": 1, "maximum": 1000, "default": 60} == board["max_turns"]


@pytest.mark.parametrize(
    ("game", "settings", "named"),
    [
        ("blackjack", {"rounds": -1}, "settings.rounds"),
        ("blackjack", {"min_bet": 50, "max_bet": 20}, "max_bet"),
        ("blackjack", {"bot_level": "random"}, "settings.bot_level"),
        ("magnate", {"max_turns": 0}, "settings.max_turns"),
        ("magnate", {"bot_level": "medium"}, "settings.bot_level"),
    ],
)
async def test_rooms_refuse_settings_the_game_does_not_take(
    server: ServerProcess, game: str, settings: dict[str, Any], named: str
) -> None:
    lobby, _ = await open_lobby(server, guest(server))
    reply = await lobby.request(
        "room.create", name="bad", game=game, max_players=2, settings=settings
    )
    assert_error(reply, "bad_message", reply["id"], named)
    await lobby.close()


# Blackjack


async def test_blackjack_room_with_a_bot_hides_the_hole_card_and_the_shoe(
    server: ServerProcess,
) -> None:
    match_id, persons = await start_room(
        server, "blackjack", 2, 3, target_players=3, bot_level="hard", rounds=3
    )
    spectator = await watch(server, match_id)
    seats = [await sit(server, match_id, person) for person in persons]
    (bot,) = {0, 1, 2} - {seat.seat for seat in seats}
    assert is_bot(seats[0].last, bot) and seats[0].last["players"][bot]["player"]["level"] == "hard"

    finals = await play_all([*seats, spectator], blackjack_move)
    for final in finals:
        assert_result(final, 3, {"rounds"})
        assert final["state"]["round"] == 3 and final["state"]["phase"] == "finished"
    assert len({str(final["result"]) for final in finals}) == 1

    for player in [*seats, spectator]:
        assert assert_hole_card_kept(player.frames) >= 1
    public = updates_by_version(spectator)
    assert public and max(public) == finals[0]["version"]
    for seat in seats:
        mine = updates_by_version(seat)
        assert mine == {version: public[version] for version in mine}  # the public table
        assert set(mine) >= {version for version in public if version > seat.frames[0]["version"]}
    acted = {update["seat"] for update in public.values()}
    assert acted == {0, 1, 2}  # the bot played its seat through the same path
    await asyncio.gather(*(player.client.close() for player in [*seats, spectator]))


async def test_blackjack_from_the_queue(server: ServerProcess) -> None:
    alone = guest(server)
    match_id = await from_queue(server, "blackjack", [alone], "")  # default size: one seat
    (seat,) = [await sit(server, match_id, alone)]
    assert len(seat.last["players"]) == 1 and seat.last["state"]["settings"]["rounds"] == 5
    (final,) = await play_all([seat], blackjack_move)
    assert_result(final, 1, {"rounds"})
    assert assert_hole_card_kept(seat.frames) >= 1
    await seat.client.close()

    pair = [guest(server), guest(server)]
    match_id = await from_queue(server, "blackjack", pair, "players=2")
    seats = [await sit(server, match_id, person) for person in pair]
    assert sorted(seat.seat for seat in seats if seat.seat is not None) == [0, 1]
    finals = await play_all(seats, blackjack_move)
    for final, one in zip(finals, seats, strict=True):
        assert_result(final, 2, {"rounds"})
        assert assert_hole_card_kept(one.frames) >= 1
    assert_same_updates(seats)
    await asyncio.gather(*(one.client.close() for one in seats))


async def test_blackjack_turn_clock_bets_for_every_idle_seat(server: ServerProcess) -> None:
    match_id, persons = await start_room(
        server, "blackjack", 2, 2, turn_seconds=1, max_timeouts=3, rounds=2
    )
    seats = [await sit(server, match_id, person) for person in persons]
    assert seats[0].last["turn"]["seats"] == [0, 1] and seats[0].last["turn"]["deadline"]
    for seat in seats:  # nobody bets: when the clock runs out the server bets for both
        while seat.last["version"] < 2:
            assert (await seat.receive())["type"] == "match.update", seat.frames
    clocked = updates_by_version(seats[1]) | updates_by_version(seats[0])
    for update in clocked.values():
        assert update["events"][0] == {"type": "timeout", "seat": update["seat"]}, update
        assert update["action"]["name"] == "bet" and update["events"][1]["type"] == "bet"
    assert sorted(update["seat"] for update in clocked.values()) == [0, 1]
    assert "dealt" in [event["type"] for event in clocked[2]["events"]]

    finals = await play_all(seats, blackjack_move)  # then both play their hands in time
    assert_result(finals[0], 2, {"rounds"})
    assert_same_updates(seats)
    for seat in seats:
        assert assert_hole_card_kept(seat.frames) == 2
        later = [update for version, update in updates_by_version(seat).items() if version > 2]
        assert later and all(update["events"][0]["type"] != "timeout" for update in later)
    await asyncio.gather(*(seat.client.close() for seat in seats))


async def test_blackjack_reconnection_shows_the_same_table(server: ServerProcess) -> None:
    match_id, (person,) = await start_room(
        server, "blackjack", 1, 2, target_players=2, bot_level="medium", rounds=5
    )
    seat = await sit(server, match_id, person)
    assert seat.seat is not None

    def my_hand_is_up(frame: dict[str, Any]) -> bool:
        return frame["state"]["phase"] == "playing" and seat.seat in frame["turn"]["seats"]

    frame = await play(seat, blackjack_move, my_hand_is_up)  # bet, then drop with a hand up
    assert frame["status"] == "active", frame
    await seat.client.close()
    again = await sit(server, match_id, person)
    state = again.last
    assert state["seat"] == seat.seat and state["version"] == frame["version"]
    assert state["state"] == frame["state"] and state["turn"]["seats"] == [seat.seat]
    assert state["state"]["dealer"]["cards"][1] is None
    assert state["players"][seat.seat]["connected"] is True
    (final,) = await play_all([again], blackjack_move)
    assert_result(final, 2, {"rounds"})
    assert assert_hole_card_kept(seat.frames + again.frames) >= 1
    await again.client.close()


# Magnate


async def test_magnate_room_with_bots_plays_to_the_end(server: ServerProcess) -> None:
    match_id, persons = await start_room(
        server, "magnate", 2, 4, target_players=4, bot_level="hard", max_turns=5
    )
    seats = [await sit(server, match_id, person) for person in persons]
    bots = {0, 1, 2, 3} - {seat.seat for seat in seats}
    assert all(is_bot(seats[0].last, bot) for bot in bots) and len(bots) == 2

    finals = await play_all(seats, magnate_move)
    final = finals[0]
    assert finals[1]["version"] == final["version"] and finals[1]["result"] == final["result"]
    assert_result(final, 4, {"turn_limit", "last_standing"})
    assert final["result"]["scores"] == {
        str(index): float(worth) for index, worth in enumerate(final["state"]["net_worth"])
    }
    assert_same_updates(seats)
    acted = {update["seat"] for update in updates_by_version(seats[0]).values()}
    assert acted == {0, 1, 2, 3}  # the bots played their seats through the same path
    await asyncio.gather(*(seat.client.close() for seat in seats))


async def test_magnate_from_the_queue(server: ServerProcess) -> None:
    persons = [guest(server) for _ in range(4)]
    match_id = await from_queue(server, "magnate", persons, "")  # default size: four seats
    seats = [await sit(server, match_id, person) for person in persons]
    assert sorted(seat.seat for seat in seats if seat.seat is not None) == [0, 1, 2, 3]
    assert seats[0].last["state"]["max_turns"] == 60
    finals = await play_all(seats, magnate_move)
    assert_result(finals[0], 4, {"turn_limit", "last_standing"})
    assert len({str(final["result"]) for final in finals}) == 1
    assert_same_updates(seats)
    await asyncio.gather(*(seat.client.close() for seat in seats))


async def test_magnate_leaver_is_replaced_by_a_bot_that_finishes(server: ServerProcess) -> None:
    match_id, persons = await start_room(server, "magnate", 2, 2, bot_level="hard", max_turns=4)
    leaver, stay = [await sit(server, match_id, person) for person in persons]
    assert leaver.seat is not None and stay.seat is not None

    await leaver.client.send("match.leave")
    frames, code = await frames_until_close(leaver.client)
    assert [frame["type"] for frame in frames] == ["match.state"] and code == 4000, frames
    paused = await stay.receive()
    while paused["type"] in PRESENCE:
        paused = await stay.receive()
    assert paused["type"] == "match.paused", paused
    assert paused["seat"] == leaver.seat and paused["reason"] == "left"
    refused = await stay.request("match.action", action="roll", data={})
    assert_error(refused, "match_paused", refused["id"])

    resumed = await stay.request("match.replace_with_bot", seat=leaver.seat)
    assert resumed["type"] == "match.resumed" and resumed["seat"] == leaver.seat, resumed
    assert resumed["player"]["bot"] is True and resumed["player"]["level"] == "hard"
    final = await play(stay, magnate_move)
    assert_result(final, 2, {"turn_limit", "last_standing"})
    if final["result"]["reason"] == "turn_limit":
        assert final["state"]["round"] == 4 + 1
    bot_moves = [
        frame
        for frame in stay.frames
        if frame["type"] == "match.update" and frame["seat"] == leaver.seat
    ]
    assert bot_moves and all("id" not in frame for frame in bot_moves)
    await stay.client.close()

    late = await connect(server, match_path(match_id), persons[0])  # the seat is the bot's now
    refusal, code = await frames_until_close(late)
    assert [frame["type"] for frame in refusal] == ["error"] and code == 4003
    again, state = await join(server, match_id, persons[1])
    assert is_bot(state, leaver.seat) and not is_bot(state, stay.seat)
    assert state["status"] == "finished" and state["result"] == final["result"]
    await again.close()


# The game of docs/writing-a-game.md


@pytest.fixture(scope="module")
def tutorial_server() -> Iterator[ServerProcess]:
    """A server offering the tutorial's game as the tutorial says: GAMEROOMS_GAMES, with
    docs/examples on the Python path."""
    pythonpath = os.pathsep.join(filter(None, [str(EXAMPLES), os.environ.get("PYTHONPATH")]))
    env = {"GAMEROOMS_GAMES": "goofspiel:Goofspiel", "PYTHONPATH": pythonpath}
    env |= {f"GAMEROOMS_{name}": str(value) for name, value in TIMINGS.items()}
    with running_server(env=env) as process:
        yield process


def lowest_card(view: dict[str, Any], seat: int) -> Action:
    """Bid the lowest card of the hand."""
    return Action(name="bid", data={"card": min(view["hands"][seat])})


async def test_the_tutorial_game_plays_on_a_server(tutorial_server: ServerProcess) -> None:
    status, games = await api(tutorial_server, "GET", "/api/games/")
    assert status == 200
    (listed,) = [game for game in games if game["name"] == "goofspiel"]
    assert listed["bot_levels"] == ["random", "easy", "hard"]
    assert [action["name"] for action in listed["actions"]] == ["bid"]

    match_id, (person,) = await start_room(
        tutorial_server, "goofspiel", 1, 2, target_players=2, bot_level="hard", cards=4
    )
    spectator = await watch(tutorial_server, match_id)
    seat = await sit(tutorial_server, match_id, person)
    assert seat.seat is not None and is_bot(seat.last, 1 - seat.seat)
    finals = await play_all([seat, spectator], lowest_card)
    assert_result(finals[0], 2, {"prizes"})
    assert finals[0]["result"] == finals[1]["result"]
    own = seat.seat
    for frame in seat.frames:  # its own sealed bid (its lowest card), never the bot's
        if frame["type"] in PLAYED:
            state = frame["state"]
            sealed = state["sealed"][own] and frame["status"] != "finished"
            assert state["bid"] == (min(state["hands"][own]) if sealed else None), frame
    for frame in spectator.frames:
        if frame["type"] in PLAYED:
            assert frame["state"]["bid"] is None, frame
    for frame in seat.frames + spectator.frames:
        for event in frame.get("events", []):
            assert event["type"] != "bid" or set(event) == {"type", "seat"}, event
    await asyncio.gather(seat.client.close(), spectator.client.close())
