"""`/metrics` on a real server: sockets by kind, matches, moves and refusals move with play, HTTP
responses are counted by status; the operator can turn it off or ask for a token."""

from __future__ import annotations

import httpx
import pytest

from gamerooms.testing import GameClient, running_server
from tests.integration.conftest import guests
from tests.integration.kit import assert_error, join, play_out
from tests.integration.scraping import Samples, scrape, value
from tests.support import redis_env


def total(samples: Samples, name: str) -> float:
    """The sum of a metric's samples over all its labels."""
    return sum(found for (sample, _), found in samples.items() if sample == name)


@pytest.mark.parametrize("backend", ["memory", "redis"])
async def test_metrics_move_with_sockets_moves_and_refusals(backend: str) -> None:
    with running_server(env=redis_env() if backend == "redis" else {}) as server:
        before = await scrape(server)
        assert value(before, "gamerooms_sockets", kind="match") == 0
        assert value(before, "gamerooms_refusals_total", code="not_your_turn") == 0
        queue = ("gamerooms_queue_players", frozenset({("game", "tictactoe"), ("players", "2")}))
        assert before[queue] == 0

        ann, bob, cy = guests(server, 3)
        lobby = await GameClient.connect(server.ws_url("/ws/lobby/", ann.access))
        await lobby.expect("lobby.rooms")
        waiting = await GameClient.connect(server.ws_url("/ws/queue/tictactoe/", cy.access))
        assert (await waiting.expect("queue.waiting"))["queued"] == 1
        match_id = server.create_match("tictactoe", [ann, bob])
        first, _ = await join(server, match_id, ann)
        second, _ = await join(server, match_id, bob)
        moved = await first.request("match.action", action="place", data={"cell": 4})
        assert moved["type"] == "match.update", moved
        again = await first.request("match.action", action="place", data={"cell": 0})
        assert_error(again, "not_your_turn", again.get("id"))

        during = await scrape(server)
        assert value(during, "gamerooms_sockets", kind="lobby") == 1
        assert value(during, "gamerooms_sockets", kind="match") == 2
        assert value(during, "gamerooms_sockets", kind="queue") == 1
        assert value(during, "gamerooms_sockets", kind="room") == 0
        assert during[queue] == 1
        assert value(during, "gamerooms_matches", status="active") == 1
        assert value(during, "gamerooms_bots_seated") == 0
        assert value(during, "gamerooms_actions_total", game="tictactoe") == 1
        assert value(during, "gamerooms_action_seconds_count") == 1
        assert 0 < value(during, "gamerooms_action_seconds_sum") < 5
        assert value(during, "gamerooms_refusals_total", code="not_your_turn") == 1
        assert total(during, "gamerooms_store_seconds_count") > 0

        await first.close()
        await second.close()
        await lobby.close()
        await waiting.close()
        await play_out(server, match_id, [ann, bob])
        after = await scrape(server)
        assert value(after, "gamerooms_actions_total", game="tictactoe") >= 5
        assert value(after, "gamerooms_matches", status="active") == 0


async def test_metrics_can_be_turned_off() -> None:
    with running_server(env={"GAMEROOMS_METRICS": "off"}) as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            assert (await http.get("/metrics")).status_code == 404


async def test_metrics_ask_for_the_token_when_one_is_set() -> None:
    with running_server(env={"GAMEROOMS_METRICS_TOKEN": "s3cret"}) as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            refused = await http.get("/metrics")
            assert refused.status_code == 401
            assert refused.headers["www-authenticate"].startswith("Bearer")
            wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401
            assert (await http.get("/api/rooms/NOPE/")).status_code == 404
        samples = await scrape(server, headers={"Authorization": "Bearer s3cret"})
        assert value(samples, "gamerooms_sockets", kind="lobby") == 0
        assert value(samples, "gamerooms_http_responses_total", status="401") == 2
        assert value(samples, "gamerooms_http_responses_total", status="404") == 1
