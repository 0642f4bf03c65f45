import datetime as dt

import pandas as pd
import pytest

from vlboard.board import overview
from vlboard.domain import formatting, periods


def test_vietnamese_numbers_and_dates():
    assert formatting.number(1234.5) == "1.234,5"
    assert formatting.number(1234.0) == "1.234"
    assert formatting.percent(72.5) == "72,5%"
    assert formatting.number(None) == "–" and formatting.number(float("nan")) == "–"
    assert formatting.date(dt.date(2025, 9, 30)) == "30/09/2025"
    assert formatting.date("2024-12-27") == "27/12/2024"


@pytest.mark.parametrize(
    "code, end, label",
    [
        ("2025", dt.date(2025, 12, 31), "Năm 2025"),
        ("2025-Q3", dt.date(2025, 9, 30), "Quý III/2025"),
        ("2024-02", dt.date(2024, 2, 29), "Tháng 02/2024"),
    ],
)
def test_periods(code, end, label):
    assert periods.parse_period(code).end == end
    assert periods.label_vi(code) == label


@pytest.mark.parametrize("bad", ["2025-Q5", "25", "2025-13", "Q3/2025", "", "2025; drop table"])
def test_bad_periods_are_refused_in_vietnamese(bad):
    with pytest.raises(ValueError, match="Kỳ báo cáo không hợp lệ"):
        periods.parse_period(bad)


def test_quarters_range():
    qs = periods.quarters("2023-Q1", "2026-Q3")
    assert len(qs) == 15 and qs[-1].code == "2026-Q3"


def test_default_period_prefers_newest_then_quarter():
    df = pd.DataFrame(
        {
            "period": ["2025", "2025-Q4", "2024"],
            "period_type": ["year", "quarter", "year"],
            "period_end": [dt.date(2025, 12, 31)] * 2 + [dt.date(2024, 12, 31)],
        }
    )
    assert overview.default_period(df) == "2025-Q4"
    assert overview.default_period(df.iloc[:0]) is None
    # the newest period whose values can be judged wins over a newer one that holds only values
    # not due yet, which wins over one whose values have no numeric target at all
    judged = df.assign(n_judged=[0, 0, 5], n_with_target=[3, 0, 5])
    assert overview.default_period(judged) == "2024"
    assert overview.default_period(judged.assign(n_judged=0)) == "2025"
    assert overview.default_period(judged.assign(n_judged=0, n_with_target=0)) == "2025-Q4"


def test_figures_table_formats_values_and_keeps_quotes():
    df = pd.DataFrame(
        {
            "result_id": ["a", "b"],
            "plan_name": ["QĐ 2702"] * 2,
            "name_vi": ["x", "y"],
            "value": [1043728.0, None],
            "unit": ["hồ sơ", "trạng thái"],
            "as_of": [dt.date(2024, 12, 27), None],
            "section": ["Phụ lục I", "mục I.2"],
            "quote": ["1.043.728 hồ sơ", "Đã hoàn thành"],
            "indicator_codes": ["A", None],
        }
    )
    out = overview.figures_table(df)
    assert out["Giá trị"].tolist() == ["1.043.728", "–"]
    assert out["Thời điểm"].tolist() == ["27/12/2024", "–"]
    assert out["Trích dẫn"].tolist() == ["1.043.728 hồ sơ", "Đã hoàn thành"]


def test_indicator_is_judged_in_its_latest_year_with_data():
    from vlboard.board import indicator

    years = pd.DataFrame({"year": [2024, 2025], "n_results": [1, 1], "n_values": [1, 0]})  # indicator_years.sql
    assert indicator.judgement_period("2025-Q4", years) == "2024"
    assert indicator.judgement_period("2024-Q2", years) == "2024-Q2"
    assert indicator.judgement_period(None, years.iloc[:0]) is None
    assert indicator.judgement_period("2025-Q3", years.iloc[:0]) == "2025-Q3"
