"""Helpers for the browser tests: players in their own browser contexts, and the demo's pages."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from gamerooms.testing import ServerProcess

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}

expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class Players:
    """Browser contexts of one test: each is a separate player (own localStorage)."""

    browser: Browser
    server: ServerProcess
    contexts: list[BrowserContext] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def page(self, phone: bool = False) -> Page:
        """A page in a fresh context (a phone-sized one if asked)."""
        viewport = PHONE if phone else {"width": 1200, "height": 900}
        context = self.browser.new_context(
            base_url=self.server.base_url, viewport=viewport, has_touch=phone
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        self.watch(page)
        return page

    def watch(self, page: Page) -> None:
        """Record uncaught errors of this page."""
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))

    def signed_in(self, name: str, emoji: int = 0, color: int = 0, phone: bool = False) -> Page:
        """A new player who picked a name and an avatar on the landing page; now in the lobby."""
        page = self.page(phone)
        page.goto("/")
        sign_in(page, name, emoji, color)
        expect(page).to_have_url(re.compile(r"/lobby/$"))
        expect(page.get_by_test_id("me-name")).to_have_text(name)
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        return page

    def close(self) -> None:
        """Close every context."""
        for context in self.contexts:
            context.close()

    def assert_no_page_errors(self) -> None:
        """No page threw an uncaught exception."""
        assert self.page_errors == []


def sign_in(page: Page, name: str, emoji: int = 0, color: int = 0) -> None:
    """Fill in the landing page and submit it."""
    page.get_by_test_id("name-input").fill(name)
    page.get_by_test_id("emoji-option").nth(emoji).click()
    page.get_by_test_id("color-option").nth(color).click()
    page.get_by_test_id("landing-submit").click()


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot as a test artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def room_card(page: Page, code: str) -> Locator:
    """A room's card in the lobby list."""
    return page.locator(f'[data-testid="room-card"][data-room-id="{code}"]')


def create_room(
    page: Page,
    name: str,
    game: str = "tictactoe",
    bots: int = 0,
    level: str | None = None,
    seats: int | None = None,
    settings: Mapping[str, str] | None = None,
) -> str:
    """Create a room from the lobby's form (opening it unless open); the room's code (the page is
    then in the room). `settings` fills the fields generated from the game's settings schema."""
    if page.get_by_test_id("create-room-form").is_hidden():
        page.get_by_test_id("create-room-open").click()
    page.get_by_test_id("create-game").select_option(game)
    page.get_by_test_id("create-name").fill(name)
    if seats is not None:
        page.get_by_test_id("create-seats").select_option(str(seats))
    page.get_by_test_id("create-bots").select_option(str(bots))
    if level is not None:
        page.get_by_test_id("create-bot-level").select_option(level)
    for setting, value in (settings or {}).items():
        page.get_by_test_id(f"create-setting-{setting}").fill(value)
    page.get_by_test_id("create-submit").click()
    expect(page).to_have_url(re.compile(r"/rooms/[A-Z0-9]{6}/$"))
    expect(page.get_by_test_id("room-title")).to_have_text(name)
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def cell(page: Page, index: int) -> Locator:
    """A tic-tac-toe cell."""
    return page.locator(f'[data-testid="cell"][data-cell="{index}"]')


def match_view(page: Page) -> Locator:
    """The match view, whose data-seat / data-status / data-version / data-my-turn follow play."""
    return page.get_by_test_id("match-view")


def seat_of(page: Page) -> int:
    """The player's seat, once the match state is shown."""
    view = match_view(page)
    expect(view).to_have_attribute("data-seat", re.compile(r"^\d+$"))
    return int(view.get_attribute("data-seat") or "")


def match_id_of(page: Page) -> str:
    """The match id in the page's URL (/matches/<id>/)."""
    expect(page).to_have_url(re.compile(r"/matches/[^/]+/"))
    found = re.search(r"/matches/([^/]+)/", page.url)
    assert found is not None
    return found.group(1)


def place(page: Page, index: int) -> None:
    """Wait for the player's turn, then mark a cell; returns once the move is on the board."""
    expect(page.get_by_test_id("turn-text")).to_have_text("Your turn")
    cell(page, index).click()
    expect(cell(page, index)).to_have_attribute("data-mark", re.compile("^[XO]$"))


MY_TURN_OR_OVER = """() => {
  const view = document.querySelector('[data-testid="match-view"]');
  return view.dataset.status === 'finished'
    || (view.dataset.status === 'active' && view.dataset.myTurn === 'true');
}"""


def play_until_finished(page: Page, max_moves: int = 9) -> None:
    """Mark the first free cell whenever it is the player's turn, until the match is over."""
    view = match_view(page)
    for _ in range(max_moves + 1):
        page.wait_for_function(MY_TURN_OR_OVER, timeout=TIMEOUT_MS)
        if view.get_attribute("data-status") == "finished":
            return
        version = view.get_attribute("data-version") or ""
        page.locator('[data-testid="cell"]:not([disabled])').first.click()
        expect(view).not_to_have_attribute("data-version", version)
    raise AssertionError("the match did not finish")


def start_alone(page: Page) -> None:
    """In a room of one person (and bots): get ready and start the match."""
    page.get_by_test_id("ready-button").click()
    start = page.get_by_test_id("start-button")
    expect(start).to_be_enabled()
    start.click()
    expect(match_view(page)).to_have_attribute("data-status", "active")


MOVES = '[data-testid="game-view"] [data-action]:not([disabled])'
"""The moves the player may make right now."""

A_MOVE_OR_OVER = """() => {
  const view = document.querySelector('[data-testid="match-view"]');
  const game = document.querySelector('[data-testid="game-view"]');
  return view.dataset.status === 'finished'
    || (view.dataset.status === 'active' && view.dataset.myTurn === 'true' && !game.dataset.pending
        && document.querySelector(MOVES) !== null);
}""".replace("MOVES", json.dumps(MOVES))
"""True once the player may make a move (and none is on its way), or the match is over."""


def play_by_clicks(page: Page, prefer: Sequence[str] = (), max_moves: int = 300) -> list[str]:
    """Click an enabled move whenever there is one (the first of `prefer`, by data-action, that is
    enabled, else the first enabled), until the match is over; the moves made, by name."""
    view = match_view(page)
    made: list[str] = []
    for _ in range(max_moves):
        page.wait_for_function(A_MOVE_OR_OVER, timeout=TIMEOUT_MS)
        if view.get_attribute("data-status") == "finished":
            return made
        version = view.get_attribute("data-version") or ""
        target = page.locator(MOVES).first
        for name in prefer:
            wanted = page.locator(f'{MOVES}[data-action="{name}"]')
            if wanted.count():
                target = wanted.first
                break
        made.append(target.get_attribute("data-action") or "")
        target.click()
        expect(view).not_to_have_attribute("data-version", version)
    raise AssertionError(f"the match did not finish in {max_moves} moves")
