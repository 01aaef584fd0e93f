"""A game with no renderer of its own (the tutorial's Goofspiel, from a host project) is played to
its result through the generic renderer, by clicks only: its settings come from its schema, every
legal bid is a button."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gamerooms.testing import ServerProcess, running_server
from tests.e2e.browser_kit import (
    MOVES,
    Players,
    create_room,
    match_view,
    play_by_clicks,
    screenshot,
    start_alone,
)
from tests.e2e.conftest import SERVER_ENV

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    """A server that also offers Goofspiel, added as a host project would (GAMEROOMS_GAMES)."""
    pythonpath = os.pathsep.join(filter(None, [str(EXAMPLES), os.environ.get("PYTHONPATH")]))
    env = {**SERVER_ENV, "GAMEROOMS_GAMES": "goofspiel:Goofspiel", "PYTHONPATH": pythonpath}
    with running_server(env=env) as process:
        yield process


def test_goofspiel_is_played_to_its_result_through_the_generic_renderer(players: Players) -> None:
    ida = players.signed_in("Ida", emoji=9, color=6)
    ida.get_by_test_id("create-room-open").click()
    ida.get_by_test_id("create-game").select_option("goofspiel")
    # The game's own settings are offered, bounded as its schema says.
    cards = ida.get_by_test_id("create-setting-cards")
    expect(cards).to_have_value("6")
    expect(cards).to_have_attribute("min", "3")
    expect(cards).to_have_attribute("max", "13")
    expect(ida.get_by_test_id("create-setting-ties")).to_have_value("discard")
    create_room(ida, "Bids", game="goofspiel", bots=1, settings={"cards": "4"})
    expect(ida.get_by_test_id("settings-setting-cards")).to_have_value("4")
    start_alone(ida)

    view = ida.get_by_test_id("game-view")
    expect(view).to_have_attribute("data-renderer", "generic")
    expect(ida.get_by_test_id("view-tree")).to_contain_text("hands")
    # One button per card in the hand, each with the data it sends.
    bids = ida.locator(MOVES)
    expect(bids).to_have_count(4)
    sent = [json.loads(bids.nth(i).get_attribute("data-action-data") or "") for i in range(4)]
    assert sorted(data["card"] for data in sent) == [1, 2, 3, 4]
    assert {bids.nth(i).get_attribute("data-action") for i in range(4)} == {"bid"}
    # No free-text JSON anywhere on the match page.
    expect(match_view(ida).locator("textarea")).to_have_count(0)
    expect(view.locator("input:not([type=number]):not([type=checkbox])")).to_have_count(0)
    screenshot(ida, "goofspiel")

    made = play_by_clicks(ida)
    assert made == ["bid"] * 4
    expect(match_view(ida)).to_have_attribute("data-status", "finished")
    expect(ida.get_by_test_id("result-reason")).to_have_text(
        re.compile(r"(wins|share the win): most points once every card was played\.$")
    )
    expect(ida.get_by_test_id("result-score")).to_have_count(2)
    log = ida.get_by_test_id("event-log")
    expect(log).to_contain_text("Ida: bid")
    expect(log.get_by_text(re.compile(r"^Shown \(bids"))).to_have_count(4)
    # Once over, the moves stay on the page but none can be made.
    expect(ida.locator(MOVES)).to_have_count(0)
    expect(view.locator('[data-action="bid"]')).not_to_have_count(0)
    screenshot(ida, "goofspiel-result")
