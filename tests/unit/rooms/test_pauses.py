"""Leave and replace: a lost seat pauses the match; the first remaining person's answer wins."""

from __future__ import annotations

import pytest

from gamerooms.engine import MatchOver
from gamerooms.rooms.errors import MatchPaused, NotAuthorized, Refusal
from gamerooms.rooms.live import ACTIVE, FINISHED, PAUSED
from gamerooms.rooms.pauses import NotPaused
from gamerooms.rooms.rendering import Reply
from tests.unit.rooms.services import (
    BOT_DELAY,
    DECIDE,
    Heard,
    Process,
    advance,
    at,
    bot,
    human,
    process,
    start,
)

ABANDONED = {"winners": [], "scores": None, "reason": "abandoned"}
ENDED = {"winners": [], "scores": None, "reason": "ended"}


@pytest.fixture
def proc() -> Process:
    return process()


async def paused(
    proc: Process, seat: int = 1, game: str = "tictactoe", seats: int = 2
) -> tuple[str, Heard]:
    """A match of `seats` people in which `seat` just left; nothing heard yet."""
    match_id, heard = await start(proc, game, [human(index) for index in range(seats)])
    match = await proc.pauses.lose_seat(match_id, seat, "left")
    assert match.status == PAUSED
    assert heard.take() == [
        {
            "type": "match.paused",
            "seat": seat,
            "reason": "left",
            "options": ["replace_with_bot", "end"],
            "decide_by": at(proc, DECIDE),
        }
    ]
    return match_id, heard


async def test_actions_are_refused_while_paused(proc: Process) -> None:
    match_id, heard = await paused(proc)
    for seat in (0, 1):
        with pytest.raises(MatchPaused) as refused:
            await proc.matches.act(match_id, seat, "place", {"cell": 4})
        assert refused.value.code == "match_paused"
    match = await proc.matches.get(match_id)
    assert match.version == 0 and match.status == PAUSED
    assert heard.frames() == []


async def test_chat_goes_on_while_paused(proc: Process) -> None:
    match_id, heard = await paused(proc)
    await proc.matches.chat(match_id, human(0), "bot please")
    (line,) = heard.take()
    assert line["type"] == "match.chat" and line["text"] == "bot please"


async def test_replace_with_bot_resumes_with_a_bot_that_moves_on_its_turn(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)], {"bot_level": "easy"})
    await proc.matches.act(match_id, 0, "place", {"cell": 4})
    await proc.pauses.lose_seat(match_id, 1, "left")
    heard.take()
    await proc.pauses.replace_with_bot(match_id, 1, 0, Reply("asker", "r1"))
    match = await proc.matches.get(match_id)
    assert match.status == ACTIVE and match.pause is None
    player = match.players[1]
    assert player["bot"] is True and player["level"] == "easy" and player["id"] != human(1)["id"]
    turn = {"seats": [1], "deadline": None}
    resumed = {"type": "match.resumed", "seat": 1, "player": player, "turn": turn}
    waiting = resumed | {"turn": turn | {"actions": []}}
    assert heard.frames("0") == [waiting]
    assert heard.frames("0", token="asker") == [waiting | {"id": "r1"}]
    assert heard.frames("p") == [resumed]
    [bots] = heard.frames("1")
    assert bots["turn"]["actions"] == [
        {"name": "place", "data": {"cell": cell}} for cell in range(9) if cell != 4
    ]
    assert heard.closed("1") == [4011]  # a socket left open for the seat: handed to a bot
    assert heard.closed("0") == heard.closed("p") == []
    heard.take()

    assert await advance(proc, BOT_DELAY) == 1
    (update,) = heard.take()
    assert update["type"] == "match.update" and update["seat"] == 1 and update["version"] == 2
    assert update["turn"]["seats"] == [0]
    assert [entry[1] for entry in proc.journal.log(match_id)] == [0, 1]


async def test_end_finishes_the_match_abandoned(proc: Process) -> None:
    match_id, heard = await paused(proc)
    await proc.pauses.end(match_id, 0, Reply("asker", 9))
    (final,) = heard.frames("1")
    assert final["type"] == "match.update"
    assert final["status"] == FINISHED and final["result"] == ABANDONED
    assert final["turn"] == {"seats": [], "deadline": None, "actions": []}
    assert final["seat"] == 1 and final["events"] == [{"type": "abandoned", "seat": 1}]
    assert heard.frames("0", token="asker")[0]["id"] == 9
    match = await proc.matches.get(match_id)
    assert match.status == FINISHED and match.pause is None
    assert proc.journal.finished[match_id] == (ABANDONED, 0)
    heard.take()
    await advance(proc, DECIDE)
    assert heard.frames() == []  # no bot is put in afterwards


