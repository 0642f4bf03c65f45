"""The headline series kept per snapshot (vlboard.store.series): after every kind of write the file
holds exactly what vl_series_all() computes from that snapshot's results, the pages read it, and a
damaged file is named and not served."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil

import pyarrow.parquet as pq
import pytest

from tests.support.fixtures import tiny_tables
from tests.support.intake import ADMIN, WARD1, filled, intake_tables, run
from tests.unit.store.test_delta import _audit, _row, delta_folder
from vlboard.intake import history, imports
from vlboard.store import db, increments, queries, series, snapshots, tables
from vlboard.store.source import Snapshot

D = dt.date


def _rows(t) -> list[tuple]:
    out = []
    for r in t.to_pylist():
        v = r["value"]
        out.append(
            (r["indicator_code"], r["period"], r["period_end"], r["source"], r["aggregation"], r["n_units"])
            + ((round(v, 9) if v is not None and math.isfinite(v) else v),)
        )
    return sorted(out, key=repr)


def stored(path) -> list[tuple]:
    return _rows(pq.read_table(path / series.FILE))


def computed(path) -> list[tuple]:
    """vl_series_all() from the snapshot's results, as a snapshot without the file is read."""
    con = db.open_snapshot(path)
    try:
        con.execute((db.MACROS_DIR / "40_series.sql").read_text(encoding="utf-8"))
        return _rows(con.sql(queries.load("series_all").text).to_arrow_table())
    finally:
        con.close()


def live(data) -> tuple[str, object]:
    _, path, manifest = snapshots.current(data)
    return manifest, path


def test_a_build_keeps_the_series_and_the_pages_read_it(tmp_path):
    data = delta_folder(tmp_path / "d")
    manifest, path = live(data)
    assert manifest["series"]["rows"] == len(stored(path)) > 0
    assert stored(path) == computed(path)
    con = db.open_snapshot(path)
    try:
        want = con.execute("select * from vl_series(true)").fetchall()
        con.execute("create or replace view results as select * from results where false")
        assert con.execute("select * from vl_series(true)").fetchall() == want  # read, not computed
        demo = con.execute("select count(*) from vl_series(false) where source = 'demo'").fetchone()
        assert demo == (0,) and len(want) > len(con.execute("select * from vl_series(false)").fetchall())
    finally:
        con.close()


def test_an_import_recomputes_its_periods_and_keeps_the_rest(tmp_path):
    data = delta_folder(tmp_path / "d")
    _, before = live(data)
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 66.5}, "C-03": {"value": 12}}), WARD1))
    _, path = live(data)
    assert stored(path) == computed(path) != stored(before)
    changed = {r[:4] for r in set(stored(path)) ^ set(stored(before))}
    assert changed and {r[1] for r in changed} == {"2025-Q3"}  # only the import's period moved


def test_a_value_that_moves_the_path_and_a_group_left_empty(tmp_path):
    # C-01's only 2023-Q2 row is demo: the report replaces it, so that demo group must go
    rows = [
        _row("a", "C-01", "2023-Q2", 2023, D(2023, 6, 30), 20.0, source="demo"),
        _row("c", "C-01", "2023-Q4", 2023, D(2023, 12, 31), 33.0),
        _row("d", "C-01", "2024-Q4", 2024, D(2024, 12, 31), 52.0),
    ]
    data = delta_folder(tmp_path / "d", tiny_tables(results=rows))
    _, before = live(data)
    assert ("C-01", "2023-Q2") in {(r[0], r[1]) for r in stored(before) if r[3] == "demo"}
    new = [
        dict(_row("report:C-01:w1:2023-Q2", "C-01", "2023-Q2", 2023, D(2023, 6, 30), 21.0), reported_by="t"),
        dict(_row("report:C-01:w1:2023-Q1", "C-01", "2023-Q1", 2023, D(2023, 3, 31), 19.0), reported_by="t"),
    ]
    with snapshots.write_lock(data):
        increments.commit_reports(data, new, _audit(), author="t", note="x")
    _, path = live(data)
    assert stored(path) == computed(path)
    assert not [r for r in stored(path) if r[3] == "demo"]


def test_compaction_and_many_imports_stay_exact(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "SMALL_FILES", 3)
    data = delta_folder(tmp_path / "d")
    for v in (12, 13, 14, 15):
        imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": v}, "C-01": {"value": 60 + v}}), WARD1))
        _, path = live(data)
        assert stored(path) == computed(path)


