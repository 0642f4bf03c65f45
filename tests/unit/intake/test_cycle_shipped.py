"""The reporting cycle on the shipped data: the board of 2026-Q3 lists every subject vl_expected
obliges (no reports in the real data: all «Chưa nộp», days late counted), a rebuild keeps the
events, and migrate / build start the cycle_events table empty."""

from __future__ import annotations

import datetime as dt
import shutil

from tests.support.intake import ADMIN, intake_tables, report_one
from tests.unit.intake.conftest import _folder
from vlboard.domain.periods import parse_period
from vlboard.intake import cycle
from vlboard.store import build, migration, snapshots
from vlboard.store.source import Snapshot


def test_board_of_2026_q3_on_the_shipped_data(shipped_data):
    src = Snapshot.current(shipped_data)
    b = cycle.board(src, "2026-Q3", today=dt.date(2026, 10, 20))
    p = parse_period("2026-Q3")
    c = src.q("completeness", period=p.code, period_type=p.kind, period_end=p.end, include_demo=False)
    assert len(b) > 0
    assert set(zip(b.subject_type, b.subject_code)) == set(zip(c.subject_type, c.subject_code))
    assert list(b.expected) == list(
        c.set_index(["subject_type", "subject_code"]).loc[list(zip(b.subject_type, b.subject_code))].expected
    )
    assert (b.state == "chua_nop").all() and (b.received == 0).all()
    assert (b.due_date == dt.date(2026, 10, 10)).all() and (b.days_late == 10).all()
    assert b.subject_name.notna().all() and (b.plans != "").all()
    assert b.missing.str.len().gt(0).all()


def test_a_rebuild_keeps_the_events(shipped_data, tmp_path):
    root = tmp_path / "data"
    shutil.copytree(shipped_data.root, root)
    d = snapshots.DataDir(root)
    assert snapshots.current(d)[2]["format"] == snapshots.FORMAT_DELTA
    b = cycle.board(Snapshot.current(d), "2026-Q3")
    row = b[b.subject_type == "unit"].iloc[0]
    code = row.subject_code
    report_one(d, ("unit", code, row.subject_name), "2026-Q3", row.missing.split(", ")[0], 1, dt.date(2026, 10, 20))
    cycle.act(d, ADMIN, "submit", "unit", code, "2026-Q3", expected_state="chua_nop")
    build.build(d, author="tests")
    ev = cycle.events(Snapshot.current(d))
    assert list(zip(ev.action, ev.subject_code)) == [("submit", code)]


def test_migrate_and_build_start_the_table_empty(tmp_path):
    d = _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_VERSION)
    assert migration.migrate(d) is not None
    info = snapshots.current(d)[2]["tables"]["cycle_events"]
    assert info["rows"] == 0 and "delta_version" in info
    assert cycle.events(Snapshot.current(d)).empty
