"""Blackjack in the browser, by clicks only: a player and two bots, to the last round."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_kit import (
    A_MOVE_OR_OVER,
    TIMEOUT_MS,
    Players,
    create_room,
    match_view,
    play_by_clicks,
    screenshot,
    seat_of,
    start_alone,
)

pytestmark = pytest.mark.browser


def test_a_player_plays_blackjack_against_two_bots_to_the_last_round(players: Players) -> None:
    ann = players.signed_in("Ann", emoji=1, color=3)
    ann.get_by_test_id("create-room-open").click()
    ann.get_by_test_id("create-game").select_option("blackjack")
    expect(ann.get_by_test_id("create-setting-rounds")).to_have_value("5")
    create_room(
        ann, "Table 1", game="blackjack", seats=3, bots=2, level="medium", settings={"rounds": "2"}
    )
    expect(ann.get_by_test_id("settings-setting-rounds")).to_have_value("2")
    start_alone(ann)

    table = ann.get_by_test_id("blackjack")
    expect(table).to_have_attribute("data-phase", "betting")
    expect(ann.get_by_test_id("bj-seat")).to_have_count(3)
    expect(ann.get_by_test_id("round")).to_contain_text("Round 1 of 2")
    # The bet control is bounded by the schema in turn.actions; play moves wait for the deal.
    amount = ann.locator('[data-testid="move-field"][data-field="amount"]')
    bet = ann.locator('[data-action="bet"]')
    expect(amount).to_have_attribute("min", "10")
    expect(amount).to_have_attribute("max", "500")
    expect(bet).to_have_attribute("data-action-data", '{"amount":10}')
    for name in ("hit", "stand", "double", "split"):
        expect(ann.locator(f'[data-action="{name}"]')).to_be_disabled()
    amount.fill("501")
    expect(bet).to_be_disabled()
    amount.fill("25")
    expect(bet).to_be_enabled()
    expect(bet).to_have_attribute("data-action-data", '{"amount":25}')
    bet.click()
    log = ann.get_by_test_id("event-log")
    expect(log).to_contain_text("Ann bet 25.")
    expect(log).to_contain_text("Round 1: the cards are dealt; the dealer shows")

    ann.wait_for_function(A_MOVE_OR_OVER, timeout=TIMEOUT_MS)
    if table.get_attribute("data-phase") == "playing":
        # Ann's hand is up: the hole card is face down, hit and stand are hers to press.
        dealer = ann.get_by_test_id("dealer")
        expect(dealer.locator('[data-card="hidden"]')).to_have_count(1)
        expect(ann.get_by_test_id("dealer-total")).to_contain_text("shows")
        expect(ann.locator('[data-action="hit"]')).to_be_enabled()
        expect(ann.locator('[data-action="stand"]')).to_be_enabled()
        expect(ann.locator('[data-action="bet"]')).to_have_count(0)
        screenshot(ann, "blackjack")

    made = play_by_clicks(ann, prefer=["stand", "bet"])
    assert made.count("bet") == 1  # the second round's bet
    expect(match_view(ann)).to_have_attribute("data-status", "finished")
    expect(log).to_contain_text("Round 2: the cards are dealt")
    expect(log).to_contain_text("The dealer turns up")
    expect(log.get_by_text(re.compile(r"^Ann .*; [\d,]+ chips now\.$"))).not_to_have_count(0)
    # The last round's outcome stays on the table, for every hand that was played.
    mine = ann.locator(f'[data-testid="bj-seat"][data-seat="{seat_of(ann)}"]')
    expect(mine.get_by_test_id("hand-outcome")).to_have_text(
        re.compile(r"^(Blackjack!|Win|Push|Lose|Bust)$")
    )
    expect(ann.get_by_test_id("dealer").locator('[data-card="hidden"]')).to_have_count(0)
    expect(ann.get_by_test_id("result-reason")).to_have_text(
        re.compile(r"^.+ (wins|share the win): most chips after 2 rounds\.$")
    )
    expect(ann.get_by_test_id("result-score")).to_have_count(3)
    for name in ("hit", "stand", "double", "split"):
        expect(ann.locator(f'[data-action="{name}"]')).to_be_disabled()
    screenshot(ann, "blackjack-result")
