"""Faults in a match: a reload restores the board; a closed tab pauses the match for the other
player, who gives the seat to a bot and plays on to the end."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_kit import (
    Players,
    cell,
    match_id_of,
    match_view,
    place,
    play_until_finished,
    screenshot,
    seat_of,
)

pytestmark = pytest.mark.browser


def test_reload_restores_the_board_and_a_closed_tab_pauses_the_match(players: Players) -> None:
    eve = players.signed_in("Eve", emoji=6)
    fay = players.signed_in("Fay", emoji=7)
    for page in (eve, fay):
        page.get_by_test_id("play-game").select_option("tictactoe")
        page.get_by_test_id("play-now").click()
    match_id = match_id_of(eve)
    assert match_id_of(fay) == match_id
    pages = {seat_of(eve): eve, seat_of(fay): fay}
    x, o = pages[0], pages[1]

    place(x, 4)
    place(o, 0)
    expect(cell(x, 0)).to_have_attribute("data-mark", "O")

    # A reload in mid-match comes back to the same board, and play goes on.
    x.reload()
    expect(x).to_have_url(re.compile(rf"/matches/{match_id}/$"))
    expect(cell(x, 4)).to_have_attribute("data-mark", "X")
    expect(cell(x, 0)).to_have_attribute("data-mark", "O")
    assert seat_of(x) == 0
    place(x, 8)
    expect(cell(o, 8)).to_have_attribute("data-mark", "X")

    # The network goes away: a banner says so; when it is back the client reconnects by itself.
    banner = x.get_by_test_id("connection-banner")
    expect(banner).to_be_hidden()
    x.context.set_offline(True)
    expect(banner).to_be_visible()
    expect(x.get_by_test_id("connection-text")).to_contain_text("offline")
    x.context.set_offline(False)
    expect(banner).to_be_hidden()
    expect(match_view(x)).to_have_attribute("data-status", "active")
    expect(match_view(o)).to_have_attribute("data-status", "active")
    expect(o.get_by_test_id("away-notice")).to_have_count(0)
    place(o, 2)
    expect(cell(x, 2)).to_have_attribute("data-mark", "O")

    # O closes the tab: after the grace period X is asked what to do.
    o.close()
    dialog = x.get_by_test_id("pause-dialog")
    expect(dialog).to_be_visible()
    expect(x.get_by_test_id("pause-text")).to_contain_text("didn't come back")
    expect(match_view(x)).to_have_attribute("data-status", "paused")
    screenshot(x, "pause")
    x.get_by_test_id("replace-with-bot").click()
    expect(dialog).to_be_hidden()
    expect(x.locator('[data-testid="match-player"][data-seat="1"]')).to_contain_text("bot")
    expect(x.get_by_test_id("match-chat-log")).to_contain_text("took over seat 2")

    play_until_finished(x)
    expect(x.get_by_test_id("result-panel")).to_be_visible()
    expect(x.get_by_test_id("result-text")).not_to_be_empty()
    # A queue match has no room to go back to: the result offers another game instead.
    expect(x.get_by_test_id("rematch")).to_be_hidden()
    expect(x.get_by_test_id("play-again")).to_have_attribute("href", "/lobby/?play=tictactoe")
