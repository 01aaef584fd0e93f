"""CPU time and resident memory of processes, read from /proc."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of a process (0.0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return 0.0
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def rss_bytes(pid: int) -> int:
    """Resident set size of a process in bytes (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


@dataclass(frozen=True)
class Sample:
    """CPU seconds and RSS of a group of processes at one moment."""

    at: float
    cpu: float
    rss: int
    parts: dict[str, float] = field(default_factory=dict)
    """The CPU seconds of each named part of the group."""


def sample(pids: Sequence[int], parts: Mapping[str, Sequence[int]] | None = None) -> Sample:
    """The summed CPU time and RSS of these processes now, and the CPU time of each named part
    of them."""
    cpu = {pid: cpu_seconds(pid) for pid in pids}
    shares = {name: sum(cpu[pid] for pid in part) for name, part in (parts or {}).items()}
    return Sample(time.monotonic(), sum(cpu.values()), sum(map(rss_bytes, pids)), shares)


def cpu_percent(before: Sample, after: Sample) -> float:
    """CPU use between two samples, in percent of one core."""
    wall = after.at - before.at
    return 100.0 * (after.cpu - before.cpu) / wall if wall > 0 else 0.0