async def test_the_operator_ends_a_paused_match_and_no_bot_is_put_in(proc: Process) -> None:
    match_id, heard = await paused(proc)
    await proc.pauses.end_by_operator(match_id)
    for seat in ("0", "1"):
        (final,) = heard.frames(seat)
        assert final["status"] == FINISHED and final["result"] == ENDED
        assert final["seat"] is None and final["events"] == [{"type": "ended"}]
    assert proc.journal.finished[match_id] == (ENDED, 0)
    heard.take()
    await advance(proc, DECIDE)
    assert heard.frames() == []


async def test_the_operator_ends_an_active_match_and_its_bot_stops(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), bot()])
    await proc.matches.act(match_id, 0, "place", {"cell": 4})
    heard.take()
    await proc.pauses.end_by_operator(match_id)
    (final,) = heard.take()
    assert final["result"] == ENDED and final["version"] == 1
    await advance(proc, BOT_DELAY)
    assert heard.frames() == []
    with pytest.raises(MatchOver):
        await proc.matches.act(match_id, 0, "place", {"cell": 0})


async def test_the_operator_cannot_end_a_finished_match(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)])
    for index, cell in enumerate([0, 3, 1, 4, 2]):
        await proc.matches.act(match_id, index % 2, "place", {"cell": cell})
    heard.take()
    with pytest.raises(MatchOver):
        await proc.pauses.end_by_operator(match_id)
    assert (await proc.matches.get(match_id)).core.result.reason == "win"
    assert heard.frames() == []


async def test_the_first_answer_wins(proc: Process) -> None:
    match_id, heard = await paused(proc, seat=2, game="relay", seats=3)
    await proc.pauses.replace_with_bot(match_id, 2, 0)
    with pytest.raises(NotPaused) as second:
        await proc.pauses.end(match_id, 1)
    assert second.value.code == "illegal_action"
    with pytest.raises(NotPaused):
        await proc.pauses.replace_with_bot(match_id, 2, 1)
    assert heard.types() == ["match.resumed"]
    assert (await proc.matches.get(match_id)).status == ACTIVE


async def test_an_end_then_a_replace_the_end_wins(proc: Process) -> None:
    match_id, heard = await paused(proc)
    await proc.pauses.end(match_id, 0)
    with pytest.raises(NotPaused):
        await proc.pauses.replace_with_bot(match_id, 1, 0)
    with pytest.raises(NotPaused):
        await proc.pauses.end(match_id, 0)
    assert heard.types() == ["match.update"]


async def test_answers_when_nothing_is_paused_are_refused(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)])
    with pytest.raises(NotPaused):
        await proc.pauses.replace_with_bot(match_id, 1, 0)
    with pytest.raises(NotPaused):
        await proc.pauses.end(match_id, 0)
    assert heard.frames() == []


async def test_the_paused_seat_may_not_answer(proc: Process) -> None:
    match_id, heard = await paused(proc)
    with pytest.raises(NotAuthorized):
        await proc.pauses.replace_with_bot(match_id, 1, 1)
    with pytest.raises(NotAuthorized):
        await proc.pauses.end(match_id, 1)
    assert heard.frames() == []
    assert (await proc.matches.get(match_id)).status == PAUSED


async def test_a_bot_seat_may_not_answer(proc: Process) -> None:
    match_id, heard = await start(proc, "relay", [human(0), human(1), bot()])
    await proc.pauses.lose_seat(match_id, 0, "left")
    heard.take()
    with pytest.raises(NotAuthorized):
        await proc.pauses.replace_with_bot(match_id, 0, 2)
    with pytest.raises(NotAuthorized):
        await proc.pauses.end(match_id, 2)
    assert heard.frames() == []
    await proc.pauses.end(match_id, 1)
    assert heard.frames()[0]["result"] == ABANDONED


async def test_only_the_paused_seat_can_be_replaced(proc: Process) -> None:
    match_id, heard = await paused(proc, seat=1, game="relay", seats=3)
    with pytest.raises(Refusal, match="seat"):
        await proc.pauses.replace_with_bot(match_id, 2, 0)
    assert heard.frames() == []
    match = await proc.matches.get(match_id)
    assert match.status == PAUSED and not match.is_bot(2)


