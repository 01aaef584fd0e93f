"""Magnate in the browser, by clicks only: a player against a bot, in the shortest game the
settings allow, until its result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_kit import (
    Players,
    create_room,
    match_view,
    play_by_clicks,
    screenshot,
    seat_of,
    start_alone,
)

pytestmark = pytest.mark.browser

PREFER = ["roll", "buy", "end_turn", "pay_fine", "mortgage", "sell_house", "declare_bankruptcy"]
"""The moves the player makes when they are legal, in this order; building is left alone."""


def test_a_player_plays_magnate_against_a_bot_until_its_result(players: Players) -> None:
    max_ = players.signed_in("Max", emoji=5, color=7)
    max_.get_by_test_id("create-room-open").click()
    max_.get_by_test_id("create-game").select_option("magnate")
    # The game's settings, from its schema: the round limit and the starting money among them.
    rounds = max_.get_by_test_id("create-setting-max_turns")
    expect(rounds).to_have_value("60")
    expect(rounds).to_have_attribute("min", "1")
    expect(max_.get_by_test_id("create-setting-starting_money")).to_have_value("1500")
    create_room(
        max_,
        "Landlords",
        game="magnate",
        seats=2,
        bots=1,
        settings={"max_turns": "2", "starting_money": "800"},
    )
    expect(max_.get_by_test_id("settings-setting-max_turns")).to_have_value("2")
    start_alone(max_)

    # The board comes from the game's static data: 24 squares with names and prices.
    squares = max_.get_by_test_id("square")
    expect(squares).to_have_count(24)
    mill_lane = max_.locator('[data-testid="square"][data-square="1"]')
    expect(mill_lane).to_contain_text("Mill Lane")
    expect(mill_lane).to_contain_text("60")
    expect(max_.get_by_test_id("magnate-board").get_by_test_id("token")).to_have_count(2)
    expect(max_.get_by_test_id("round")).to_have_text("Round 1 of 2")
    expect(max_.get_by_test_id("magnate-player")).to_have_count(2)
    me = seat_of(max_)
    mine = max_.locator(f'[data-testid="magnate-player"][data-seat="{me}"]')
    expect(mine.get_by_test_id("cash")).to_have_text("800")  # Max has not moved yet

    screenshot(max_, "magnate")
    made = play_by_clicks(max_, prefer=PREFER)
    assert made.count("roll") >= 2, made
    expect(match_view(max_)).to_have_attribute("data-status", "finished")
    log = max_.get_by_test_id("event-log")
    expect(
        log.get_by_text(re.compile(r"^Max rolled \d \+ \d(,| and) moved to "))
    ).not_to_have_count(0)
    if "buy" in made:
        # Bought: the square shows its owner, and the log names the property and the price.
        owned = max_.locator(f'[data-testid="square"][data-owner="{me}"]')
        expect(owned).not_to_have_count(0)
        expect(log.get_by_text(re.compile(r"^Max bought .+ for \d+\.$"))).not_to_have_count(0)
    expect(max_.get_by_test_id("dice")).to_have_attribute("data-dice", re.compile(r"^\d,\d$"))
    expect(max_.get_by_test_id("result-reason")).to_have_text(
        re.compile(
            r"^.+ (wins|share the win): (the richest \(worth \d+\) after 2 rounds"
            r"|the last player standing, everyone else went bankrupt)\.$"
        )
    )
    expect(max_.locator('[data-testid="game-view"] [data-action]:not([disabled])')).to_have_count(0)
    screenshot(max_, "magnate-result")
