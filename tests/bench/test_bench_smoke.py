"""The benchmark harness runs end to end against gamerooms and the ASGI relay (no Node needed)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("uvloop")
pytest.importorskip("websockets")
pytest.importorskip("msgpack")

from bench import run

EXPECTED = {
    ("gamerooms", "relay"),
    ("gamerooms", "turns"),
    ("gamerooms", "idle"),
    ("gamerooms", "storm"),
    ("asgi", "relay"),
    ("asgi", "idle"),
}

NUMBERS = ("sent_per_s", "delivered_per_s", "server_cpu_pct", "server_rss_mb")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One smoke run of bench/run; its JSON document."""
    out = tmp_path_factory.mktemp("bench") / "latest.json"
    argv = ["--smoke", "--servers", "gamerooms,asgi", "--workloads", "relay,turns,idle,storm"]
    assert run.main([*argv, "--out", str(out), "--no-plot"]) == 0
    document: dict[str, Any] = json.loads(Path(out).read_text())
    return document


@pytest.mark.timeout(240)
def test_every_server_and_workload_has_rows(results: dict[str, Any]) -> None:
    found = {(row["server"], row["workload"]) for row in results["rows"]}
    assert found == EXPECTED
    assert results["meta"]["plan_name"] == "smoke"
    assert set(results["summary"]) == {"gamerooms", "asgi"}


def test_rows_have_sane_fields(results: dict[str, Any]) -> None:
    for row in results["rows"]:
        assert not row["note"].startswith(("failed", "unavailable")), row
        assert row["clients"] > 0, row
        for key in NUMBERS:
            assert isinstance(row[key], int | float) and row[key] >= 0, (key, row)
        assert row["server_rss_mb"] > 1, row
        assert row["errors"] == 0, row


def test_relay_rows_measure_latency_and_delivery(results: dict[str, Any]) -> None:
    relay = [row for row in results["rows"] if row["workload"] == "relay"]
    for row in relay:
        assert row["delivered_per_s"] > 0, row
        assert row["lost"] >= 0, row  # a loaded CI machine may drain late: not a harness fault
        assert 0 < row["p50_ms"] <= row["p99_ms"] <= row["max_ms"], row
        assert row["cpu_us_per_msg"] >= 0, row
    assert {row["step"] for row in relay} >= {"fixed", "5/s"}


def test_other_workloads_report_their_figures(results: dict[str, Any]) -> None:
    rows = {row["workload"]: row for row in results["rows"] if row["server"] == "gamerooms"}
    assert rows["turns"]["moves_per_s"] > 0 and rows["turns"]["games"] > 0
    assert rows["turns"]["games_per_s"] > 0
    assert 0 < rows["turns"]["p50_ms"] <= rows["turns"]["p99_ms"]
    assert math.isfinite(rows["idle"]["rss_per_conn_kb"])
    assert rows["storm"]["lost"] == 0
    assert rows["storm"]["time_to_all_matched_s"] > 0
