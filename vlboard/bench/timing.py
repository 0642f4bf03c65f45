"""Timing one step several times, and writing a timing as BENCHMARKS.md shows it."""

from __future__ import annotations

import resource
import statistics
import time
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak resident memory, MB: VmHWM of /proc/self/status (its own memory image).
    ``ru_maxrss`` is not: on Linux a child started by ``subprocess`` reports its parent's peak at
    the fork when that was larger (measured: a child of a 1.5 GB parent read 1,511 MB against 11 MB)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return {"median": statistics.median(runs), "min": min(runs), "max": max(runs)}


def fmt(t: dict) -> str:
    """'median (min–max)' in seconds."""
    return f"{t['median']:.3f} ({t['min']:.3f}–{t['max']:.3f})"
