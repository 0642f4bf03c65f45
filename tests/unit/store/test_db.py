"""One DuckDB connection per snapshot shared by every session's thread (a cursor per query), and
the per-connection status cache: concurrent first use gives the same answers as serial use."""

import gc
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from vlboard.domain import periods
from vlboard.store import db, queries, schema, snapshots


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
