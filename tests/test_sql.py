"""Every .sql file runs on a tiny fixture snapshot and returns its declared columns."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from vlboard import db, overview, queries, snapshots

PARAMS = {"include_demo": True, "code": "C-01", "year": 2025, "period": "2025-Q3", "period_type": "quarter",
          "period_end": dt.date(2025, 9, 30), "n_units": 2, "n_rows": 100, "pillar": "xa_hoi_so",
          "subject_type": "unit", "subject_code": "w1", "area_unit": "tp", "previous": "2025-Q2"}


@pytest.fixture
def con(tiny_data):
    _, path, _ = snapshots.current(tiny_data)
    return db.open_snapshot(path)


@pytest.mark.parametrize("name", queries.names())
def test_query_returns_declared_columns(con, name):
    q = queries.load(name)
    assert q.columns, f"{name}.sql has no '-- columns:' header"
    assert re.search(r"^-- grain:", q.text, re.MULTILINE), f"{name}.sql has no grain header"
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
