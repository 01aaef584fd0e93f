"""Results: the printed table, the per-server summary, bench/results/latest.json and the plot."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

COLUMNS = (
    ("server", "server", "{}"),
    ("workload", "workload", "{}"),
    ("step", "step", "{}"),
    ("clients", "clients", "{}"),
    ("offered_per_s", "offered/s", "{:.0f}"),
    ("sent_per_s", "sent/s", "{:.0f}"),
    ("delivered_per_s", "deliv/s", "{:.0f}"),
    ("p50_ms", "p50 ms", "{:.2f}"),
    ("p99_ms", "p99 ms", "{:.2f}"),
    ("max_ms", "max ms", "{:.1f}"),
    ("lost", "lost", "{}"),
    ("errors", "err", "{}"),
    ("server_cpu_pct", "srv CPU%", "{:.0f}"),
    ("server_rss_mb", "srv MB", "{:.0f}"),
    ("gen_cpu_pct", "gen CPU%", "{:.0f}"),
    ("extra", "extra", "{}"),
    ("passed", "ok", "{}"),
)
"""(row key, heading, format) of each table column."""

PARTS = ("balancer", "redis")
"""The parts of a server whose CPU per unit of work rows also give apart."""


def _extra(row: dict[str, Any]) -> str:
    """The workload's own figure, for the table."""
    if row.get("cpu_us_per_msg") is not None:
        parts = [
            f"{name} {row[f'{name}_us_per_msg']:.1f}"
            for name in PARTS
            if f"{name}_us_per_msg" in row
        ]
        of_which = f" ({', '.join(parts)})" if parts else ""
        return f"{row['cpu_us_per_msg']:.1f} µs/msg{of_which}"
    if row.get("rss_per_conn_kb") is not None:
        return f"{row['rss_per_conn_kb']:.1f} KB/conn"
    if row.get("games_per_s") is not None:
        return f"{row['games_per_s']:.0f} games/s"
    if row.get("time_to_all_matched_s") is not None:
        return f"all in {row['time_to_all_matched_s']:.2f} s"
    return ""


def _cell(row: dict[str, Any], key: str, fmt: str) -> str:
    value = _extra(row) if key == "extra" else row.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    return fmt.format(value)


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as an aligned text table."""
    cells = [[heading for _, heading, _ in COLUMNS]]
    cells += [[_cell(row, key, fmt) for key, _, fmt in COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = [_line(line, widths) for line in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    """Text columns left-aligned, figures right-aligned."""
    return "  ".join(
        cell.ljust(width) if index < 3 else cell.rjust(width)
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
    )


def summary(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The headline figures of each server."""
    result: dict[str, dict[str, Any]] = {}
    for server in dict.fromkeys(row["server"] for row in rows):
        mine = [row for row in rows if row["server"] == server]
        figures: dict[str, Any] = {}
        relay = [row for row in mine if row["workload"] == "relay" and row.get("sent_per_s")]
        passing = [row for row in relay if row["passed"]]
        if relay:
            best = max(passing, key=lambda row: row["delivered_per_s"], default=None)
            figures["relay_best_delivered_per_s"] = best["delivered_per_s"] if best else 0.0
            figures["relay_best_p99_ms"] = best["p99_ms"] if best else None
            figures["relay_limit_reached"] = not relay[-1]["passed"]
            fixed = next((row for row in relay if row["step"] == "fixed"), None)
            if fixed is not None:
                figures["relay_fixed_delivered_per_s"] = fixed["delivered_per_s"]
                figures["relay_cpu_us_per_msg"] = fixed.get("cpu_us_per_msg")
                for name in PARTS:
                    if f"{name}_us_per_msg" in fixed:
                        figures[f"relay_{name}_us_per_msg"] = fixed[f"{name}_us_per_msg"]
        turns = [row for row in mine if row["workload"] == "turns" and "moves_per_s" in row]
        if turns:
            best = max(turns, key=lambda row: row["moves_per_s"])
            figures["turns_best_moves_per_s"] = best["moves_per_s"]
            figures["turns_p99_ms_at_best"] = best["p99_ms"]
            figures["turns_games_per_s_at_best"] = best["games_per_s"]
            for name in ("cpu", *PARTS):
                if f"{name}_us_per_move" in best:
                    figures[f"turns_{name}_us_per_move_at_best"] = best[f"{name}_us_per_move"]
        for row in mine:
            if row["workload"] == "idle":
                figures["idle_kb_per_connection"] = row.get("rss_per_conn_kb")
            if row["workload"] == "storm":
                figures["storm_seconds_to_all_matched"] = row.get("time_to_all_matched_s")
                figures["storm_errors"] = row["errors"]
        result[server] = figures
    return result


def write_json(path: Path, meta: dict[str, Any], rows: Sequence[dict[str, Any]]) -> None:
    """Write the run's metadata, rows and summary as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"meta": meta, "rows": list(rows), "summary": summary(rows)}
    path.write_text(json.dumps(document, indent=2, allow_nan=False, default=_jsonable) + "\n")


def _jsonable(value: Any) -> Any:
    raise TypeError(f"not JSON: {value!r}")


def clean(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with NaN replaced by None (strict JSON)."""
    return [
        {key: None if isinstance(v, float) and math.isnan(v) else v for key, v in row.items()}
        for row in rows
    ]


def plot(path: Path, rows: Sequence[dict[str, Any]]) -> bool:
    """Relay latency (p50 and p99) against offered load, one colour per server; False if
    matplotlib is not installed or there is nothing to plot."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    relay = [row for row in rows if row["workload"] == "relay" and row["p99_ms"] is not None]
    if not relay:
        return False
    figure, axes = plt.subplots(figsize=(9, 5.5))
    for server in dict.fromkeys(row["server"] for row in relay):
        mine = sorted(
            (row for row in relay if row["server"] == server), key=lambda r: r["offered_per_s"]
        )
        loads = [row["offered_per_s"] for row in mine]
        (line,) = axes.plot(loads, [row["p99_ms"] for row in mine], "o-", label=f"{server} p99")
        axes.plot(
            loads,
            [row["p50_ms"] for row in mine],
            "s--",
            color=line.get_color(),
            label=f"{server} p50",
            alpha=0.7,
        )
    limit = 50.0
    axes.axhline(limit, color="grey", linestyle=":", label="p99 limit (50 ms)")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("offered load (deliveries/s, rooms of 8)")
    axes.set_ylabel("latency (ms)")
    axes.set_title("Relay: latency against offered load")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8, ncol=2)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True
