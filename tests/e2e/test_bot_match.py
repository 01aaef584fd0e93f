"""One player against a bot, set up from the create-room form, to the result screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_kit import Players, create_room, play_until_finished

pytestmark = pytest.mark.browser


def test_a_player_plays_an_easy_bot_from_the_create_room_form(players: Players) -> None:
    gus = players.signed_in("Gus", emoji=8, color=2)
    code = create_room(gus, "Bot practice", bots=1, level="easy")
    expect(gus.get_by_test_id("seat")).to_have_count(1)
    expect(gus.get_by_test_id("empty-seat")).to_contain_text("A bot (easy) takes this seat")
    start = gus.get_by_test_id("start-button")
    expect(start).to_be_disabled()
    expect(gus.get_by_test_id("start-hint")).to_have_text("Waiting for everyone to be ready.")
    gus.get_by_test_id("ready-button").click()
    expect(start).to_be_enabled()
    start.click()

    expect(gus).to_have_url(re.compile(rf"/matches/[^/]+/\?room={code}$"))
    opponents = gus.locator('[data-testid="match-player"]', has_text="Easy bot 1")
    expect(opponents).to_have_count(1)
    play_until_finished(gus)
    expect(gus.get_by_test_id("result-text")).to_have_text(
        re.compile(r"^(You won! 🎉|Easy bot 1 won|It's a draw)$")
    )
    expect(gus.get_by_test_id("rematch")).to_have_attribute("href", f"/rooms/{code}/")
    expect(gus.get_by_test_id("back-to-lobby")).to_have_attribute("href", "/lobby/")
    gus.get_by_test_id("back-to-lobby").click()
    expect(gus).to_have_url(re.compile(r"/lobby/$"))