async def test_no_answer_by_decide_by_puts_a_bot_in(proc: Process) -> None:
    match_id, heard = await paused(proc)
    assert await advance(proc, DECIDE - 1) == 0
    assert await advance(proc, 1) == 1
    (resumed,) = heard.take()
    match = await proc.matches.get(match_id)
    legal = [] if 0 not in match.turn_seats() else match.game.legal_actions(match.core.data, 0)
    assert resumed == {
        "type": "match.resumed",
        "seat": 1,
        "player": match.players[1],
        "turn": {
            "seats": match.turn_seats(),
            "deadline": None,
            "actions": [{"name": action.name, "data": action.data} for action in legal],
        },
    }
    assert match.is_bot(1) and match.players[1]["level"] == "random"
    assert match.status == ACTIVE


async def test_a_refused_answer_does_not_stop_the_decision_timer(proc: Process) -> None:
    match_id, heard = await paused(proc)
    with pytest.raises(NotAuthorized):
        await proc.pauses.end(match_id, 1)
    with pytest.raises(Refusal):
        await proc.pauses.replace_with_bot(match_id, 0, 0)
    await advance(proc, DECIDE)
    assert heard.types() == ["match.resumed"]
    assert (await proc.matches.get(match_id)).is_bot(1)


async def test_an_answer_stops_the_decision_timer(proc: Process) -> None:
    match_id, heard = await paused(proc)
    await proc.pauses.replace_with_bot(match_id, 1, 0)
    heard.take()
    await advance(proc, DECIDE)
    assert heard.frames() == []


async def test_losing_the_only_person_ends_the_match(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), bot()])
    match = await proc.pauses.lose_seat(match_id, 0, "left")
    assert match.status == FINISHED and match.core.result is not None
    (final,) = heard.take()
    assert final["type"] == "match.update" and final["result"] == ABANDONED
    assert "match.paused" not in heard.types()
    await advance(proc, DECIDE + BOT_DELAY)
    assert heard.frames() == []


async def test_the_last_person_leaving_a_paused_match_ends_it(proc: Process) -> None:
    match_id, heard = await paused(proc, seat=0)
    match = await proc.pauses.lose_seat(match_id, 1, "left")
    assert match.status == FINISHED
    (final,) = heard.take()
    assert final["type"] == "match.update" and final["result"] == ABANDONED
    await advance(proc, DECIDE)
    assert heard.frames() == []


async def test_losing_a_seat_of_a_finished_match_changes_nothing(proc: Process) -> None:
    match_id, heard = await start(proc, "tictactoe", [human(0), human(1)])
    for index, cell in enumerate([0, 3, 1, 4, 2]):
        await proc.matches.act(match_id, index % 2, "place", {"cell": cell})
    heard.take()
    match = await proc.pauses.lose_seat(match_id, 1, "left")
    assert match.status == FINISHED and match.core.result is not None
    assert match.core.result.reason == "win"
    assert heard.frames() == []


async def test_a_seat_lost_during_a_pause_is_decided_on_next(proc: Process) -> None:
    match_id, heard = await paused(proc, seat=1, game="relay", seats=3)
    after = await proc.pauses.lose_seat(match_id, 2, "left")
    assert after.status == PAUSED and after.pause is not None and after.pause.seat == 1
    assert [pause.seat for pause in after.lost] == [2]
    assert heard.take() == []
    await proc.pauses.replace_with_bot(match_id, 1, 0)
    assert heard.types() == ["match.resumed", "match.paused"]
    match = await proc.matches.get(match_id)
    assert match.is_bot(1) and match.status == PAUSED
    assert match.pause is not None and match.pause.seat == 2 and match.lost == []
    assert await advance(proc, DECIDE) == 1
    match = await proc.matches.get(match_id)
    assert match.is_bot(2) and match.status == ACTIVE


async def test_the_last_person_left_while_others_wait_ends_the_match(proc: Process) -> None:
    match_id, _ = await paused(proc, seat=1, game="relay", seats=3)
    await proc.pauses.lose_seat(match_id, 2, "left")
    after = await proc.pauses.lose_seat(match_id, 0, "left")
    assert after.status == FINISHED and after.core.result is not None
    assert after.core.result.to_dict() == ABANDONED
