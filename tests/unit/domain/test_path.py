"""The applicable target (year's target, else the path between the targets around the date): the
SQL macro vl_targets_at and vlboard.domain.roadmap.applicable_target agree on every shipped indicator."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from vlboard.domain import roadmap
from vlboard.store import db, queries, snapshots

DATES = [dt.date(y, m, d) for y in range(2022, 2033) for m, d in ((6, 30), (12, 31))]


@pytest.fixture(scope="module")
def shipped(shipped_data):
    _, path, _ = snapshots.current(shipped_data)
    con = db.open_snapshot(path)
    yield con
    con.close()


def baselines(con) -> dict:
    bases = queries.run(con, "baselines")  # the pace baseline of the indicator page
    return {r.indicator_code: (pd.Timestamp(r.period_end).date(), float(r.value)) for r in bases.itertuples()}


def test_sql_and_python_pick_the_same_target_for_every_indicator_and_date(shipped):
    targets = shipped.execute("select * from targets").df()
    base = baselines(shipped)
    by_code = dict(tuple(targets.groupby("indicator_code")))
    checked = {"same": 0, "path": 0, "next": 0, "previous": 0}
    for when in DATES:
        sql = shipped.execute("select * from vl_targets_at($d, $d)", {"d": when}).df().set_index("indicator_code")
        for code, t in by_code.items():
            want = roadmap.applicable_target(t, base.get(code), when)
            if want is None:
                assert code not in sql.index, (code, when)
                continue
            got = sql.loc[code]
            assert got.basis == want.basis and int(got.target_year) == want.target_year, (code, when)
            assert got.comparator == want.comparator, (code, when)
            assert got.target == pytest.approx(want.target), (code, when)
            assert (pd.isna(got.target_high) and want.target_high is None) or got.target_high == pytest.approx(
                want.target_high
            ), (code, when)
            checked[want.basis] += 1
    assert min(checked.values()) > 50, checked  # every branch of the rule is exercised


def test_the_pace_line_is_the_path_the_status_uses(shipped):
    """For a year without a printed target, the value the indicator page's pace line passes through
    at the period end is the target the status is judged against."""
    targets = shipped.execute("select * from targets").df()
    row = (
        shipped.execute(
            "select * from vl_targets_at(date '2027-12-31', date '2027-12-31') "
            "where basis = 'path' order by indicator_code limit 1"
        )
        .df()
        .iloc[0]
    )
    t = targets[targets.indicator_code == row.indicator_code]
    expected, _, final = roadmap.pace(t, baselines(shipped).get(row.indicator_code), dt.date(2027, 12, 31), 0.0)
    assert expected == pytest.approx(row.target) and final == row.target_year


def test_paths_of_every_indicator_at_once_are_each_indicators_own_path(shipped):
    targets = shipped.execute("select * from targets").df()
    base = baselines(shipped)
    together = roadmap.paths_by_indicator(targets, base)
    one_by_one = {code: roadmap.path_points(t, base.get(code)) for code, t in targets.groupby("indicator_code")}
    assert {c: p for c, p in one_by_one.items() if p} == together
    assert any(p[0].comparator is None for p in together.values()), "some path starts at a baseline"
    assert len(together) > 100
