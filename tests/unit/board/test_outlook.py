"""The outlook frame of the screens (vlboard.board.outlook) and the fan on the trend chart."""

import datetime as dt

import pandas as pd

from vlboard import charts
from vlboard.board import outlook
from vlboard.domain import outlook as domain

CARD = pd.DataFrame(
    {
        "indicator_code": ["A", "B", "C", "D", "E"],
        "name_vi": ["Tỷ lệ A", "Tỷ lệ B", "Định tính C", "Số D", "Tỷ lệ E"],
        "kind": ["percent", "percent", "qualitative", "count", "percent"],
        "measure_unit": ["%", "%", None, "doanh nghiệp", "%"],
        "direction": ["higher"] * 5,
        "status": ["achieved", "not_achieved", "qualitative", "achieved", "achieved"],
    }
)
ENDS = [pd.Timestamp(d) for d in ("2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31", "2025-03-31")]
SERIES = pd.DataFrame(
    [("A", e, v, "demo") for e, v in zip(ENDS, [40, 42, 43, 44, 99])]  # the 2025 point lies after as_of
    + [("B", ENDS[0], 30.0, "document")]
    + [("D", e, v, "report") for e, v in zip(ENDS[:4], [10, 20, 30, 40])]
    + [("E", e, v, "demo") for e, v in zip(ENDS[:4], [60, 70, 80, 92])],
    columns=["indicator_code", "period_end", "value", "source"],
)
TARGETS = pd.DataFrame(
    {
        "indicator_code": ["A", "A", "B", "D", "E"],
        "year": [2023, 2025, 2025, 2025, 2025],
        "comparator": [">=", ">=", ">=", ">=", ">="],
        "value": [30.0, 90.0, 50.0, 30.0, 90.0],
        "value_high": [None] * 5,
    }
)
AS_OF = dt.date(2024, 12, 31)


def test_frame_forecasts_refuses_and_says_why():
    f = outlook.frame(CARD, SERIES, TARGETS, AS_OF, domain.Calibration(0.3, 40)).set_index("indicator_code")
    assert list(f.index) == ["A", "B", "C", "D", "E"]
    a = f.loc["A"]
    assert a.ok and a.group == "forecast" and a.target_year == 2025 and a.n_points == 4  # 2025 point unknown yet
    assert a.demo and a.cell.endswith("%") and "cần tăng" in a.line and "điểm %/năm" in a.line
    assert 0 <= a.probability < 0.5 and a.low < a.projected < a.high <= 100
    assert f.loc["B"].group == "short" and f.loc["B"].cell == outlook.NO_OUTLOOK and "1 số liệu" in f.loc["B"].line
    assert f.loc["C"].group == "na" and "định tính" in f.loc["C"].line
    assert f.loc["D"].met and f.loc["D"].cell == "100%"
    assert f.loc["E"].met
    shown = f.astype(str)
    assert not shown.cell.str.contains("nan|None").any() and not shown.line.str.contains("nan|None").any()


def test_at_risk_is_on_track_but_unlikely():
    f = outlook.frame(CARD, SERIES, TARGETS, AS_OF, domain.Calibration(0.3, 40))
    risky = outlook.at_risk(CARD, f)
    assert list(risky["Mã"]) == ["A"]  # đạt (against 2023) but under 50% for 2025; B is not on track
    assert "có số liệu minh họa" in risky["Triển vọng"].iloc[0]
    assert "1 chỉ tiêu" in outlook.risk_text(CARD, f)
    none = outlook.frame(CARD, SERIES[SERIES.indicator_code == "B"], TARGETS, AS_OF)
    assert "chưa đủ số liệu để dự báo" in outlook.risk_text(CARD, none)
    assert "chưa đủ số liệu để dự báo" in outlook.summary(none)


def test_with_column_puts_the_probability_after_the_status():
    f = outlook.frame(CARD, SERIES, TARGETS, AS_OF, domain.Calibration(0.3, 40))
    table = pd.DataFrame({"Mã": ["B", "A", "Z"], "Tình trạng": ["x", "y", "z"], "Chỉ tiêu": ["b", "a", "z"]})
    out = outlook.with_column(table, f)
    assert list(out.columns) == ["Mã", "Tình trạng", outlook.PROBABILITY, "Chỉ tiêu", outlook.WHY]
    assert out[outlook.PROBABILITY].iloc[0] == outlook.NO_OUTLOOK and out[outlook.PROBABILITY].iloc[1].endswith("%")
    assert out[outlook.WHY].iloc[2] and out.notna().all().all()


def test_trend_draws_the_fan_to_the_target_date():
    f = outlook.frame(CARD, SERIES, TARGETS, AS_OF, domain.Calibration(0.3, 40))
    row = f[f.indicator_code == "A"].iloc[0].to_dict()
    series = SERIES[SERIES.indicator_code == "A"].assign(source="demo")
    printed = TARGETS.assign(raw=["≥ 30%", "≥ 90%", "≥ 50%", "≥ 30", "≥ 90%"])
    fig = charts.trend(series, printed[printed.indicator_code == "A"], title="T", unit="%", outlook=row)
    names = [t.name for t in fig.data]
    assert "Khoảng dự báo 80%" in names and "Dự báo (trung vị)" in names
    median = fig.data[names.index("Dự báo (trung vị)")]
    assert median.line.dash == "dash" and pd.Timestamp(median.x[-1]).date() == dt.date(2025, 12, 31)
    band = fig.data[names.index("Khoảng dự báo 80%")]
    assert max(band.y) <= 100 and min(band.y) >= 0
    met = f[f.indicator_code == "D"].iloc[0].to_dict()
    plain = charts.trend(series, printed[printed.indicator_code == "A"], title="T", unit="%", outlook=met)
    assert "Khoảng dự báo 80%" not in [t.name for t in plain.data]


def test_targets_of_every_indicator_at_once_are_each_indicators_own(shipped_data):
    from vlboard.store import db, snapshots

    _, path, _ = snapshots.current(shipped_data)
    targets = db.open_snapshot(path).execute("select * from targets").df()
    together = outlook._targets_by_indicator(targets)
    one_by_one = {c: outlook._target_rows(g) for c, g in targets.groupby("indicator_code")}
    assert {c: rows for c, rows in one_by_one.items() if rows} == together
    assert len(together) > 100
