"""Timing the reminders' planning over every reporting subject of a period: 124 communes, 12 wards
and 60 agencies (a synthetic board shaped as vlboard.intake.cycle.board returns it, 30 missing
indicators each), the shipped ladder, a send log holding half of the keys, at each ladder step.

    python -c "from vlboard.bench.remind import main; main()"
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from vlboard.bench.timing import fmt, timed
from vlboard.intake import ladder, reminders
from vlboard.intake.contacts import Contact
from vlboard.settings import ROOT

DUE = dt.date(2026, 10, 10)


def synthetic(n_communes: int = 124, n_wards: int = 12, n_agencies: int = 60) -> tuple[pd.DataFrame, list[Contact]]:
    subjects = [("unit", f"x-{i:03d}", f"Xã số {i}") for i in range(n_communes)]
    subjects += [("unit", f"p-{i:02d}", f"Phường số {i}") for i in range(n_wards)]
    subjects += [("agency", f"S-{i:02d}", f"Sở số {i}") for i in range(n_agencies)]
    missing = ", ".join(f"IND-{k:03d}" for k in range(30))
    rows = [
        {
            "subject_type": kind,
            "subject_code": code,
            "subject_name": name,
            "period": "2026-Q3",
            "due_date": DUE,
            "expected": 40,
            "received": 10,
            "missing": missing,
            "plans": "qd2702-2024",
            "state": "chua_nop" if n % 5 else "da_nop",
            "state_label": "Chưa nộp",
            "last_event_at": pd.NaT,
            "last_user": None,
            "last_reason": None,
            "days_late": 0,
        }  # fmt: skip
        for n, (kind, code, name) in enumerate(subjects)
    ]
    book = [
        Contact(kind, code, role, f"{role} {name}", f"{role}.{code.lower()}@example.org")
        for kind, code, name in subjects
        for role in ("clerk", "head")
    ]
    book += [Contact("office", "S-KHCN", "reviewer", "Thẩm định", "reviewer@example.org")]
    book += [Contact("office", "VP-UBND-T", "leader_office", "Văn phòng", "leader@example.org")]
    return pd.DataFrame(rows), book


def timing(repeat: int = 5) -> dict:
    """Seconds (median, min, max) to plan one period's reminders at each ladder step, and counts."""
    board, book = synthetic()
    steps = ladder.load(ROOT / "data" / "source" / "reminders.toml")
    names = {f"IND-{k:03d}": f"Chỉ tiêu số {k}" for k in range(40)}
    out: dict = {"subjects": len(board), "steps": {}}
    for step in steps.steps:
        now = dt.datetime.combine(DUE + dt.timedelta(days=step.days), dt.time(8))
        first = reminders.plan(board, book, steps, now, done=set(), failed=set(), names=names, base_url="http://x")
        done = {m.key for m in first.messages[::2]}

        def run(now=now, done=done):
            reminders.plan(board, book, steps, now, done=done, failed=set(), names=names, base_url="http://x")

        t = timed(run, repeat)
        out["steps"][step.key] = {"messages": len(first.messages), "seconds": t, "text": fmt(t)}
    return out


def main() -> None:
    print(json.dumps(timing(), ensure_ascii=False, indent=1))
