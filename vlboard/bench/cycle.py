"""Timing the cycle board («Kỳ báo cáo») over every subject obliged to report for a year: on the
shipped catalogue the year 2026 obliges all 124 communes and wards of 2025 and 24 agencies. The
snapshot's cycle_events view (in memory; no file changes) is replaced by a synthetic history (4
events for every subject in each of 13 periods), so the board's join on the last event per subject works as it would after a year of
use; then the reminders are planned over that board (the shipped ladder and contacts).

    python -c "from vlboard.bench.cycle import main; main()"
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from vlboard.bench.timing import fmt, timed
from vlboard.intake import contacts, cycle, ladder, reminders
from vlboard.settings import ROOT
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

PERIOD = "2026"
STEPS = [("submit", "chua_nop", "da_nop"), ("return", "da_nop", "tra_lai"), ("submit", "tra_lai", "da_nop")]
STEPS += [("approve", "da_nop", "da_duyet")]


def synthetic_events(subjects: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Four events (submit, return, submit, approve) for every subject in each period; in ``PERIOD``
    every third subject stops after its first submission."""
    rows = []
    t0 = dt.datetime(2026, 1, 5, 8)
    for n, (kind, code) in enumerate(zip(subjects.subject_type, subjects.subject_code)):
        for k, period in enumerate(periods):
            steps = STEPS[:1] if period == PERIOD and n % 3 == 0 else STEPS
            for j, (action, a, b) in enumerate(steps):
                at = t0 + dt.timedelta(days=k, minutes=n * 7 + j)
                rows.append(
                    dict(
                        event_id=f"cyc-{at:%Y%m%dT%H%M%S}-{n:04d}{j}{k:03d}",
                        at=at,
                        username="bench",
                        role="admin",
                        action=action,
                        subject_type=kind,
                        subject_code=code,
                        period=period,
                        from_state=a,
                        to_state=b,
                        reason="Thiếu số liệu" if action == "return" else None,
                        base_snapshot="bench",
                        n_values=1,
                    )
                )
    return pd.DataFrame(rows)


def timing(repeat: int = 5) -> dict:
    """Seconds (median, min, max) of cycle.board for the year over the shipped catalogue with a
    synthetic event history, and of planning the reminders of the shipped board (every subject
    owing) at the 7-days-late step."""
    data = snapshots.default_data_dir()
    src = Snapshot.current(data)
    try:
        owing = cycle.board(src, PERIOD)  # the shipped state: nobody has submitted
        subjects = owing[["subject_type", "subject_code"]]
        periods = [f"{y}-Q{q}" for y in (2024, 2025, 2026) for q in (1, 2, 3, 4)] + [PERIOD]
        events = synthetic_events(subjects, periods)
        src.con.register("bench_events_frame", events)
        src.con.execute("create or replace table bench_cycle_events as select * from bench_events_frame")
        src.con.execute("create or replace view cycle_events as select * from bench_cycle_events")
        src._memo.clear()
        board = cycle.board(src, PERIOD)

        def run():
            src._memo.clear()  # every run queries DuckDB, as a new snapshot does
            cycle.board(src, PERIOD)

        t_board = timed(run, repeat)
    finally:
        src.con.close()
    steps = ladder.load(ROOT / "data" / "source" / "reminders.toml")
    book = contacts.load_default(ROOT / "data" / "source")
    due = owing.due_date.min()
    now = dt.datetime.combine(due + dt.timedelta(days=7), dt.time(8))

    def plan():  # over the shipped board, where every subject still owes its report
        return reminders.plan(owing, book, steps, now, done=set(), failed=set(), names={}, base_url="http://x")

    t_plan = timed(plan, repeat)
    return {
        "period": PERIOD,
        "subjects": len(board),
        "units": int((board.subject_type == "unit").sum()),
        "agencies": int((board.subject_type == "agency").sum()),
        "events": len(events),
        "states": board.state.value_counts().to_dict(),
        "board_seconds": t_board,
        "board": fmt(t_board),
        "reminders_messages": len(plan().messages),
        "reminders_seconds": t_plan,
        "reminders": fmt(t_plan),
    }


def main() -> None:
    print(json.dumps(timing(), ensure_ascii=False, indent=1, default=str))
