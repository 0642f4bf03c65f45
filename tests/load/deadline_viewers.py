"""The readers of the "deadline day" benchmark (``python -m vlboard bench --deadline-day``,
vlboard/bench/deadline.py): the websocket load driver of tests/load/load.py pointed at a server the
benchmark started, in a process of its own (the clerks' imports run beside it).

``python -m tests.load.deadline_viewers --url URL --pid PID --data DIR --seconds S`` warms the server
up with one visitor, prints ``GO`` (the benchmark then starts its clerks), drives ``--sessions``
sessions of which ``--walls`` watch ``/ioc?rotate=3`` for ``S`` seconds and prints one JSON line of
figures: per action kind count/p50/p95/max, the viewers' page loads and actions, errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from tests.load import load
from tests.load.load import _drive, _pct, _warm_up, indicator_codes

PAGE_LOADS = ("open", "deep_link")
TIMELINE: list[tuple[float, str, float]] = []  # (end, kind, seconds) of every action, CLOCK_MONOTONIC


def _timed_action(self, sid: int, kind: str, run) -> None:
    """load.Stats.action, also noting when each action ended (the benchmark sets the viewers'
    times beside the clerks' imports: the monotonic clock is the same in every process)."""
    TIMELINE.append((time.monotonic(), kind, run.seconds))
    _action(self, sid, kind, run)


_action = load.Stats.action


def figures(run: dict) -> dict:
    """The JSON the benchmark reads, from what ``load._drive`` returned."""
    stats = run["stats"]
    times: dict[str, list[float]] = stats.times
    viewer = [t for k, v in times.items() if not k.startswith("wall") for t in v]
    loads = [t for k in PAGE_LOADS for t in times.get(k, [])]
    return {
        "per_kind": {
            k: {"count": len(v), "p50_s": _pct(v, 50), "p95_s": _pct(v, 95), "max_s": max(v)}
            for k, v in sorted(times.items())
        },
        "viewer_actions": len(viewer),
        "viewer_p50_s": _pct(viewer, 50),
        "viewer_p95_s": _pct(viewer, 95),
        "viewer_max_s": max(viewer, default=float("nan")),
        "page_loads": len(loads),
        "page_load_p50_s": _pct(loads, 50),
        "page_load_p95_s": _pct(loads, 95),
        "wall_sessions": len(run["walls"]),
        "slide_changes": stats.slides,
        "errors": sum(stats.error_kinds.values()),
        "error_kinds": dict(stats.error_kinds),
        "error_messages": stats.errors,
        "elapsed_s": run["elapsed"],
        "server_cpu_s": run["server_cpu_s"],
        "rss_samples": run["samples"],
        "timeline": TIMELINE,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description="Readers of the deadline-day benchmark (websocket sessions).")
    ap.add_argument("--url", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--sessions", type=int, default=25)
    ap.add_argument("--walls", type=int, default=5)
    ap.add_argument("--ramp", type=float, default=20.0)
    args = ap.parse_args()
    load.Stats.action = _timed_action  # type: ignore[method-assign]
    codes = indicator_codes(Path(args.data))
    asyncio.run(_warm_up(args.url, codes))
    print("GO", flush=True)
    run = asyncio.run(
        _drive(
            args.url,
            args.pid,
            args.sessions,
            args.seconds,
            codes,
            args.walls / args.sessions,
            (5.0, 10.0),
            args.ramp,
        )
    )
    print(json.dumps(figures(run)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
