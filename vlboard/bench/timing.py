"""Timing one step several times, and writing a timing as BENCHMARKS.md shows it."""

from __future__ import annotations

import statistics
import time


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