def test_a_write_that_leaves_the_results_carries_the_file_and_a_rollback_reads_its_own(tmp_path):
    data = delta_folder(tmp_path / "d")
    first = snapshots.current_id(data)
    _, path0 = live(data)
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 66.5}}), WARD1))
    _, path1 = live(data)
    with snapshots.write_lock(data):  # only the imports audit changes
        snapshots.write_change(
            data,
            lambda m: {"imports": {"rows": 2, "delta_version": tables.append(data, "imports", _one_audit())}},
            author="t",
            note="audit only",
        )
    manifest, path2 = live(data)
    assert (path2 / series.FILE).read_bytes() == (path1 / series.FILE).read_bytes()
    assert manifest["series"]["sha256"] == snapshots.current(data)[2]["series"]["sha256"]
    history.rollback(data, ADMIN, first, reason="nhầm")
    assert stored(live(data)[1]) == stored(path0) == computed(path0)
    b = imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": 9}}), WARD1))
    _, path3 = live(data)
    assert path3.name == b and stored(path3) == computed(path3)
    assert not [r for r in stored(path3) if r[6] == 66.5]  # the undone import stays undone


def _one_audit():
    import pyarrow as pa

    from vlboard.store import schema

    return pa.Table.from_pylist([_audit()], schema=schema.arrow_schema("imports"))


def test_a_parent_without_the_file_gets_the_whole_series(tmp_path):
    data = delta_folder(tmp_path / "d", intake_tables())
    manifest, path = live(data)
    del manifest["series"]  # as written before the file existed
    (path / series.FILE).unlink()
    (path / snapshots.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    src = Snapshot.current(data)
    assert queries.run(src.con, "indicator_series", code="C-01", include_demo=True).shape[0] > 0  # computed
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 66.5}}), WARD1))
    _, path = live(data)
    assert stored(path) == computed(path)


def test_the_shipped_series_is_kept_whole(shipped_data):
    _, path = live(shipped_data)
    if not (path / series.FILE).exists():
        pytest.skip("the shipped folder predates the series file")
    assert stored(path) == computed(path)


@pytest.mark.parametrize("damage", ["bytes", "missing", "columns"])
def test_a_damaged_series_file_is_named_and_the_last_good_serves(tmp_path, damage):
    data = delta_folder(tmp_path / "d")
    first = snapshots.current_id(data)
    imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": 12}}), WARD1))
    _, path = live(data)
    file = path / series.FILE
    if damage == "bytes":
        raw = bytearray(file.read_bytes())
        raw[8] ^= 0xFF
        file.write_bytes(bytes(raw))
    elif damage == "missing":
        file.unlink()
    else:  # a consistent file of the wrong shape
        pq.write_table(pq.read_table(file).drop_columns(["n_units"]), file)
        manifest = json.loads((path / snapshots.MANIFEST).read_text(encoding="utf-8"))
        manifest["series"]["sha256"] = snapshots._sha256(file)
        (path / snapshots.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(snapshots.SnapshotError, match="series.parquet"):
        snapshots.current(data)
    assert snapshots.last_good(data) == snapshots.snapshot_dir(data, first)
    shutil.rmtree(tmp_path / "d")


def test_only_the_rows_a_change_moves_count_as_touched(tmp_path, monkeypatch):
    """A merge rewrites the whole file holding a replaced row (other periods with it), and a
    compaction rewrites files unchanged: only the periods of rows added or removed are read again."""
    monkeypatch.setattr(tables, "SMALL_FILES", 2)
    data = delta_folder(tmp_path / "d")
    seen = []
    real = series._touched

    def spy(con, removed, added):
        got = real(con, removed, added)
        seen.append((len(removed), len(added), got))
        return got

    monkeypatch.setattr(series, "_touched", spy)
    for v in (12, 13):
        imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 60 + v}}), WARD1))
    rewritten = [s for s in seen if s[0]]  # a file was removed: rewritten by the merge or compacted
    assert rewritten and all(s[2] == {(2025, "2025-Q3")} for s in seen), seen
    _, path = live(data)
    periods_in_files = {
        p
        for f in snapshots.data_files(path, "results")
        for p in pq.read_table(f, columns=["period"]).column(0).to_pylist()
    }
    assert len(periods_in_files) > 1  # the rewritten files hold other periods too


def test_a_bulk_change_computes_every_period_one_at_a_time(tmp_path, monkeypatch):
    """Beyond DIFF_BYTES of added and removed files (a bulk load: 100 M rows ran the comparison out
    of memory) the rows are not compared: every period is computed, each on its own."""
    data = delta_folder(tmp_path / "d")
    monkeypatch.setattr(series, "DIFF_BYTES", 0)
    asked: list[list] = []
    of_periods = series._of_periods
    monkeypatch.setattr(
        series, "_of_periods", lambda con, files, periods: asked.append(periods) or of_periods(con, files, periods)
    )
    monkeypatch.setattr(series, "_touched", lambda *a: pytest.fail("rows compared"))
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 66.5}}), WARD1))
    _, path = live(data)
    assert stored(path) == computed(path)
    assert len(asked) > 1 and all(len(p) == 1 for p in asked)
