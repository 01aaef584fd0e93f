"""Latency samples and their percentiles."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values (NaN when there are none)."""
    if not ordered:
        return math.nan
    rank = max(0, math.ceil(fraction * len(ordered)) - 1)
    return float(ordered[rank])


def summarize(parts: Iterable[Iterable[float]]) -> dict[str, float]:
    """p50, p99 and max in milliseconds of latencies given in seconds."""
    merged = sorted(value for part in parts for value in part)
    return {
        "p50_ms": round(percentile(merged, 0.50) * 1000, 3),
        "p99_ms": round(percentile(merged, 0.99) * 1000, 3),
        "max_ms": round(percentile(merged, 1.0) * 1000, 3),
    }
