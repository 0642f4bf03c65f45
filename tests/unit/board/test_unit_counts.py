"""The ward/commune ranking, map and heat table count in SQL (``status_unit_counts``,
``status_unit_cells``) and equal the same frames built from every indicator × unit row
(``status_units``, the previous pandas path), on the shipped data: real and demo, every period,
one plan, one unit, «Chỉ số liệu đã duyệt»."""

from __future__ import annotations

import pandas as pd
import pytest

from vlboard.board import breakdowns, screens
from vlboard.domain import filters, status
from vlboard.store.source import Snapshot


@pytest.fixture(scope="module")
def src(shipped_data):
    s = Snapshot.current(shipped_data)
    yield s
    s.con.close()


def counts_of(rows: pd.DataFrame) -> pd.DataFrame:
    """Unit × status counts from the rows, in pandas: the reference."""
    return rows.groupby(["unit_code", "unit_name", "status"]).size().rename("n").reset_index()


def heat_of(rows: pd.DataFrame, card: pd.DataFrame, max_indicators: int = 25, max_units: int = 30) -> pd.DataFrame:
    """The heat table as the previous code built it from every row (the reference)."""
    keep = card.sort_values("attainment").indicator_code.head(max_indicators)
    u = rows[rows.indicator_code.isin(keep)]
    if u.unit_code.nunique() > max_units:
        share = u.assign(ok=u.status == "achieved").groupby("unit_code").ok.mean().sort_values(kind="stable")
        u = u[u.unit_code.isin(share.index[:max_units])]
    unit_of = dict(zip(card.indicator_code, card.measure_unit))
    return pd.DataFrame(
        {
            "row": u.indicator_code,
            "col": u.unit_name,
            "status": u.status,
            "value_text": [status.value_text(v, unit_of.get(c)) for v, c in zip(u.value, u.indicator_code)],
        }
    ).reset_index(drop=True)


def states(src) -> list[filters.Filters]:
    out = []
    for source in ("real", "all", "approved"):
        periods = src.q("periods_available", include_demo=source == "all").period
        out += [filters.Filters(period=p, source=source) for p in periods]
    plan = src.q("plans").code.iloc[0]
    out += [f.with_(plan=plan) for f in out[-4:]]
    return out


def test_ranking_map_and_heat_equal_the_frames_of_every_row(src):
    checked = national = 0
    for f in states(src):
        card = screens.scorecard(src, f)
        if card is None or card.empty:
            continue
        rows = screens.unit_rows(src, f, card)
        ref = counts_of(rows)
        got = screens.unit_counts(src, f, card)
        key = ["unit_code", "status"]
        pd.testing.assert_frame_equal(
            got.sort_values(key, ignore_index=True), ref.sort_values(key, ignore_index=True), check_dtype=False
        )
        pd.testing.assert_frame_equal(screens.unit_ranking(src, f, card), breakdowns.unit_ranking(ref))
        unit_list, crosswalk = src.q("unit_list"), src.q("unit_crosswalk")
        pd.testing.assert_frame_equal(
            screens.unit_map_frame(src, f, card), breakdowns.map_frame(ref, unit_list, crosswalk)
        )
        heat = screens.unit_heat(src, f, card)
        pd.testing.assert_frame_equal(heat.reset_index(drop=True), heat_of(rows, card), check_dtype=not rows.empty)
        assert screens.units_judged(src, f)(f.period, card) == bool(rows.status.isin(status.WITH_DATA).any())
        checked += 1
        national += heat.col.nunique() == breakdowns.HEAT_UNITS and rows.unit_code.nunique() > breakdowns.HEAT_UNITS
    assert checked >= 10
    assert national, "no state had more units than the heat table shows: the choice of units went unchecked"


def test_one_chosen_unit_counts_alone(src):
    f = filters.Filters(period=src.q("periods_available", include_demo=True).period.iloc[0], source="all")
    card = screens.scorecard(src, f)
    rows = screens.unit_rows(src, f, card)
    unit = rows[rows.status.isin(status.WITH_DATA)].unit_code.iloc[0]
    one = f.with_(unit=unit)
    got = screens.unit_counts(src, one, card)
    assert set(got.unit_code) == {unit}
    assert got.n.sum() == (rows.unit_code == unit).sum()
    assert set(screens.unit_heat(src, one, card).col) == set(rows[rows.unit_code == unit].unit_name)


def test_heat_units_are_the_least_achieved_ties_by_code():
    counts = pd.DataFrame(
        {
            "unit_code": ["c", "c", "a", "a", "b", "d"],
            "status": ["achieved", "not_achieved", "achieved", "near", "not_achieved", "achieved"],
            "n": [1, 1, 1, 1, 2, 3],
        }
    )
    # shares: a 1/2, b 0/2, c 1/2, d 3/3 → b, then a and c (tied: by code), then d
    assert breakdowns.heat_units(counts, max_units=3) == ["b", "a", "c"]
    assert breakdowns.heat_units(counts, max_units=4) == ["a", "b", "c", "d"]  # all of them: by code
