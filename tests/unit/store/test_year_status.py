"""results.year_status: each result judged against the target applicable at its own period end
(its year's, else the path between the targets around it) when the snapshot is written (format 4),
equal to the rule evaluated at read time; format-2 and format-3 snapshots still read, judged on read."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pyarrow.parquet as pq
import pytest

from tests.support.fixtures import data_dir_with, tiny_tables
from vlboard.intake import history
from vlboard.store import build, db, queries, schema, snapshots

D = dt.date


def _row(rid, code, year, value, source="report"):
    return dict(
        result_id=rid,
        indicator_code=code,
        period=str(year),
        period_type="year",
        year=year,
        period_end=D(year, 12, 31),
        unit_code="tp",
        value=value,
        as_of=D(year, 12, 31),
        source=source,
    )


def stored(path) -> dict[str, str]:
    t = pq.read_table(path / "results.parquet", columns=["result_id", "year_status"])
    return dict(zip(t.column("result_id").to_pylist(), t.column("year_status").to_pylist()))


def test_each_result_is_judged_against_its_own_years_target(tmp_path):
    # C-01: 2024 ≥ 50, 2025 ≥ 70; T-01: 2025 > 80 only; C-02 qualitative; near band 0.9
    results = [
        _row("a", "C-01", 2024, 60.0),
        _row("b", "C-01", 2025, 60.0),
        _row("c", "C-01", 2025, 64.0),
        _row("d", "C-01", 2025, None),
        _row("e", "T-01", 2024, 99.0),
        _row("f", "T-01", 2025, 80.0),
        _row("g", "C-02", 2025, None),
        _row("h", "C-01", 2025, 70.0, "demo"),
    ]
    data = data_dir_with(tmp_path / "d", tiny_tables(results=results), "judged")
    _, path, manifest = snapshots.current(data)
    assert manifest["format"] == snapshots.FORMAT_VERSION == db.JUDGED_FORMAT == 4
    assert stored(path) == {
        "a": "achieved",  # 60 ≥ 2024's 50, though it would miss 2025's 70
        "b": "not_achieved",  # 60 / 70 = 0.86 < 0.9
        "c": "near",  # 64 / 70 = 0.91
        "d": "no_data",
        "e": "not_due",  # T-01 has no 2024 target and nothing earlier to draw a path from (e is
        # its own baseline): not due, however far above 2025's 80 it is
        "f": "near",  # strict: 80 is not > 80
        "g": "qualitative",
        "h": "achieved",
    }


def test_a_status_given_by_the_writer_is_replaced_not_trusted(tmp_path):
    tables = tiny_tables()
    forged = tables["results"].set_column(
        schema.columns("results").index("year_status"), "year_status", [["achieved"] * tables["results"].num_rows]
    )
    data = data_dir_with(tmp_path / "d", {**tables, "results": forged}, "forged")
    assert stored(snapshots.current(data)[1]) == {"r1": "not_due", "r2": "not_achieved", "r3": "achieved"}


def test_a_year_without_a_printed_target_is_judged_on_the_path(tmp_path):
    """Between 2025 (≥ 70) and 2030 (≥ 100) the path for 31/12/2027 is 70 + 30·730/1826 ≈ 81,99:
    behind it counts as much as ahead of it."""
    targets = [
        dict(indicator_code="C-01", year=2025, comparator=">=", value=70.0, raw="70%"),
        dict(indicator_code="C-01", year=2030, comparator=">=", value=100.0, raw="100%"),
        dict(indicator_code="T-01", year=2025, comparator=">", value=80.0, raw=">80%"),
    ]
    results = [
        _row("ahead", "C-01", 2027, 83.0),
        _row("near", "C-01", 2027, 75.0),
        _row("behind", "C-01", 2027, 60.0),
        _row("missing", "C-01", 2027, None),
        _row("base", "T-01", 2023, 40.0, "document"),  # T-01's baseline starts a path to 2025
        _row("t24", "T-01", 2024, 55.0),
        _row("t24demo", "T-01", 2024, 70.0, "demo"),
    ]
    data = data_dir_with(tmp_path / "d", tiny_tables(targets=targets, results=results), "path")
    got = stored(snapshots.current(data)[1])
    # T-01 on 31/12/2024: 40 + 40·366/731 ≈ 60,03 → 55 is 91,6 % of it, the demo 70 is above it
    assert got == {
        "ahead": "achieved",
        "near": "near",
        "behind": "not_achieved",
        "missing": "no_data",
        "base": "not_due",
        "t24": "near",
        "t24demo": "achieved",
    }


def test_a_format_3_snapshot_is_judged_again_on_read(shipped_data, tmp_path):
    """Format 3 stored year_status under the rule without the path: it must not be trusted."""
    data = snapshots.DataDir(tmp_path / "copy")
    shutil.copytree(shipped_data.root, data.root)
    fresh_path = snapshots.current(data)[1]
    as_older_format(data, 3)
    _, path, manifest = snapshots.current(data)
    table = pq.read_table(path / "results.parquet")
    table = table.set_column(
        table.schema.get_field_index("year_status"), "year_status", [["achieved"] * table.num_rows]
    )
    pq.write_table(table, path / "results.parquet")
    manifest["tables"]["results"]["sha256"] = snapshots._sha256(path / "results.parquet")
    (path / snapshots.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert snapshots.current(data)[2]["format"] == 3
    con, fresh = db.open_snapshot(path), db.open_snapshot(fresh_path)
    try:
        sql = "select result_id, year_status from results order by result_id"
        got, want = con.execute(sql).fetchall(), fresh.execute(sql).fetchall()
        assert got == want and {s for _, s in got} > {"achieved"}
    finally:
        con.close()
        fresh.close()


def test_stored_status_equals_the_rule_at_read_time_on_the_shipped_data(shipped_data):
    _, path, _ = snapshots.current(shipped_data)
    fast, slow = db.open_snapshot(path), db.open_snapshot(path, judge_on_read=True)
    try:
        sql = "select result_id, year_status from results order by result_id"
        a, b = fast.execute(sql).fetchall(), slow.execute(sql).fetchall()
        assert a == b and len(a) > 1000
        assert {s for _, s in a} >= {"achieved", "near", "not_achieved", "not_due"}
        for demo in (True, False):
            assert queries.run(fast, "status_all_results", include_demo=demo).equals(
                queries.run(slow, "status_all_results", include_demo=demo)
            )
    finally:
        fast.close()
        slow.close()


def as_older_format(data: snapshots.DataDir, fmt: int) -> str:
    """Rewrite the live snapshot as format ``fmt`` (2 or 3) wrote it: without the columns added
    later (format 4: quote_anchor, precedence; format 3: results.year_status)."""
    sid, path, manifest = snapshots.current(data)
    old = data.snapshots / f"{sid}-format{fmt}"
    shutil.copytree(path, old)
    for table in schema.TABLES:  # every table as one parquet file (a format-5 live one holds results in Delta)
        drop = [c for (t, c), added in schema.ADDED_IN.items() if t == table and added > fmt]
        if table == "results" and fmt < 3:
            drop.append("year_status")
        t = snapshots.read_table(path, table)
        pq.write_table(t.drop([c for c in drop if c in t.column_names]), old / f"{table}.parquet")
        manifest["tables"][table] = {"rows": t.num_rows, "sha256": snapshots._sha256(old / f"{table}.parquet")}
    (old / snapshots.MANIFEST).write_text(json.dumps({**manifest, "id": old.name, "format": fmt}), encoding="utf-8")
    snapshots.switch_current(data, old.name)
    return old.name


def as_format_2(data: snapshots.DataDir) -> str:
    return as_older_format(data, 2)


def test_a_format_2_snapshot_still_reads_with_the_same_answers(shipped_data, tmp_path):
    data = snapshots.DataDir(tmp_path / "copy")
    shutil.copytree(shipped_data.root, data.root)
    as_older_format(data, 3)  # the reference: the same rows without precedence, year_status stored
    _, new_path, _ = snapshots.current(data)
    old = as_format_2(data)
    sid, old_path, manifest = snapshots.current(data)  # verifies: the older column set is accepted
    assert sid == old and manifest["format"] == 2
    assert "year_status" not in pq.read_schema(old_path / "results.parquet").names
    new, legacy = db.open_snapshot(new_path), db.open_snapshot(old_path)
    try:
        for name, params in (
            ("status_all_results", dict(include_demo=True)),
            ("status_indicators", dict(year=2025, period_end=D(2025, 12, 31), include_demo=True)),
        ):
            assert queries.run(new, name, **params).equals(queries.run(legacy, name, **params)), name
    finally:
        new.close()
        legacy.close()
    assert history.table(data).set_index("snapshot_id").loc[old, "usable"]
    # a rebuild from it carries on in the current format
    again = build.build(data)
    assert snapshots.current(data)[2]["format"] == snapshots.FORMAT_DELTA and again != old  # a format-5 folder


def test_an_older_format_is_refused_in_vietnamese(tiny_data):
    _, path, manifest = snapshots.current(tiny_data)
    (path / snapshots.MANIFEST).write_text(json.dumps({**manifest, "format": 1}), encoding="utf-8")
    with pytest.raises(snapshots.SnapshotError, match="định dạng 1 quá cũ"):
        snapshots.verify(path)


def test_a_format_3_snapshot_still_reads_and_imports_carry_on(shipped_data, tmp_path):
    """Format 3 has no quote_anchor / precedence: it verifies, reads them as NULL (conflicting
    figures then fall back to result_id), and a rebuild from it writes the folder's format (5)."""
    data = snapshots.DataDir(tmp_path / "copy3")
    shutil.copytree(shipped_data.root, data.root)
    old = as_older_format(data, 3)
    sid, path, manifest = snapshots.current(data)
    assert sid == old and manifest["format"] == 3
    assert "precedence" not in pq.read_schema(path / "results.parquet").names
    con = db.open_snapshot(path)
    try:
        assert con.execute("select count(*) from results where precedence is not null").fetchone() == (0,)
        assert con.execute("select count(*) from indicators where quote_anchor is not null").fetchone() == (0,)
        df = queries.run(con, "status_indicators", year=2025, period_end=D(2025, 12, 31), include_demo=True)
        assert len(df) == 410
    finally:
        con.close()
    build.build(data)
    _, path, manifest = snapshots.current(data)
    assert manifest["format"] == snapshots.FORMAT_DELTA  # the shipped folder is on format 5
    assert "precedence" in snapshots.read_table(path, "results").column_names
