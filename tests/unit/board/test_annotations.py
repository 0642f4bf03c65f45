"""The events on an indicator's trend chart (issue 20): the frame numbers the events inside the
chart's dates, the chart draws a dashed line and the number for each with the text on hover, and
hostile text stays text in the hover and the table."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from vlboard import charts
from vlboard.board import annotations

HOSTILE = "<script>alert(1)</script> =cmd|' /C calc'!A0 🚀 " + "dài " * 120


def rows(*items) -> pd.DataFrame:
    return pd.DataFrame(
        [
            dict(
                annotation_id=a, date=dt.date.fromisoformat(d), kind=k, text=t, unit_name=u, plan_name="KH 1", quote="q"
            )
            for a, d, k, t, u in items
        ]
    )


SHIPPED = rows(
    ("B", "2025-07-01", "merger", "Sáp nhập tỉnh", None),
    ("A", "2024-11-01", "method", "Đổi cách tính", "Phường 1"),
    ("C", "2031-01-01", "campaign", "Ngoài biểu đồ", None),
)
RANGE = (pd.Timestamp("2023-01-01"), pd.Timestamp("2030-12-31"))


def test_events_inside_the_range_numbered_by_date():
    e = annotations.for_indicator(SHIPPED, RANGE)
    assert e.marker.tolist() == ["①", "②"]
    assert e.date.tolist() == [dt.date(2024, 11, 1), dt.date(2025, 7, 1)]
    assert e.kind_label.tolist() == ["Đổi phương pháp", "Sắp xếp địa giới"]
    assert e.text.tolist()[0] == "Phường 1: Đổi cách tính"
    assert e.source.tolist() == ["KH 1: «q»", "KH 1: «q»"]
    t = annotations.table(e)
    assert list(t.columns) == ["Số", "Ngày", "Loại", "Nội dung", "Nguồn"]
    assert t["Ngày"].tolist() == ["01/11/2024", "01/07/2025"]


def test_no_events_without_dates_or_rows():
    assert annotations.for_indicator(SHIPPED, None).empty
    assert annotations.for_indicator(SHIPPED.iloc[:0], RANGE).empty
    assert annotations.for_indicator(SHIPPED, (pd.Timestamp("2019-01-01"), pd.Timestamp("2020-01-01"))).empty
    assert annotations.marker(21) == "21"


def figure(events: pd.DataFrame):
    series = pd.DataFrame(
        dict(period_end=[dt.date(2023, 12, 31), dt.date(2025, 12, 31)], source=["document"] * 2, value=[40.0, 60.0])
    )
    targets = pd.DataFrame(dict(year=[2025], comparator=[">="], value=[80.0], value_high=[None], raw=["80%"]))
    fig = charts.trend(series, targets, title="X", unit="%")
    return charts.mark_events(fig, annotations.for_indicator(events, charts.x_range(fig))), fig


def test_the_chart_draws_a_dashed_line_and_the_number_per_event():
    fig, _ = figure(SHIPPED)
    lines = [s for s in fig.layout.shapes if (s.name or "").startswith("event-")]
    assert [(s.x0, s.line.dash, s.yref, s.y0, s.y1) for s in lines] == [
        (pd.Timestamp("2024-11-01"), "dash", "paper", 0, 1),
        (pd.Timestamp("2025-07-01"), "dash", "paper", 0, 1),
    ]
    marks = [a for a in fig.layout.annotations if (a.name or "").startswith("event-")]
    assert [a.text for a in marks] == ["①", "②"]
    assert "01/07/2025 · Sắp xếp địa giới" in marks[1].hovertext and "Sáp nhập tỉnh" in marks[1].hovertext
    assert all(a.y == 1 for a in marks)  # far apart: one row


def test_close_events_step_down_and_hostile_text_is_escaped():
    fig, _ = figure(rows(("A", "2025-07-01", "other", HOSTILE, None), ("B", "2025-07-15", "other", "gần", None)))
    marks = [a for a in fig.layout.annotations if (a.name or "").startswith("event-")]
    assert marks[0].y == 1 and marks[1].y < 1
    hover = marks[0].hovertext
    assert "<script>" not in hover and "&lt;script&gt;" in hover and "🚀" in hover and "=cmd" in hover
    spec = json.loads(fig.to_json())
    assert "<script>" not in json.dumps(spec, ensure_ascii=False)
    table = annotations.table(annotations.for_indicator(rows(("A", "2025-07-01", "other", HOSTILE, None)), RANGE))
    assert table["Nội dung"].iloc[0] == HOSTILE  # the table holds the text; the grid and downloads show it as text


def test_no_event_no_shape():
    fig, plain = figure(SHIPPED.iloc[:0])
    assert not [s for s in fig.layout.shapes if (s.name or "").startswith("event-")]


def test_numbers_keep_clear_of_a_yearless_goal_label():
    series = pd.DataFrame(
        dict(period_end=[dt.date(2024, 6, 30), dt.date(2026, 6, 30)], source=["document"] * 2, value=[95.0, 96.0])
    )
    targets = pd.DataFrame(dict(year=[None], comparator=[">="], value=[98.0], value_high=[None], raw=["98%"]))
    fig = charts.trend(series, targets, title="X", unit="%")
    events = rows(("A", "2024-09-30", "other", "trái", None), ("B", "2026-03-31", "other", "phải", None))
    charts.mark_events(fig, annotations.for_indicator(events, charts.x_range(fig)))
    goal = [a for a in fig.layout.annotations if a.name == "yearless-target"]
    marks = {a.text: (a.y, a.yanchor) for a in fig.layout.annotations if (a.name or "").startswith("event-")}
    assert len(goal) == 1 and goal[0].text.startswith("Mục tiêu chung")
    assert marks == {"①": (0, "bottom"), "②": (1, "top")}  # the left one under the plot, away from the goal's label
