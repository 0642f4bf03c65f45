"""Headline aggregation that knows the kind of number, roll-ups with n/N, completeness."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.fixtures import tiny_tables
from vlboard.domain import rollups, status
from vlboard.store import db, queries, snapshots

Q3 = dict(year=2025, period_end=dt.date(2025, 9, 30), include_demo=True)


def connect(tmp_path, **overrides):
    data = snapshots.DataDir(tmp_path)
    snapshots.write_snapshot(data, tiny_tables(**overrides), author="t", note="t")
    return db.open_snapshot(snapshots.current(data)[1])


def ward(rid, value, num=None, den=None, unit="w1", period="2025-Q3", source="demo"):
    return dict(
        result_id=rid,
        indicator_code="C-01",
        period=period,
        period_type="quarter",
        year=2025,
        period_end=dt.date(2025, 9, 30),
        unit_code=unit,
        value=value,
        numerator=num,
        denominator=den,
        as_of=dt.date(2025, 9, 30),
        source=source,
    )


def headline(con, code="C-01", **params):
    df = queries.run(con, "status_indicators", **{**Q3, **params})
    return df.set_index("indicator_code").loc[code]


def test_rates_with_parts_are_recomputed_from_summed_parts(tmp_path):
    con = connect(tmp_path, results=[ward("a", 90.0, 9, 10), ward("b", 50.0, 50, 100, unit="w2")])
    row = headline(con)
    assert row.aggregation == "ratio_of_sums"
    assert row.value == pytest.approx(100 * 59 / 110)  # not the mean of 90 and 50
    assert row.status == "not_achieved" and row.n_units_reporting == 2


def test_percentages_without_parts_are_not_averaged(tmp_path):
    con = connect(
        tmp_path,
        results=[ward("a", 90.0), ward("b", 50.0, unit="w2"), ward("c", 61.0, 61, 100, unit="w3")],
        units=tiny_tables()["units"].to_pylist() + [dict(unit_code="w3", name_vi="Phường 3", level="phuong")],
    )
    row = headline(con)
    assert row.aggregation == "median" and row.value == 61.0
    assert (row.value_min, row.value_max) == (50.0, 90.0)


def test_counts_are_summed(tmp_path):
    inds = tiny_tables()["indicators"].to_pylist()
    inds[1] = dict(inds[1], kind="count", unit="điểm")
    con = connect(tmp_path, indicators=inds, results=[ward("a", 3.0), ward("b", 4.0, unit="w2")])
    row = headline(con)
    assert (row.aggregation, row.value, row.status) == ("sum", 7.0, "not_achieved")


def test_a_whole_city_figure_wins_over_units(tmp_path):
    con = connect(tmp_path, results=[ward("a", 90.0, 9, 10), ward("city", 72.0, unit="tp", source="document")])
    assert headline(con).value == 72.0 and headline(con).aggregation == "headline"


def test_no_data_and_not_due(tmp_path):
    con = connect(tmp_path, results=[])
    df = queries.run(con, "status_indicators", **Q3).set_index("indicator_code")
    assert df.loc["C-01", "status"] == "no_data"
    assert df.loc["C-02", "status"] == "qualitative"
    early = queries.run(
        con, "status_indicators", year=2024, period_end=dt.date(2024, 6, 30), include_demo=True
    ).set_index("indicator_code")
    assert early.loc["T-01", "status"] == "not_due"  # first target is 2025


def test_a_unit_that_stops_reporting_shows_as_no_data(tmp_path):
    q2 = dict(ward("old", 80.0, 8, 10, unit="w2", period="2025-Q2"), period_end=dt.date(2025, 6, 30))
    con = connect(tmp_path, results=[ward("a", 90.0, 9, 10), q2])
    units = queries.run(con, "status_units", **Q3).set_index("unit_code")
    assert units.loc["w1", "status"] == "achieved"
    assert units.loc["w2", "status"] == "achieved"  # its Q2 value is the newest in 2025
    y2026 = queries.run(con, "status_units", year=2026, period_end=dt.date(2026, 3, 31), include_demo=True)
    assert set(y2026.status) == {"no_data"}


def test_demo_filter_hides_demo(tmp_path):
    con = connect(tmp_path)
    assert headline(con, include_demo=False).status == "no_data"


def test_status_counts_print_n_of_with_data():
    frame = pd.DataFrame(
        {"pillar": ["a", "a", "a", "b"], "status": ["achieved", "not_achieved", "no_data", "qualitative"]}
    )
    out = rollups.by_pillar(frame).set_index("pillar")
    assert out.loc["a", "n_of"] == "1/2" and out.loc["a", "pct_achieved"] == 50
    assert out.loc["a", "n_total"] == 3 and out.loc["a", "no_data"] == 1
    assert pd.isna(out.loc["b", "pct_achieved"]) and out.loc["b", "n_of"] == "0/0"


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["cq", "kt", "xh"]), st.sampled_from(list(status.STATUSES))), min_size=1, max_size=60
    )
)
def test_rollup_counts_sum_to_the_number_of_indicators(pairs):
    frame = pd.DataFrame(pairs, columns=["pillar", "status"])
    out = rollups.by_pillar(frame)
    assert out.n_total.sum() == len(frame)
    assert (out[list(status.STATUSES)].sum(axis=1) == out.n_total).all()
    assert (out.n_with_data <= out.n_total).all()


def test_agency_rollup_keeps_lead_and_partner_apart(tmp_path):
    con = connect(tmp_path)
    a = queries.run(con, "status_agencies", **Q3)
    assert set(a.role) == {"lead"}
    out = rollups.by_agency(a)
    assert list(out.role) == ["lead"] and out.n_total.sum() == len(a)


def test_completeness_expected_received_on_time(tmp_path):
    reported = [
        dict(ward("a", 90.0, 9, 10), reported_at=dt.datetime(2025, 10, 5)),
        dict(ward("b", 70.0, unit="w2"), reported_at=dt.datetime(2025, 11, 20)),
    ]
    con = connect(tmp_path, results=reported)
    c = queries.run(
        con, "completeness", period="2025-Q3", period_type="quarter", period_end=dt.date(2025, 9, 30), include_demo=True
    ).set_index("subject_code")
    assert (c.loc["w1", "expected"], c.loc["w1", "received"], c.loc["w1", "on_time"]) == (1, 1, 1)
    assert (c.loc["w2", "received"], c.loc["w2", "on_time"]) == (1, 0)  # 51 days late
    assert c.loc["A-1", "expected"] == 1 and c.loc["A-1", "missing"] == "C-01"


# ------------------------------------------------------------------------------ shipped data


@pytest.fixture(scope="module")
def shipped_con(shipped_data):
    return db.open_snapshot(snapshots.current(shipped_data)[1])


def test_shipped_headline_statuses_cover_every_indicator(shipped_con):
    df = queries.run(shipped_con, "status_indicators", **{**Q3, "period_end": dt.date(2025, 12, 31)})
    assert len(df) == 410 and df.indicator_code.is_unique
    assert set(df.status) <= set(status.STATUSES)
    counts = rollups.by_pillar(df)
    assert counts.n_total.sum() == 410


def test_shipped_real_figures_are_judged(shipped_con):
    df = queries.run(
        shipped_con, "status_indicators", year=2024, period_end=dt.date(2024, 12, 31), include_demo=False
    ).set_index("indicator_code")
    # QĐ 2702 Phụ lục I: digital economy 7% of GRDP against 10% in 2025 → not due yet, 3 points short
    kts = df.loc["DA2702-2025-23"]
    assert (kts.value, kts.status, kts.basis) == (7.0, "not_due", "next")
    assert "còn thiếu 3 điểm %" in status.explain(kts.to_dict())
    # traceability: 35 products against ≥ 10 in 2025: above the later target, but with nothing
    # earlier to draw a path from it is not due either (symmetric: ahead counts no more than behind)
    early = df.loc["DA2702-2025-28"]
    assert (early.status, early.basis) == ("not_due", "next")
    assert "đã đạt mức mục tiêu 2025 trước hạn" in status.explain(early.to_dict())


def test_shipped_completeness_names_who_has_not_reported(shipped_con):
    c = queries.run(
        shipped_con,
        "completeness",
        period="2025-Q2",
        period_type="quarter",
        period_end=dt.date(2025, 6, 30),
        include_demo=True,
    )
    summary = rollups.completeness_summary(c)
    assert (summary.received <= summary.expected).all() and (summary.on_time <= summary.received).all()
    assert (summary.received < summary.expected).any()  # demo has gaps
    assert set(summary.subject_type) == {"unit", "agency"}


def test_off_track_of_a_period_with_nothing_off_track_is_empty():
    """The overview's "Chỉ tiêu chậm nhất" once showed ten rows of None: the rank Series of the
    whole card was assigned to the empty selection and pandas added its rows."""
    from vlboard.board import overview

    card = pd.DataFrame(
        {
            "indicator_code": [f"I-{i}" for i in range(12)],
            "status": ["achieved"] * 6 + ["not_due"] * 6,
            "attainment": [1.0] * 12,
            "name_vi": ["x"] * 12,
            "status_label": ["✔ Đạt"] * 12,
            "explanation": ["y"] * 12,
        }
    )
    assert overview.off_track(card).empty
    card.loc[3, "status"] = "near"
    assert list(overview.off_track(card)["Mã"]) == ["I-3"]


@pytest.mark.parametrize(
    "pct, code",
    [
        (None, "no_data"),
        (float("nan"), "no_data"),
        (80.0, "achieved"),
        (79.9, "near"),
        (60.0, "near"),
        (59.9, "not_achieved"),
    ],
)
def test_share_band_is_the_gauge_and_map_rule(pct, code):
    assert rollups.share_band(pct) == code


def test_map_colours_a_unit_by_its_share_of_indicators_achieved():
    from vlboard.board import breakdowns

    units = pd.DataFrame(
        {
            "unit_code": ["x2025-a"] * 5 + ["x2025-b"] * 2 + ["old-1"],
            "indicator_code": list("abcde") + list("ab") + ["a"],
            # a: 4 đạt of 5 → 80% (đạt) although its median attainment is below 100%
            "status": ["achieved"] * 4 + ["not_achieved"] + ["not_due", "qualitative"] + ["near"],
            "attainment": [1.0, 1.0, 1.0, 1.0, 0.1, None, None, 0.95],
        }
    )
    unit_list = pd.DataFrame(
        {
            "unit_code": ["x2025-a", "x2025-b", "x2025-c"],
            "official_code": ["1", "2", "3"],
            "name_vi": ["Phường A", "Xã B", "Xã C"],
        }
    )
    crosswalk = pd.DataFrame({"old_unit_code": ["old-1"], "new_unit_code": ["x2025-c"]})
    counts = units.groupby(["unit_code", "status"]).size().rename("n").reset_index()  # as status_unit_counts
    frame = breakdowns.map_frame(counts, unit_list, crosswalk).set_index("unit_code")
    assert (
        frame.loc["x2025-a", "status"] == "achieved" and frame.loc["x2025-a", "value_text"] == "80% chỉ tiêu đạt (4/5)"
    )
    assert frame.loc["x2025-b", "status"] == "no_data" and "chưa có" in frame.loc["x2025-b", "value_text"]
    assert frame.loc["x2025-c", "status"] == "not_achieved"  # an old ward counts for its 2025 unit: 0/1
    assert frame.loc["x2025-c", "official_code"] == "3"


def test_latest_with_data_skips_periods_without_a_judged_indicator():
    from vlboard.board import screens

    cards = {
        "2025-Q4": pd.DataFrame({"status": ["not_due", "qualitative"]}),
        "2025": pd.DataFrame({"status": ["no_data"]}),
        "2025-Q3": pd.DataFrame({"status": ["near", "not_due"]}),
        "2024": pd.DataFrame({"status": ["achieved"]}),
    }
    periods = list(cards)
    assert screens.latest_with_data(periods, cards.get) == "2025-Q3"
    assert screens.latest_with_data(periods, cards.get, skip="2025-Q3") == "2024"
    # a panel that needs more (its wards' own figures) offers only a period where it has them
    assert screens.latest_with_data(periods, cards.get, judged=lambda p, c: p == "2024") == "2024"
    assert screens.latest_with_data(periods, cards.get, judged=lambda p, c: False) is None
    assert not screens.has_judgement(None) and not screens.has_judgement(cards["2025"])
