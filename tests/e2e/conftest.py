"""Browser tests: a real `gamerooms serve` process per module, driven through headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from gamerooms.testing import ServerProcess, running_server
from tests.e2e.browser_kit import CHROMIUM_ARGS, Players
from tests.support import chromium_or_skip

SERVER_ENV = {
    "GAMEROOMS_BOT_DELAY_SECONDS": "0",
    "GAMEROOMS_MATCH_GRACE_SECONDS": "1",
    "GAMEROOMS_DECIDE_SECONDS": "30",
}
"""Bots answer at once, a dropped seat pauses its match after 1 s, and a pause waits 30 s."""


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    """One server process per test module."""
    with running_server(env=SERVER_ENV) as process:
        yield process


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Playwright's sync API (plain `def` tests only: it can't run inside an event loop)."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; without it the tests skip (or fail, if
    GAMEROOMS_REQUIRE_BROWSER=1)."""
    executable = chromium_or_skip()
    chromium = playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture
def players(browser: Browser, server: ServerProcess) -> Iterator[Players]:
    """Opens one browser context per player; checks at the end that no page threw."""
    crowd = Players(browser, server)
    yield crowd
    crowd.close()
    crowd.assert_no_page_errors()
