"""A room from the lobby to a win: invite link, ready, start, tic-tac-toe; a lobby watches live."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_kit import (
    Players,
    cell,
    create_room,
    match_id_of,
    place,
    room_card,
    screenshot,
    seat_of,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_two_players_play_a_room_match_while_a_third_watches_the_lobby(players: Players) -> None:
    watcher = players.signed_in("Wes", emoji=3, color=4)
    watcher.evaluate("window.__samePage = true")
    ann = players.signed_in("Ann", emoji=0, color=0)

    ann.get_by_test_id("create-room-open").click()
    expect(watcher.get_by_test_id("drafts")).to_contain_text("Ann is creating a room…")
    code = create_room(ann, "Friday night")
    expect(watcher.get_by_test_id("draft")).to_have_count(0)
    card = room_card(watcher, code)
    expect(card.get_by_test_id("room-name")).to_have_text("Friday night")
    expect(card.get_by_test_id("room-status")).to_have_text("open")
    expect(card.get_by_test_id("room-seats")).to_have_text("1/2")
    screenshot(watcher, "lobby")

    invite = ann.get_by_test_id("invite-link").input_value()
    assert invite.endswith(f"/rooms/{code}/")

    # Ben opens the invite link on a phone, picks a name, and lands in the room.
    ben = players.page(phone=True)
    ben.goto(invite)
    expect(ben).to_have_url(re.compile(r"/\?next="))
    ben.get_by_test_id("name-input").fill("Ben")
    ben.get_by_test_id("emoji-option").nth(1).click()
    expect(ben.get_by_test_id("name-preview")).to_have_text("Hi, Ben!")
    screenshot(ben, "landing")
    sign_in(ben, "Ben", emoji=1, color=5)
    expect(ben).to_have_url(re.compile(rf"/rooms/{code}/$"))
    expect(ben.get_by_test_id("seat")).to_have_count(2)
    expect(card.get_by_test_id("room-status")).to_have_text("full")
    expect(card.get_by_test_id("room-seats")).to_have_text("2/2")

    # The owner has the crown and the controls; the guest has neither.
    expect(ann.get_by_test_id("seat")).to_have_count(2)
    owner_seat = ann.locator('[data-testid="seat"]', has_text="Ann")
    expect(owner_seat.get_by_test_id("owner-crown")).to_be_visible()
    expect(ann.get_by_test_id("owner-controls")).to_be_visible()
    expect(ben.get_by_test_id("owner-controls")).to_be_hidden()

    ann.get_by_test_id("room-chat-input").fill("ready when you are")
    ann.get_by_test_id("room-chat-send").click()
    expect(ben.get_by_test_id("room-chat-log")).to_contain_text("Ann: ready when you are")

    start = ann.get_by_test_id("start-button")
    expect(start).to_be_disabled()
    ben.get_by_test_id("ready-button").click()
    ben_seat = ann.locator('[data-testid="seat"]', has_text="Ben")
    expect(ben_seat.get_by_test_id("ready-mark")).to_be_visible()
    expect(start).to_be_disabled()
    ann.get_by_test_id("ready-button").click()
    expect(start).to_be_enabled()
    screenshot(ann, "room")
    start.click()

    # Both move to the match without a reload of the room page; the lobby sees "playing".
    match_id = match_id_of(ann)
    assert match_id_of(ben) == match_id
    expect(ann).to_have_url(re.compile(rf"/matches/{match_id}/\?room={code}$"))
    expect(card.get_by_test_id("room-status")).to_have_text("playing")
    assert watcher.evaluate("window.__samePage") is True

    # Wes, not seated, can watch.
    spectator = watcher.context.new_page()
    players.watch(spectator)
    spectator.goto(f"/matches/{match_id}/")
    expect(spectator.get_by_test_id("turn-text")).to_contain_text("Watching")

    pages = {seat_of(ann): ann, seat_of(ben): ben}
    assert sorted(pages) == [0, 1]
    x, o = pages[0], pages[1]
    expect(o.get_by_test_id("turn-text")).to_have_text(re.compile(r"'s turn$"))
    screenshot(x, "match")
    for index, mover, other in [(0, x, o), (3, o, x), (1, x, o), (4, o, x)]:
        place(mover, index)
        # The move arrives on the other board, animated in.
        expect(cell(other, index)).to_have_attribute("data-mark", "X" if mover is x else "O")
        expect(cell(other, index)).to_have_class(re.compile(r"\bfresh\b"))
    place(x, 2)
    expect(cell(spectator, 2)).to_have_attribute("data-mark", "X")

    expect(x.get_by_test_id("result-text")).to_have_text("You won! 🎉")
    winner = "Ann" if x is ann else "Ben"
    expect(o.get_by_test_id("result-text")).to_have_text(f"{winner} won")
    for index in (0, 1, 2):
        expect(cell(o, index)).to_have_class(re.compile(r"\bwin\b"))
    screenshot(x, "result")

    # Rematch takes both back to the room, which is open again.
    expect(x.get_by_test_id("rematch")).to_have_attribute("href", f"/rooms/{code}/")
    x.get_by_test_id("rematch").click()
    expect(x).to_have_url(re.compile(rf"/rooms/{code}/$"))
    expect(x.get_by_test_id("seat")).to_have_count(2)
    expect(x.get_by_test_id("ready-button")).to_be_enabled()
    expect(x.get_by_test_id("ready-button")).to_have_text("I'm ready")
    expect(card.get_by_test_id("room-status")).to_have_text("full")
    assert watcher.evaluate("window.__samePage") is True
