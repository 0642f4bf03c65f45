"""The indicator page's logic for every indicator of the shipped catalogue (no Streamlit): the load
test found two indicators whose page crashed (a goal printed without a year)."""

import datetime as dt

import pandas as pd
import pytest

from vlboard import charts
from vlboard.board import indicator
from vlboard.domain import roadmap, status
from vlboard.store.source import Snapshot


@pytest.fixture(scope="module")
def snap(shipped_data):
    s = Snapshot.current(shipped_data)
    yield s
    s.con.close()


def test_every_indicator_page_builds(snap):
    baselines = snap.q("baselines")
    yearless = []
    for code in snap.q("indicator_list").code:
        meta = snap.q("indicator_meta", code=code).iloc[0]
        targets = snap.q("indicator_targets", code=code)
        series = snap.q("indicator_series", code=code, include_demo=True)
        results = snap.q("indicator_results", code=code)
        if targets.year.isna().any():
            yearless.append(code)
        pace = indicator.pace_frame(targets, baselines, code)
        if pace is not None:  # the drawn path passes through every dated numeric target
            dated, _ = roadmap.dated_and_undated(targets)
            assert len(pace) >= len(dated) and set(dated.value) <= set(pace.value), code
        charts.trend(series, targets, title=code, unit=meta["unit"], pace=pace)
        indicator.long_term(indicator.yearly_values(series), targets, meta["direction"])
        table = indicator.targets_table(targets, meta["unit"])
        assert "<NA>" not in set(table["Năm"]), code
        indicator.results_table(results, meta["unit"], targets)
    assert {"KH67-NV-04", "KHCN-2025-III.1.a.T1"} <= set(yearless)


def test_goal_without_a_year_in_the_page_tables():
    targets = pd.DataFrame(
        {
            "year": pd.array([None, 2025], dtype="Int32"),
            "comparator": [">=", ">="],
            "value": [2.0, 1.5],
            "value_high": [None, None],
            "raw": ["ít nhất 2", "1,5"],
        }
    )
    table = indicator.targets_table(targets, "nền tảng")
    assert table["Năm"].tolist() == [indicator.NO_YEAR, "2025"]
    m = indicator.long_term({2024: 1.0, 2025: 1.4}, targets, "higher")
    assert m.method == 2  # the dated target is the horizon
    alone = indicator.long_term({2024: 1.0, 2025: 1.4}, targets.iloc[:1], "higher")
    assert alone.method == 1 and alone.status != "not_available"  # no target year: the trend alone
    assert roadmap.pace(targets.iloc[:1], None, dt.date(2025, 12, 31), 1.0) == (None, None, None)


def test_why_line_names_a_goal_without_a_year():
    targets = pd.DataFrame(
        {
            "year": pd.array([None], dtype="Int32"),
            "comparator": [">="],
            "value": [2.0],
            "value_high": [None],
            "raw": ["ít nhất 2"],
        }
    )
    row = {"status": "no_target", "explanation": "Văn bản không ghi mục tiêu số"}
    assert indicator.explanation(row, targets) == "Mục tiêu không ghi năm (ít nhất 2): không đánh giá theo từng kỳ"
    dated = targets.assign(year=pd.array([2025], dtype="Int32"))
    assert indicator.explanation(row, dated) == row["explanation"]
    assert indicator.explanation({**row, "status": "achieved"}, targets) == row["explanation"]


def test_results_table_says_how_each_value_stands_against_its_years_target(snap):
    """Every judged row carries its status label and the target it is judged against next to it
    (its year's, or the path's for a year without one)."""
    code = snap.con.execute(
        "select indicator_code from results where year_status = 'near' group by all order by count(*) desc limit 1"
    ).fetchone()[0]
    results = snap.q("indicator_results", code=code)
    table = indicator.results_table(results, "%", snap.q("indicator_targets", code=code))
    judged = table["Đánh giá"] != "–"
    assert judged.sum() > 0 and status.label("near") in set(table["Đánh giá"])
    assert (table.loc[judged, "Mục tiêu áp dụng"] != "–").all()
    assert list(judged) == [s in status.WITH_DATA or s == "not_due" for s in results.year_status]
    # a year without a printed target (2026, between 2025 and 2030): judged on the path, shown as such
    code = snap.con.execute(
        "select indicator_code from results r where year = 2026 and year_status = 'near' "
        "and not exists (select 1 from targets t where t.indicator_code = r.indicator_code "
        "and t.year = 2026) and exists (select 1 from targets t where t.indicator_code = r.indicator_code "
        "and t.year = 2030 and t.comparator is not null) "
        "group by all order by count(*) desc limit 1"
    ).fetchone()[0]
    results = snap.q("indicator_results", code=code)
    table = indicator.results_table(results, "%", snap.q("indicator_targets", code=code))
    on_path = table[table["Mục tiêu áp dụng"].str.startswith("lộ trình 2030")]
    assert len(on_path) and set(on_path["Kỳ"].str[:4]) == {"2026"}
    assert status.label("near") in set(on_path["Đánh giá"])


def test_the_page_counts_and_lists_the_newest_results_as_the_whole_table_would(snap):
    """indicator_years and indicator_results_newest (the page reads these instead of every result:
    ~1 M for one indicator at 100 M results) agree with sql/indicator_results read whole."""
    checked = 0
    for code in snap.q("indicator_list").code:
        every = snap.q("indicator_results", code=code)
        for demo in (True, False):
            whole = indicator.newest_first(every, demo)
            years = snap.q("indicator_years", code=code, include_demo=demo)
            by_year = pd.to_datetime(whole.period_end).dt.year
            assert int(years.n_results.sum()) == len(whole)
            assert dict(zip(years.year, years.n_values)) == {
                int(y): int(n) for y, n in whole.value.notna().groupby(by_year).sum().items()
            }
            for limit in (3, 2000):
                got = snap.q("indicator_results_newest", code=code, include_demo=demo, limit=limit)
                want = whole.head(limit)
                assert len(got) == len(want)
                key = ["period_end", "source", "unit_code", "agency_code", "value", "as_of"]
                assert (
                    sorted(map(repr, got[key].itertuples(index=False)))
                    == sorted(map(repr, want[key].itertuples(index=False)))
                    or got.period_end.min() == want.period_end.min()
                )  # ties at the cut: same newest periods
            checked += len(whole) > 3
    assert checked > 20
