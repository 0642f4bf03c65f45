"""The results counted per group, kept per snapshot and carried (vlboard.store.summary): the queries
that read it answer as they did over every result (the previous queries, in
whole_results_reference/), and what a process reads back or derives from an earlier version is
the summary computed from every result; anything doubtful is computed again."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from tests.support.fixtures import tiny_tables
from tests.support.intake import ADMIN, WARD1, filled, run
from tests.unit.store.test_delta import _audit, _row, delta_folder
from vlboard.intake import history, imports
from vlboard.store import db, increments, queries, snapshots, status_kept, summary

D = dt.date
REFERENCE = Path(__file__).with_name("whole_results_reference")
QUERIES = ("latest_period", "periods_available", "indicator_counts", "data_date")
ORDER = "select * from results_summary order by all"


def _params(name: str, demo: bool) -> dict:
    return {} if name == "data_date" else {"include_demo": demo}


def answers(con) -> dict:
    return {(q, d): queries.run(con, q, **_params(q, d)) for q in QUERIES for d in (True, False)}


def computed(path) -> pd.DataFrame:
    """The summary from every result, nothing kept read."""
    con = db.open_snapshot(path)
    try:
        db.forget_status(con, kept=False)
        assert summary.prepare(con) == "computed"
        return con.sql(ORDER).df()
    finally:
        con.close()


def made(path) -> tuple[str, pd.DataFrame]:
    """How a new process gets the summary, and the summary."""
    con = db.open_snapshot(path)
    try:
        how = summary.prepare(con)
        return how, con.sql(ORDER).df()
    finally:
        con.close()


def live(data):
    return snapshots.current(data)[1]


def test_every_query_answers_as_it_did_over_every_result(shipped_data):
    path = live(shipped_data)
    con = db.open_snapshot(path)
    try:
        for (name, demo), got in answers(con).items():
            text = (REFERENCE / f"{name}.sql").read_text(encoding="utf-8")
            want = con.execute(text, _params(name, demo) or None).df()[list(got.columns)]
            assert len(want) > 0, name
            pd.testing.assert_frame_equal(got, want, obj=f"{name} demo={demo}")
    finally:
        con.close()


def test_kept_once_then_read_and_carried_across_imports_and_a_rollback(tmp_path):
    data = delta_folder(tmp_path / "d")
    first = snapshots.current_id(data)
    how, got = made(live(data))
    assert how == "computed" and len(got)
    sums = json.loads((summary._where(live(data)).with_suffix(".json")).read_text(encoding="utf-8"))
    assert sums["rows"] == len(got)
    how, again = made(live(data))
    assert how == "kept"
    pd.testing.assert_frame_equal(again, got)
    pd.testing.assert_frame_equal(again, computed(live(data)))
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 66.5}, "C-03": {"value": 12}}), WARD1))
    how, got = made(live(data))
    assert how == "carried"
    pd.testing.assert_frame_equal(got, computed(live(data)))
    for v in (61, 62, 63):  # nobody reads these: the fourth version goes back three
        imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": v}}), WARD1))
    how, got = made(live(data))
    assert how == "carried"
    pd.testing.assert_frame_equal(got, computed(live(data)))
    history.rollback(data, ADMIN, first, reason="nhầm")
    how, got = made(live(data))
    assert how == "kept"  # the first version is live again, with its own summary
    pd.testing.assert_frame_equal(got, computed(live(data)))
    con = db.open_snapshot(live(data))
    try:
        carried = answers(con)
        db.forget_status(con, kept=False)
        summary.forget(con)
        for key, frame in answers(con).items():
            pd.testing.assert_frame_equal(carried[key], frame, obj=str(key))
    finally:
        con.close()


def test_a_first_value_that_judges_other_rows_again_is_carried_exactly(tmp_path):
    """An early real value moves the path: other rows' stored status changes (their files are
    rewritten), their old groups empty and new ones fill."""
    rows_ = [
        _row("b", "C-01", "2023-Q2", 2023, D(2023, 6, 30), 20.0),
        _row("c", "C-01", "2023-Q3", 2023, D(2023, 9, 30), 33.0, unit="w2"),
        _row("d", "C-01", "2024-Q4", 2024, D(2024, 12, 31), 52.0),
    ]
    data = delta_folder(tmp_path / "d", tiny_tables(results=rows_))
    _, before = made(live(data))
    early = dict(_row("report:C-01:w1:2023-Q1", "C-01", "2023-Q1", 2023, D(2023, 3, 31), 5.0), reported_by="t")
    with snapshots.write_lock(data):
        increments.commit_reports(data, [early], _audit(), author="t", note="x")
    how, got = made(live(data))
    assert how == "carried"
    pd.testing.assert_frame_equal(got, computed(live(data)))
    moved = before[(before.indicator_code == "C-01") & (before.year == 2023)].year_status.tolist()
    assert moved != got[(got.indicator_code == "C-01") & (got.year == 2023)].year_status.tolist()
    assert (got.n > 0).all()


@pytest.mark.parametrize("damage", ["bytes", "fingerprint", "missing side file"])
def test_a_damaged_or_foreign_summary_is_computed_again(tmp_path, damage):
    data = delta_folder(tmp_path / "d")
    path = live(data)
    made(path)
    file = summary._where(path)
    if damage == "bytes":
        raw = bytearray(file.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        file.write_bytes(bytes(raw))
    elif damage == "fingerprint":
        sums = json.loads(file.with_suffix(".json").read_text(encoding="utf-8"))
        file.with_suffix(".json").write_text(json.dumps({**sums, "fingerprint": "other"}), encoding="utf-8")
    else:
        file.with_suffix(".json").unlink()
    how, got = made(path)
    assert how == "computed"
    pd.testing.assert_frame_equal(got, computed(path))
    assert made(path)[0] == "kept", "computed again and kept"


def test_too_much_to_read_or_a_vacuumed_file_computes(tmp_path, monkeypatch):
    data = delta_folder(tmp_path / "d")
    made(live(data))
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 66.5}}), WARD1))
    monkeypatch.setattr(status_kept, "MAX_DIFF_BYTES", 0)  # as a compaction's rewrite of every file
    how, got = made(live(data))
    assert how == "computed"
    pd.testing.assert_frame_equal(got, computed(live(data)))


def test_a_connection_told_not_to_keep_computes_and_writes_nothing(tmp_path):
    data = delta_folder(tmp_path / "d")
    path = live(data)
    computed(path)
    assert not summary._where(path).exists()
