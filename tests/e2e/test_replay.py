"""The replay page of a finished tic-tac-toe match: stepping forward and back by clicks and by
the arrow keys, as one of its players (whose session the page finds in localStorage)."""

from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page, expect

from gamerooms.testing import Guest, ServerProcess, create_guest
from tests.e2e.browser_kit import Players, screenshot
from tests.integration.kit import play_out

pytestmark = pytest.mark.browser

SESSION_KEY = "gamerooms.session"
"""Where the demo site keeps the signed-in session."""


def finished_match(server: ServerProcess) -> tuple[str, list[Guest]]:
    """A tic-tac-toe match between two new guests, played to its end over their sockets."""
    people = [create_guest(server.base_url, name) for name in ("Ada", "Bob")]
    match_id = server.create_match("tictactoe", people, seed=5)
    with ThreadPoolExecutor(1) as worker:  # Playwright's sync API owns this thread's loop
        worker.submit(asyncio.run, play_out(server, match_id, people)).result(timeout=60)
    return match_id, people


def replay_page(players: Players, person: Guest, match_id: str) -> Page:
    """The replay page, opened by a browser signed in as `person`."""
    page = players.page()
    session = {"access": person.access, "refresh": person.refresh, "player": person.player}
    script = f"localStorage.setItem({json.dumps(SESSION_KEY)}, {json.dumps(json.dumps(session))})"
    page.add_init_script(script)
    page.goto(f"/matches/{match_id}/replay/")
    expect(page.get_by_test_id("replay-view")).to_have_attribute("data-replay-status", "ready")
    return page


def test_stepping_through_a_finished_match(players: Players) -> None:
    match_id, (ada, _) = finished_match(players.server)
    page = replay_page(players, ada, match_id)
    step = page.locator("[data-replay-step]")
    back, forward = page.locator('[data-replay="back"]'), page.locator('[data-replay="forward"]')
    expect(page.get_by_test_id("replay-viewer")).to_have_text("You see what Ada saw.")
    expect(step).to_have_text("0")
    expect(back).to_be_disabled()
    expect(page.get_by_test_id("replay-action")).to_have_text("The match begins")
    expect(page.locator('[data-testid="replay-cell"][data-mark=""]')).to_have_count(9)

    forward.click()  # the play_out kit marks the first free cell: cell 0 first
    expect(step).to_have_text("1")
    expect(page.get_by_test_id("replay-action")).to_have_text(
        re.compile(r"^Ada \(X\) marked row 1, column 1$")
    )
    expect(page.locator('[data-testid="replay-cell"][data-cell="0"]')).to_have_attribute(
        "data-mark", "X"
    )
    expect(page.get_by_test_id("replay-state")).to_contain_text("board")
    page.keyboard.press("ArrowRight")
    expect(step).to_have_text("2")
    expect(page.locator('[data-testid="replay-cell"][data-cell="1"]')).to_have_attribute(
        "data-mark", "O"
    )
    back.click()
    expect(step).to_have_text("1")
    expect(page.locator('[data-testid="replay-cell"][data-cell="1"]')).to_have_attribute(
        "data-mark", ""
    )
    page.keyboard.press("ArrowLeft")
    expect(step).to_have_text("0")

    last = page.get_by_test_id("replay-last").inner_text()
    while forward.is_enabled():
        forward.click()
    expect(step).to_have_text(last)
    expect(page.get_by_test_id("replay-result-text")).to_have_text("Ada wins")
    expect(page.get_by_test_id("replay-result-reason")).to_have_text("Three in a row.")
    screenshot(page, "replay-tictactoe")
