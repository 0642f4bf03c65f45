"""Every .sql file runs on a tiny fixture snapshot and returns its declared columns."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from vlboard.board import overview
from vlboard.store import db, queries, snapshots

PARAMS = {
    "include_demo": True,
    "code": "C-01",
    "year": 2025,
    "period": "2025-Q3",
    "period_type": "quarter",
    "period_end": dt.date(2025, 9, 30),
    "n_units": 2,
    "n_rows": 100,
    "m_from": 0,  # sql/bench_synthetic_results.sql: the months generated
    "m_to": 36,
    "source": "demo",  # sql/bench_synthetic_results.sql: how the synthetic rows are labelled
    "pillar": "xa_hoi_so",
    "subject_type": "unit",
    "subject_code": "w1",
    "area_unit": "tp",
    "previous": "2025-Q2",
    "approved_only": True,  # the filter «Chỉ số liệu đã duyệt» (its own cache rows)
    # the data API's queries (sql/api_*.sql): a NULL filter means any
    "plan": None,
    "agency": None,
    "unit": None,
    "limit": 10,
    "offset": 0,
    "codes": ["C-01"],
    "units": ["w1"],  # sql/status_unit_cells.sql: the heat table's units
    "replaced": ["C-01|w1||2025-Q3"],  # sql/baseline_rows.sql: the keys an import replaces
}


@pytest.fixture
def con(tiny_data):
    _, path, _ = snapshots.current(tiny_data)
    return db.open_snapshot(path)


@pytest.mark.parametrize("name", queries.names())
def test_query_returns_declared_columns(con, name):
    q = queries.load(name)
    assert q.columns, f"{name}.sql has no '-- columns:' header"
    assert re.search(r"^-- grain:", q.text, re.MULTILINE), f"{name}.sql has no grain header"
    for view in {"removed_rows", "added_rows"} & set(q.needs):  # sql/changed_periods.sql, touched_units.sql
        con.table("results").create_view(view)
    for view in {"removed_events", "added_events"} & set(q.needs):  # sql/touched_subjects.sql
        con.table("cycle_events").create_view(view)
    if "summary_earlier" in q.needs:  # sql/results_summary_carried.sql
        con.sql(queries.load("results_summary").text).create_view("summary_earlier")
    df = queries.run(con, name, **{p: PARAMS[p] for p in q.params})
    assert list(df.columns) == list(q.columns)


def test_sql_uses_only_bound_parameters():
    for name in queries.names():
        text = queries.load(name).text
        assert "{" not in text and "%s" not in text, name


def test_indicator_counts_respect_demo_filter(con):
    with_demo = queries.run(con, "indicator_counts", include_demo=True)
    real = queries.run(con, "indicator_counts", include_demo=False)
    assert with_demo.n_with_results.sum() == 2 and real.n_with_results.sum() == 1
    assert with_demo.n_indicators.sum() == 3


def test_latest_period_counts_what_can_be_judged(con):
    """T-01's 2024 document figure has only a 2025 target and nothing before it to draw a path
    from: a value with a target, not yet judged; the 2025-Q3 demo values are judged."""
    periods = queries.run(con, "latest_period", include_demo=True).set_index("period")
    assert periods.index.tolist() == ["2025-Q3", "2024"]
    assert periods.loc["2025-Q3", "n_judged"] == 2 and periods.loc["2024", "n_judged"] == 0
    assert periods.loc["2024", "n_with_target"] == 1
    real = queries.run(con, "latest_period", include_demo=False)
    assert real.period.tolist() == ["2024"]
    assert overview.default_period(real) == "2024"  # nothing judged: the latest value with a target
    assert overview.default_period(periods.reset_index()) == "2025-Q3"


def test_wrong_parameters_are_refused(con):
    with pytest.raises(TypeError):
        queries.run(con, "indicator_results")
    with pytest.raises(ValueError):
        queries.load("../etc/passwd")


def test_conflicting_figures_of_one_date_follow_precedence_not_record_order(tmp_path):
    """Two document figures for C-01, city, 2025, same date: the text's 40% comes first in record
    order (result_id "a…"), the plan's monitoring table says 90% (precedence 1). The status rows,
    the trend series, the template's previous value and the baseline all take 90%."""
    from tests.support.fixtures import data_dir_with, tiny_tables

    d = dt.date

    def doc(rid, value, precedence):
        return dict(
            result_id=rid,
            indicator_code="C-01",
            period="2025",
            period_type="year",
            year=2025,
            period_end=d(2025, 12, 31),
            unit_code="tp",
            value=value,
            as_of=d(2025, 8, 31),
            source="document",
            quote=f"{value:g}%",
            precedence=precedence,
        )

    conflict = [doc("a-text", 40.0, 2), doc("b-table", 90.0, 1)]
    data = data_dir_with(tmp_path / "d", tiny_tables(results=conflict), "conflict")
    con = db.open_snapshot(snapshots.current(data)[1])
    try:
        rows = con.execute(
            "select value, n_distinct_values, status from vl_status_rows(2025, date '2025-12-31', true) "
            "where indicator_code = 'C-01' and unit_code = 'tp'"
        ).fetchall()
        assert rows == [(90.0, 2, "achieved")]
        series = con.execute("select value from vl_series(true) where indicator_code = 'C-01'").fetchall()
        assert series == [(90.0,)]
        base = queries.run(con, "baselines")
        assert base.set_index("indicator_code").loc["C-01", "value"] == 90.0
    finally:
        con.close()
    # the same figures with the precedences swapped: the pick follows precedence, not record order
    swapped = [doc("a-text", 40.0, 1), doc("b-table", 90.0, 2)]
    data = data_dir_with(tmp_path / "s", tiny_tables(results=swapped), "swapped")
    con = db.open_snapshot(snapshots.current(data)[1])
    try:
        rows = con.execute(
            "select value from vl_status_rows(2025, date '2025-12-31', true) "
            "where indicator_code = 'C-01' and unit_code = 'tp'"
        ).fetchall()
        assert rows == [(40.0,)]
    finally:
        con.close()


