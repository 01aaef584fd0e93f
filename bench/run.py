"""bench/run: start each server, drive each workload from worker processes, report the results.

Usage: bench/run [--quick] [--servers gamerooms,asgi,...] [--workloads relay,turns,...]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from bench import report
from bench.plans import FULL, QUICK, SMOKE, Plan
from bench.pool import Pool
from bench.servers import BENCH, NODE, REPO, SERVERS, Unavailable, start
from bench.workloads import idle, relay, storm, turns
from bench.workloads.base import Context, blank_row

WORKLOADS: dict[str, Callable[[Context], list[dict[str, Any]]]] = {
    "relay": relay.run,
    "turns": turns.run,
    "idle": idle.run,
    "storm": storm.run,
}
"""Every workload, in the order they run."""

SUPPORTED = {
    "gamerooms": set(WORKLOADS),
    "gamerooms-redis2": set(WORKLOADS),
    "asgi": {"relay", "idle"},
    "picows": {"relay", "idle"},
    "colyseus": set(WORKLOADS),
}
"""The workloads each server can play (the ASGI relay only relays)."""

RESULTS = BENCH / "results"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    sizes = parser.add_mutually_exclusive_group()
    sizes.add_argument("--quick", action="store_true", help="tiny steps: checks the harness")
    sizes.add_argument("--smoke", action="store_true", help="tinier still: the harness's test")
    parser.add_argument("--servers", default=",".join(SERVERS), help="comma-separated")
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated")
    parser.add_argument("--processes", type=int, default=None, help="generator processes")
    parser.add_argument("--step-seconds", type=float, default=None, help="override the plan")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--plot", type=Path, default=RESULTS / "latest.png")
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args(argv)
    for name, known in (("servers", SERVERS), ("workloads", tuple(WORKLOADS))):
        chosen = [item for item in getattr(args, name).split(",") if item]
        unknown = [item for item in chosen if item not in known]
        if unknown:
            parser.error(f"unknown {name}: {', '.join(unknown)} (known: {', '.join(known)})")
        setattr(args, name, chosen)
    return args


def make_plan(args: argparse.Namespace) -> Plan:
    """The quick or full plan, with the command line's overrides."""
    plan = SMOKE if args.smoke else QUICK if args.quick else FULL
    if args.processes:
        plan = replace(plan, processes=args.processes)
    if args.step_seconds:
        plan = replace(plan, step_seconds=args.step_seconds)
    return plan


def run_one(server: str, workload: str, plan: Plan) -> list[dict[str, Any]]:
    """One workload on a freshly started server (rows; an error row if it fails)."""
    began = time.monotonic()
    try:
        with start(server) as running, Pool(plan.processes) as pool:
            rows = WORKLOADS[workload](Context(running, pool, plan))
    except Unavailable as exc:
        print(f"  {server}: skipped ({exc})", flush=True)
        return [_failed(server, workload, f"unavailable: {exc}")]
    except Exception as exc:
        traceback.print_exc()
        return [_failed(server, workload, f"failed: {type(exc).__name__}: {exc}"[:300])]
    print(f"  {server} {workload}: {time.monotonic() - began:.1f} s", flush=True)
    return rows


def _failed(server: str, workload: str, note: str) -> dict[str, Any]:
    return blank_row(server, workload, "", passed=False, errors=1, note=note)


def meta(args: argparse.Namespace, plan: Plan, started: float) -> dict[str, Any]:
    """What the run was, and on what machine."""
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "plan_name": "smoke" if args.smoke else "quick" if args.quick else "full",
        "servers": args.servers,
        "workloads": args.workloads,
        "plan": asdict(plan),
        "seconds": round(time.monotonic() - started, 1),
        "cpus": os.cpu_count(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "python": platform.python_version(),
        "node": _output([str(NODE), "--version"]) if NODE.exists() else None,
        "gamerooms_commit": _output(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]),
        "latency": "receive - send on the monotonic clock, in the generator process",
        "delivered": "receipts by the other members of the room (echoes to the sender excluded)",
    }


def _output(command: list[str]) -> str | None:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen servers and workloads; print the table; write JSON and the plot."""
    args = parse_args(argv)
    plan = make_plan(args)
    started = time.monotonic()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
    rows: list[dict[str, Any]] = []
    for server in args.servers:
        for workload in args.workloads:
            if workload in SUPPORTED[server]:
                rows += run_one(server, workload, plan)
    rows = report.clean(rows)
    print()
    print(report.table(rows))
    report.write_json(args.out, meta(args, plan, started), rows)
    print(f"\nwrote {args.out}")
    if not args.no_plot:
        if report.plot(args.plot, rows):
            print(f"wrote {args.plot}")
        else:
            print("no plot (matplotlib missing or no relay rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
