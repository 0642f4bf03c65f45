"""Each indicator's path segments kept per snapshot and carried to the next version
(vlboard.store.status_segments): what a connection reads back or carries is what the computation
over every result gives on that snapshot; a change that can move a baseline computes."""

from __future__ import annotations

import datetime as dt
import json

from tests.support.fixtures import tiny_tables
from tests.unit.store.test_delta import _row, delta_folder
from tests.unit.store.test_status_kept import report
from vlboard.store import db, kept_file, snapshots, status_segments

D = dt.date
SEGMENTS = "select * from status_path_segments order by all"
# C-01's first dated target is 2024's: its path starts at its earliest real value, 2023-Q2
ROWS = [
    _row("b", "C-01", "2023-Q2", 2023, D(2023, 6, 30), 20.0),
    _row("c", "C-01", "2023-Q3", 2023, D(2023, 9, 30), 33.0, unit="w2"),
    _row("d", "C-01", "2024-Q4", 2024, D(2024, 12, 31), 52.0),
]


def _segments(path) -> tuple[str, list[tuple]]:
    con = db.open_snapshot(path)
    try:
        how = db.keep_segments(con)
        return how, con.execute(SEGMENTS).fetchall()
    finally:
        con.close()


def _computed(path) -> list[tuple]:
    con = db.open_snapshot(path)
    try:
        return con.execute("select * from vl_path_segments() order by all").fetchall()
    finally:
        con.close()


def test_the_segments_are_kept_then_read_back(tmp_path):
    data = delta_folder(tmp_path / "d", tiny_tables(results=ROWS))
    path = snapshots.current(data)[1]
    how, first = _segments(path)
    assert how == "computed" and first == _computed(path)
    assert any(r[0] == "C-01" and r[1] == D(2023, 6, 30) for r in first)  # from the baseline
    assert _segments(path) == ("kept", first)


def test_a_value_after_the_baseline_carries_them_and_one_before_computes(tmp_path):
    data = delta_folder(tmp_path / "d", tiny_tables(results=ROWS))
    _segments(snapshots.current(data)[1])
    later = report(data, "report:C-01:w1:2023-Q4", "2023-Q4", D(2023, 12, 31), 25.0)
    how, got = _segments(later)
    assert how == "carried" and got == _computed(later)
    earlier = report(data, "report:C-01:w1:2023-Q1", "2023-Q1", D(2023, 3, 31), 5.0)  # the new baseline
    how, got = _segments(earlier)
    assert how == "computed" and got == _computed(earlier)
    assert any(r[0] == "C-01" and r[1] == D(2023, 3, 31) for r in got)


def test_a_damaged_or_foreign_file_is_computed_again(tmp_path):
    data = delta_folder(tmp_path / "d", tiny_tables(results=ROWS))
    path = snapshots.current(data)[1]
    _, want = _segments(path)
    file = status_segments._where(path)
    file.write_bytes(file.read_bytes()[:-9] + b"123456789")
    assert _segments(path) == ("computed", want)
    sums = json.loads(file.with_suffix(".json").read_text(encoding="utf-8"))
    file.with_suffix(".json").write_text(json.dumps(sums | {"fingerprint": "other"}), encoding="utf-8")
    assert kept_file.sums(file, "x") is None
    assert _segments(path) == ("computed", want)
    assert _segments(path) == ("kept", want)


def test_which_changes_can_move_a_path():
    firsts = {"A": D(2025, 12, 31), "B": D(2025, 12, 31), "C": D(2025, 12, 31)}
    starts = {"A": D(2023, 6, 30), "B": D(2025, 12, 31)}  # A from its baseline; B's path starts at its target
    assert status_segments.moved({"A": D(2024, 3, 31)}, firsts, starts) == []  # after A's baseline
    assert status_segments.moved({"A": D(2023, 6, 30)}, firsts, starts) == ["A"]  # at it: its value may change
    assert status_segments.moved({"A": D(2022, 12, 31)}, firsts, starts) == ["A"]  # before it
    assert status_segments.moved({"B": D(2024, 3, 31)}, firsts, starts) == ["B"]  # B's first baseline
    assert status_segments.moved({"C": D(2024, 3, 31)}, firsts, starts) == ["C"]  # no path yet, now one
    assert (
        status_segments.moved({"A": D(2026, 3, 31), "Z": D(2020, 1, 1)}, firsts, starts) == []
    )  # after the target; no target
