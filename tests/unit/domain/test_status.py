"""Status of one result against its target: table-driven, the SQL macro and Python agree."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vlboard.domain import roadmap, status
from vlboard.store import db

STATUS_MACRO = db.MACROS_DIR / "10_status.sql"  # the one status rule in SQL (no table needed)

# kind, value, comparator, target, high, direction, basis, near → expected
CASES = [
    ("percent", 80, ">=", 80, None, "higher", "same", 0.9, "achieved"),  # exactly at target
    ("percent", 80, ">", 80, None, "higher", "same", 0.9, "near"),  # strict > is strict
    ("percent", 80.01, ">", 80, None, "higher", "same", 0.9, "achieved"),
    ("percent", 72, ">=", 80, None, "higher", "same", 0.9, "near"),  # 90% attainment
    ("percent", 71.9, ">=", 80, None, "higher", "same", 0.9, "not_achieved"),
    ("percent", 0, ">=", 80, None, "higher", "same", 0.9, "not_achieved"),  # 0%
    ("percent", 100, ">=", 100, None, "higher", "same", 0.9, "achieved"),  # 100%
    ("percent", 99, ">=", 100, None, "higher", "same", 0.99, "achieved" if 99 >= 100 else "near"),
    ("percent", 5, "<=", 5, None, "higher", "same", 0.9, "achieved"),  # ceiling met
    ("percent", 5, "<", 5, None, "higher", "same", 0.9, "near"),  # strict ceiling
    ("percent", 5.5, "<=", 5, None, "higher", "same", 0.9, "near"),  # 5/5.5 = 90.9%
    ("percent", 8, "<=", 5, None, "higher", "same", 0.9, "not_achieved"),
    ("percent", 0, "<", 5, None, "higher", "same", 0.9, "achieved"),  # 0 under a ceiling
    ("percent", 3, "<=", 5, None, "lower", "same", 0.9, "achieved"),  # lower-is-better
    ("percent", 5.4, "<=", 5, None, "lower", "same", 0.9, "near"),
    ("percent", 17, "range", 15, 20, "higher", "same", 0.9, "achieved"),
    ("percent", 25, "range", 15, 20, "higher", "same", 0.9, "achieved"),  # over-achieving
    ("percent", 14, "range", 15, 20, "higher", "same", 0.9, "near"),
    ("percent", 7, "range", 15, 20, "higher", "same", 0.9, "not_achieved"),
    ("percent", 7, ">=", 10, None, "higher", "next", 0.9, "not_due"),  # target year ahead
    ("percent", 12, ">=", 10, None, "higher", "next", 0.9, "not_due"),  # above a later target: still
    # not due (no path to judge it against; counting it 'achieved' while a value below it is 'not due'
    # made the documents-only gauges read 100%)
    ("percent", 70, ">=", 80, None, "higher", "path", 0.9, "not_achieved"),  # behind the path counts
    ("percent", 75, ">=", 80, None, "higher", "path", 0.9, "near"),
    ("percent", 85, ">=", 80, None, "higher", "path", 0.9, "achieved"),  # ahead of the path
    ("percent", None, ">=", 80, None, "higher", "path", 0.9, "no_data"),  # a path is due
    ("percent", None, ">=", 10, None, "higher", "next", 0.9, "not_due"),  # future, no data
    ("percent", None, ">=", 10, None, "higher", "same", 0.9, "no_data"),
    ("percent", None, ">=", 10, None, "higher", "previous", 0.9, "no_data"),
    ("percent", 9, ">=", 10, None, "higher", "previous", 0.9, "near"),  # after the last target
    ("qualitative", None, "done", None, None, "higher", "same", 0.9, "qualitative"),
    ("percent", 50, "done", None, None, "higher", "same", 0.9, "qualitative"),
    ("percent", 50, None, None, None, "higher", None, 0.9, "no_target"),  # missing target
    ("count", 35, ">=", 10, None, "higher", "same", 0.9, "achieved"),
    ("count", 2, ">", 3, None, "higher", "same", 0.9, "not_achieved"),
]


def macro_con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(STATUS_MACRO.read_text(encoding="utf-8"))
    return con


@pytest.mark.parametrize("kind, value, comp, target, high, direction, basis, near, expected", CASES)
def test_status_python_and_sql_agree(kind, value, comp, target, high, direction, basis, near, expected):
    assert status.classify(kind, value, comp, target, high, direction, basis, near) == expected
    got = (
        macro_con()
        .execute(
            "select vl_status($k, $v::double, $c, $t::double, $h::double, $d, $b, $n)",
            {"k": kind, "v": value, "c": comp, "t": target, "h": high, "d": direction, "b": basis, "n": near},
        )
        .fetchone()[0]
    )
    assert got == expected


@pytest.mark.parametrize(
    "value, comp, target, high, direction, expected",
    [
        (72.5, ">", 80, None, "higher", 0.90625),
        (5.5, "<=", 5, None, "higher", 5 / 5.5),
        (3, "<=", 5, None, "lower", 5 / 3),
        (14, "range", 15, 20, "higher", 14 / 15),
        (0, "<=", 5, None, "higher", None),
        (10, ">=", 0, None, "higher", None),
    ],
)
def test_attainment(value, comp, target, high, direction, expected):
    got = status.attainment(value, comp, target, high, direction)
    assert got == pytest.approx(expected) if expected is not None else got is None
    sql = (
        macro_con()
        .execute(
            "select vl_attainment($v::double, $c, $t::double, $h::double, $d)",
            {"v": value, "c": comp, "t": target, "h": high, "d": direction},
        )
        .fetchone()[0]
    )
    assert sql == pytest.approx(expected) if expected is not None else sql is None


@settings(max_examples=200, deadline=None)
@given(a=st.floats(0, 200), b=st.floats(0, 200), target=st.floats(0.1, 150), comp=st.sampled_from([">=", ">"]))
def test_status_is_monotonic_in_value_for_higher_is_better(a, b, target, comp):
    rank = {"not_achieved": 0, "near": 1, "achieved": 2}
    lo, hi = sorted((a, b))
    s_lo = status.classify("percent", lo, comp, target)
    s_hi = status.classify("percent", hi, comp, target)
    assert rank[s_lo] <= rank[s_hi]


@settings(max_examples=200, deadline=None)
@given(a=st.floats(0, 200), b=st.floats(0, 200), target=st.floats(0.1, 150))
def test_status_is_antitone_in_value_for_lower_is_better(a, b, target):
    rank = {"not_achieved": 0, "near": 1, "achieved": 2}
    lo, hi = sorted((a, b))
    assert rank[status.classify("percent", lo, "<=", target)] >= rank[status.classify("percent", hi, "<=", target)]


def targets(*rows):
    return pd.DataFrame(rows, columns=["indicator_code", "year", "comparator", "value", "value_high"])


def test_pace_from_earlier_target_to_final():
    t = targets(("X", 2023, ">=", 50, None), ("X", 2024, ">=", 80, None), ("X", 2025, ">=", 100, None))
    expected, gap, final = roadmap.pace(t, None, dt.date(2025, 7, 2), 85.0)
    assert final == 2025
    assert expected == pytest.approx(80 + 20 * 183 / 365)  # straight line 31/12/2024 → 31/12/2025
    assert gap == pytest.approx(85 - expected)


def test_pace_from_earliest_real_result_and_mirrored_for_lower():
    t = targets(("X", 2025, "<=", 10, None))
    expected, gap, final = roadmap.pace(
        t, (dt.date(2023, 12, 31), 30.0), dt.date(2024, 12, 31), 18.0, direction="lower", comparator="<="
    )
    assert expected == pytest.approx(30 - 20 * 366 / 731)
    assert gap == pytest.approx(expected - 18.0) and gap > 0  # below the path = ahead


def test_pace_needs_a_baseline_before_the_result():
    t = targets(("X", 2025, ">=", 10, None))
    assert roadmap.pace(t, (dt.date(2024, 12, 31), 7.0), dt.date(2024, 12, 31), 7.0)[:2] == (None, None)


def test_applicable_target_same_path_next_previous():
    t = targets(("X", 2023, ">=", 50, None), ("X", 2025, ">=", 80, None), ("X", 2030, ">=", 100, None))
    assert roadmap.applicable_target(t, None, dt.date(2025, 9, 30)).basis == "same"
    on_path = roadmap.applicable_target(t, None, dt.date(2024, 12, 31))
    assert (on_path.basis, on_path.target_year) == ("path", 2025)
    assert on_path.target == pytest.approx(50 + 30 * 366 / 731)
    later = roadmap.applicable_target(t, None, dt.date(2026, 9, 30))
    assert (later.basis, later.target_year) == ("path", 2030)
    assert later.target == pytest.approx(80 + 20 * 273 / 1826)
    assert roadmap.applicable_target(t, None, dt.date(2031, 3, 31)).basis == "previous"
    only_later = targets(("X", 2025, ">=", 80, None))
    assert roadmap.applicable_target(only_later, None, dt.date(2024, 12, 31)).basis == "next"
    # the baseline (earliest real value) starts a path to the first target
    with_base = roadmap.applicable_target(only_later, (dt.date(2023, 12, 31), 40.0), dt.date(2024, 12, 31))
    assert (with_base.basis, with_base.target) == ("path", pytest.approx(40 + 40 * 366 / 731))
    # … but not when it is the judged figure itself
    assert roadmap.applicable_target(only_later, (dt.date(2024, 12, 31), 40.0), dt.date(2024, 12, 31)).basis == "next"


def test_range_path_interpolates_both_bounds():
    t = targets(("X", 2025, "range", 10, 20), ("X", 2030, "range", 20, 40))
    a = roadmap.applicable_target(t, None, dt.date(2027, 12, 31))
    assert a.basis == "path" and a.comparator == "range"
    assert a.target == pytest.approx(10 + 10 * 730 / 1826) and a.target_high == pytest.approx(20 + 20 * 730 / 1826)


def test_not_due_figure_above_the_later_target_is_said():
    row = dict(
        status="not_due",
        basis="next",
        target_year=2025,
        comparator=">=",
        target=80.0,
        measure_unit="%",
        value=90.0,
        period="2024",
        source="document",
        direction="higher",
    )
    assert "đã đạt mức mục tiêu 2025 trước hạn" in status.explain(row)
    assert status.explain({**row, "value": 70.0}).count("trước hạn") == 0


def test_path_figure_is_named_as_the_path():
    row = dict(
        status="near",
        basis="path",
        target_year=2030,
        comparator=">=",
        target=82.99,
        measure_unit="%",
        value=78.0,
        period="2026-Q3",
        source="report",
        attainment=0.94,
        direction="higher",
    )
    assert status.explain(row).startswith("Lộ trình 2030 ≥ 83% (đến kỳ này)")
    assert (
        status.target_phrase("path", 2030) == "lộ trình 2030" and status.target_phrase("same", 2025) == "mục tiêu 2025"
    )
    assert status.judged_against("path", 2030, ">=", 82.99, None, "%") == "lộ trình 2030 ≥ 83%"
    assert status.judged_against("same", 2025, ">", 80.0, None, "%") == "mục tiêu 2025 > 80%"
    assert status.judged_against(None, None, None, None, None, "%") == "–"


def test_explanation_line_names_target_value_source_and_pace():
    row = dict(
        status="near",
        target_year=2025,
        comparator=">",
        target=80.0,
        target_high=None,
        measure_unit="%",
        value=72.5,
        period="2025-Q3",
        source="document",
        aggregation="headline",
        attainment=0.90625,
        pace_gap=-7.5,
        n_distinct_values=1,
        direction="higher",
    )
    assert status.explain(row) == (
        "Mục tiêu 2025 > 80% · Thực hiện 72,5% (Q3/2025, văn bản) · "
        "Gần đạt 90,6% mục tiêu · còn thiếu 7,5 điểm % · "
        "Chậm 7,5 điểm % so với lộ trình"
    )


def test_explanation_for_demo_median_and_conflicts():
    row = dict(
        status="achieved",
        target_year=2025,
        comparator=">=",
        target=10.0,
        measure_unit="sản phẩm",
        value=35.0,
        period="2024",
        source="demo",
        aggregation="median",
        value_min=20.0,
        value_max=40.0,
        attainment=3.5,
        n_distinct_values=2,
    )
    text = status.explain(row)
    assert "Thực hiện 35 sản phẩm (2024, trung vị các đơn vị, minh họa)" in text
    assert "dao động 20 sản phẩm–40 sản phẩm" in text and "văn bản nêu 2 số liệu khác nhau" in text
    assert "Đạt (350% mục tiêu)" in text


def test_explanation_without_data_or_target():
    assert (
        status.explain(dict(status="no_data", target_year=2025, comparator=">=", target=90.0, measure_unit="%"))
        == "Mục tiêu 2025 ≥ 90% · Chưa có số liệu"
    )
    assert status.explain(dict(status="qualitative", target_year=2025)).startswith("Chỉ tiêu định tính")
    assert status.label("near") == "◐ Gần đạt"


def test_pace_path_ends_at_the_final_target():
    t = targets(("X", 2024, ">=", 80, None), ("X", 2025, ">=", 100, None))
    start, end = roadmap.pace_path(t, None, dt.date(2025, 6, 30))
    assert start == (dt.date(2024, 12, 31), 80.0) and end == (dt.date(2025, 12, 31), 100.0)
    assert roadmap.pace_path(targets(("X", 2025, ">=", 10, None)), None, dt.date(2024, 12, 31)) is None


def test_a_target_without_a_year_has_no_pace_line():
    """KH67-NV-04 and KHCN-2025-III.1.a.T1 print a goal for the whole programme (no year): the
    indicator page crashed on it (found by the load test's deep links)."""
    t = targets(("X", None, ">=", 2, None))
    t["year"] = t.year.astype("Int32")
    assert roadmap.applicable_target(t, None, dt.date(2025, 12, 31)) is None
    assert roadmap.pace_path(t, (dt.date(2024, 12, 31), 1.0), dt.date(2025, 12, 31)) is None
    assert roadmap.pace(t, None, dt.date(2025, 12, 31), 1.0) == (None, None, None)
    mixed = targets(("X", None, ">=", 2, None), ("X", 2025, ">=", 5, None))
    mixed["year"] = mixed.year.astype("Int32")
    assert roadmap.applicable_target(mixed, None, dt.date(2025, 12, 31)).target_year == 2025
