"""A private room with a password and a turn clock: the password gate, a kick, and the clock."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_kit import Players, room_card

pytestmark = pytest.mark.browser


def test_private_room_password_kick_and_turn_clock(players: Players) -> None:
    ann = players.signed_in("Ann", emoji=2)
    ben = players.signed_in("Ben", emoji=3)

    ann.get_by_test_id("create-room-open").click()
    ann.get_by_test_id("create-game").select_option("tictactoe")
    ann.get_by_test_id("create-name").fill("Secret")
    ann.get_by_test_id("create-private").check()
    ann.get_by_test_id("create-password").fill("sesame")
    ann.get_by_test_id("create-turn").select_option("30")
    ann.get_by_test_id("create-submit").click()
    expect(ann).to_have_url(re.compile(r"/rooms/[A-Z0-9]{6}/$"))
    expect(ann.get_by_test_id("room-status-text")).to_have_text(
        "1/2 seated · private · 🔒 password · 30 s per turn"
    )
    code = ann.get_by_test_id("room-code").inner_text()

    # Private: not in the lobby (which is live: the public room made below shows up).
    expect(ben.get_by_test_id("no-rooms")).to_be_visible()
    cid = players.signed_in("Cid", emoji=4)
    cid.get_by_test_id("create-room-open").click()
    cid.get_by_test_id("create-game").select_option("tictactoe")
    cid.get_by_test_id("create-name").fill("Public")
    cid.get_by_test_id("create-submit").click()
    expect(ben.get_by_test_id("room-card")).to_have_count(1)
    expect(ben.get_by_test_id("room-name")).to_have_text("Public")
    expect(room_card(ben, code)).to_have_count(0)
    ben.get_by_test_id("filter-game").select_option("blackjack")
    expect(ben.get_by_test_id("room-card")).to_have_count(0)
    expect(ben.get_by_test_id("no-rooms")).to_be_visible()
    ben.get_by_test_id("filter-game").select_option("tictactoe")
    expect(ben.get_by_test_id("room-name")).to_have_text("Public")

    # The invite link asks for the password, and says so in words when it is wrong.
    ben.goto(ann.get_by_test_id("invite-link").input_value())
    expect(ben.get_by_test_id("password-gate")).to_be_visible()
    ben.get_by_test_id("password-input").fill("open sesame")
    ben.get_by_test_id("password-submit").click()
    expect(ben.get_by_test_id("password-error")).to_have_text("That password isn't right.")
    ben.get_by_test_id("password-input").fill("sesame")
    ben.get_by_test_id("password-submit").click()
    expect(ben.get_by_test_id("seat")).to_have_count(2)
    expect(ben.get_by_test_id("room-status-text")).to_contain_text("30 s per turn")

    # The owner kicks Ben, who is told why.
    expect(ann.get_by_test_id("seat")).to_have_count(2)
    ann.get_by_test_id("kick-button").click()
    expect(ben.get_by_test_id("room-gone-text")).to_have_text(
        "The owner removed you from this room."
    )
    expect(ann.get_by_test_id("seat")).to_have_count(1)

    # A kick is not a ban: Ben comes back (the page remembers the password) and they play.
    ben.reload()
    expect(ben.get_by_test_id("seat")).to_have_count(2)
    ben.get_by_test_id("ready-button").click()
    ann.get_by_test_id("ready-button").click()
    ann.get_by_test_id("start-button").click()
    for page in (ann, ben):
        expect(page.get_by_test_id("board")).to_be_visible()
        expect(page.get_by_test_id("turn-countdown")).to_have_text(re.compile(r"^0:(30|[12]\d)$"))
