"""`GAMEROOMS_LOG_FORMAT=json`: every line a real server writes is one JSON object, access lines
carry their request's fields, and tokens stay redacted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.integration.rooms_kit import log_a_token


def log_lines(log: Path) -> list[dict[str, Any]]:
    """Every line of the server's output, each parsed as JSON (failing on any that is not)."""
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    assert lines, "the server wrote nothing"
    return [json.loads(line) for line in lines]


async def test_json_log_lines_with_tokens_redacted(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    env = {"GAMEROOMS_LOG_FORMAT": "json"}
    player, text = await log_a_token(log, env)
    lines = log_lines(log)
    for line in lines:
        assert {"timestamp", "level", "logger", "message"} <= line.keys(), line
        assert line["timestamp"].endswith("Z"), line
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    games = [line for line in access if line["path"].startswith("/api/games/")]
    assert len(games) == 1, access
    assert games[0]["path"] == "/api/games/?token=[redacted]&x=1", games
    assert (games[0]["method"], games[0]["status"]) == ("GET", 200), games
    assert games[0]["client"].startswith("127.0.0.1:"), games
    assert any("/ws/lobby/?token=[redacted]" in line["message"] for line in lines), lines
    assert player.access not in text
    assert player.access.split(".")[2] not in text
