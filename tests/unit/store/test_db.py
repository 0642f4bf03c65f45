"""One DuckDB connection per snapshot shared by every session's thread (a cursor per query), and
the per-connection status cache: concurrent first use gives the same answers as serial use."""

import gc
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from vlboard.domain import periods
from vlboard.store import db, queries, schema, snapshots, tables


def _card(con, period: str, demo: bool) -> pd.DataFrame:
    p = periods.parse_period(period)
    df = queries.run(con, "status_indicators", year=p.year, period_end=p.end, include_demo=demo)
    return df.sort_values("indicator_code", kind="stable").reset_index(drop=True)


def test_concurrent_first_use_of_a_shared_connection_matches_serial(shipped_data):
    _, path, _ = snapshots.current(shipped_data)
    serial = db.open_snapshot(path)
    work = [(p, d) for p in ("2024", "2025", "2025-Q4", "2026-Q1") for d in (True, False)]
    expected = {w: _card(serial, *w) for w in work}
    serial.close()
    shared = db.open_snapshot(path)
    with ThreadPoolExecutor(8) as pool:  # 24 queries racing to prepare the same 8 periods
        got = list(pool.map(lambda w: (w, _card(shared, *w)), work * 3))
    for w, df in got:
        pd.testing.assert_frame_equal(df, expected[w], check_dtype=False, obj=str(w))
    keys = {(periods.parse_period(p).year, str(periods.parse_period(p).end), d, False) for p, d in work}
    assert db._PREPARED[shared] == keys  # 2025 and 2025-Q4 end on the same day: one entry
    for year, end, demo, _ in keys:  # each computed once, not once per racing thread
        args = {"y": year, "e": end, "d": demo}
        cached = shared.execute(
            "select count(*) from status_rows_cache where k_year = $y and k_end = $e::date and k_demo = $d", args
        ).fetchone()[0]
        assert cached == shared.execute("select count(*) from vl_status_rows($y, $e::date, $d)", args).fetchone()[0]
    shared.close()


def test_a_new_connection_never_inherits_another_ones_status_cache(shipped_data):
    _, path, _ = snapshots.current(shipped_data)
    first = db.open_snapshot(path)
    before = _card(first, "2025", True)
    first.close()
    del first
    gc.collect()
    for _ in range(5):  # ids of freed connections are reused: the answers must not be empty
        con = db.open_snapshot(path)
        pd.testing.assert_frame_equal(_card(con, "2025", True), before, check_dtype=False)
        assert (before.status != "no_data").any()
        con.close()


def test_the_macros_are_made_over_a_stand_in_then_the_views_read_the_files(shipped_data):
    """open_snapshot binds the macros over an empty results view of the schema's types (binding
    over every data file took ~0.8 s at 100 M), then the views read the files: same columns and
    types as a view made first, every row there, and the status cache's tables typed the same."""
    _, path, manifest = snapshots.current(shipped_data)
    con = db.open_snapshot(path)
    direct = db._connect(1, "256MB")
    db._read(direct, path, "results", manifest).create_view("results")
    for view in ("results", "results_stored"):
        assert con.execute(f"select count(*) from {view}").fetchone()[0] == manifest["tables"]["results"]["rows"]
    assert con.execute("describe results").fetchall() == direct.execute("describe results").fetchall()
    stand_in = db._empty(direct, schema.arrow_schema("results"))
    assert [(c, str(t)) for c, t in zip(stand_in.columns, stand_in.types, strict=True)] == [
        (r[0], r[1]) for r in direct.execute("describe results").fetchall()
    ]
    con.close()
    direct.close()


def _scanned(con, sql: str, out: Path) -> list[str]:
    """The file names each parquet scan of ``sql`` read, from DuckDB's profile."""
    con.execute("pragma enable_profiling = 'json'")
    con.execute(f"pragma profiling_output = '{out}'")  # a test's own path, not user input
    con.execute(sql).fetchall()
    con.execute("pragma disable_profiling")

    def walk(node):
        info = node.get("extra_info") or {}
        if info.get("Function") == "PARQUET_SCAN" and "/tables/results/" in str(info.get("Filename(s)")):
            yield str(info["Filename(s)"])
        for child in node.get("children", []):
            yield from walk(child)

    return [name for op in json.loads(out.read_text())["operator"] for name in walk(op)]


def test_a_filter_on_the_year_leaves_the_other_years_files_unread(shipped_data, tmp_path):
    """Each year's files are one branch of the results view with ``year`` a constant INTEGER: a
    filter on the year drops the other branches from the plan (read as a hive column cast to
    INTEGER, every scan opened every year's files: ~0.3 s of each scan at 100 M results)."""
    _, path, manifest = snapshots.current(shipped_data)
    files = tables.files(tables.data_of(path), "results", int(manifest["tables"]["results"]["delta_version"]))
    assert {"year=2023", "year=2024", "year=2025"} <= {f.rsplit("/", 2)[-2] for f in files}
    con = db.open_snapshot(path)
    assert con.execute("select distinct typeof(year) from results").fetchall() == [("INTEGER",)]
    one = _scanned(con, "select count(value) from results where year = 2025", tmp_path / "a.json")
    assert one and all("/year=2025/" in names for names in one)
    two = _scanned(con, "select count(value) from results where year between 2024 and 2025", tmp_path / "b.json")
    assert sorted(n.split("/year=")[1][:4] for n in two) == ["2024", "2025"]
    every = _scanned(con, "select count(value) from results", tmp_path / "c.json")
    assert len(every) == len({f.rsplit("/", 2)[-2] for f in files})
    by_year = dict(con.execute("select year, count(*) from results group by year").fetchall())
    assert sum(by_year.values()) == manifest["tables"]["results"]["rows"] and by_year[2025] > 0
    con.close()