def test_shipped_fibre_households_2024_is_the_monitoring_tables_79(shipped_data):
    """QĐ 2702 prints 71,43% (Phần II, mục I.8) and 79% (Phụ lục I) as of 27/12/2024 (and 74,1% as of
    14/8/2024); record order picked 71,43%, the rule picks the plan's monitoring table."""
    con = db.open_snapshot(snapshots.current(shipped_data)[1])
    try:
        for code in ("DA2702-2025-29", "KH67-2025-13"):
            rows = con.execute(
                "select value, n_distinct_values from vl_status_rows(2024, date '2024-12-31', false) "
                "where indicator_code = $c and value is not null",
                {"c": code},
            ).fetchall()
            assert rows == [(79.0, 3)], code
    finally:
        con.close()


WINDOW_BASELINES = """select indicator_code, period_end, value, source
from results
where source <> 'demo' and value is not null and isfinite(value)
qualify row_number() over (partition by indicator_code order by period_end, as_of, precedence nulls last, result_id) = 1
order by indicator_code"""  # the formulation sql/baselines.sql replaced (a window over every real row)


def test_baselines_pick_as_the_window_did_on_ties_and_missing_fields(tmp_path, shipped_data):
    """sql/baselines.sql is one aggregate per indicator; its order (period end, as of, precedence,
    a missing as of or precedence last, result id) is the window's, checked on ties of each field
    and on the shipped data."""
    from tests.support.fixtures import data_dir_with, tiny_tables

    d = dt.date

    def row(rid, code, end, value, as_of, precedence, source="document"):
        return dict(
            result_id=rid,
            indicator_code=code,
            period=str(end.year),
            period_type="year",
            year=end.year,
            period_end=end,
            unit_code="tp",
            value=value,
            as_of=as_of,
            source=source,
            precedence=precedence,
        )

    rows = [
        row("z", "C-01", d(2024, 12, 31), 10.0, d(2024, 6, 30), 3),  # earliest date, latest id
        row("y", "C-01", d(2024, 12, 31), 11.0, None, 1),  # no as of: after any as of
        row("x", "C-01", d(2024, 12, 31), 12.0, d(2024, 6, 30), None),  # no precedence: last
        row("w", "C-01", d(2025, 12, 31), 1.0, d(2024, 1, 1), 1),  # a later date loses
        row("a", "T-01", d(2024, 12, 31), 5.0, None, None),
        row("b", "T-01", d(2024, 12, 31), 6.0, None, None),  # all equal but the id
        row("c", "T-01", d(2023, 12, 31), 7.0, None, None, source="demo"),  # demo never counts
        row("e", "C-02", d(2024, 12, 31), float("inf"), d(2024, 1, 1), 1),  # not a number: skipped
        row("f", "C-02", d(2025, 12, 31), 3.0, d(2025, 1, 1), 1),
    ]
    ties = data_dir_with(tmp_path / "ties", tiny_tables(results=rows), "ties")
    for data in (ties, shipped_data):
        con = db.open_snapshot(snapshots.current(data)[1])
        try:
            want = con.sql(WINDOW_BASELINES).fetchall()
            got = con.sql(queries.load("baselines").text).fetchall()
        finally:
            con.close()
        assert got == want and want
        if data is ties:
            assert {r[0]: r[2] for r in got} == {"C-01": 10.0, "T-01": 5.0, "C-02": 3.0}
