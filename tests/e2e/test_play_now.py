"""Play now: the queue pairs two players; cancelling takes a player out of it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_kit import Players, match_id_of, seat_of

pytestmark = pytest.mark.browser


def test_two_players_who_press_play_now_land_in_the_same_match(players: Players) -> None:
    cat = players.signed_in("Cat", emoji=4)
    dan = players.signed_in("Dan", emoji=5, phone=True)

    # Cat queues, changes her mind, and queues again.
    cat.get_by_test_id("play-game").select_option("tictactoe")
    cat.get_by_test_id("play-now").click()
    expect(cat.get_by_test_id("queue-text")).to_have_text("Waiting for players… 1 of 2 here")
    cat.get_by_test_id("queue-cancel").click()
    expect(cat.get_by_test_id("queue-status")).to_be_hidden()
    expect(cat.get_by_test_id("play-now")).to_be_enabled()
    cat.get_by_test_id("play-now").click()
    expect(cat.get_by_test_id("queue-text")).to_have_text("Waiting for players… 1 of 2 here")

    dan.get_by_test_id("play-game").select_option("tictactoe")
    dan.get_by_test_id("play-now").click()

    match_id = match_id_of(cat)
    assert match_id_of(dan) == match_id
    for page in (cat, dan):
        expect(page).to_have_url(re.compile(rf"/matches/{match_id}/$"))
        expect(page.get_by_test_id("lobby-view")).to_be_hidden()
        expect(page.get_by_test_id("board")).to_be_visible()
        expect(page.get_by_test_id("match-player")).to_have_count(2)
    assert {seat_of(cat), seat_of(dan)} == {0, 1}
    mover = cat if seat_of(cat) == 0 else dan
    expect(mover.get_by_test_id("turn-text")).to_have_text("Your turn")
