"""Figure builders of vlboard.charts: structure (traces, arrays, targets, titles, footers, colours),
never pixels. Tiny frames only."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
import unicodedata

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from tests.support.fixtures import ROOT
from vlboard import charts
from vlboard.charts.theme import LEGEND_ROOM
from vlboard.domain import rollups, status
from vlboard.domain.status import STATUSES

DATE, NOTE = "30/09/2025", "Có số liệu minh họa"
D = dt.date


def colour_at(scale, z: float, zmin: float, zmax: float) -> str:
    """The colour a flat-banded colorscale gives to z (band containing the normalised z)."""
    t = (z - zmin) / (zmax - zmin)
    for (lo, c_lo), (hi, _) in zip(scale, scale[1:]):
        if lo <= t < hi:
            return c_lo
    return scale[-1][1]


def footer(fig: go.Figure) -> str:
    notes = [a.text for a in fig.layout.annotations if a.name == "footer"]
    assert len(notes) == 1
    return notes[0]


def legend_names(fig: go.Figure) -> list[str]:
    return [t.name for t in fig.data if t.showlegend]


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture
def counts() -> pd.DataFrame:
    row = dict.fromkeys(STATUSES, 0)
    return pd.DataFrame(
        [
            {**row, "pillar": "chinh_quyen_so", "achieved": 3, "near": 1, "not_achieved": 2},
            {**row, "pillar": "kinh_te_so", "achieved": 0, "near": 2, "qualitative": 4},
        ]
    )


@pytest.fixture
def card() -> pd.DataFrame:
    rows = [
        (
            "A-1",
            "Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình trên cổng",
            72.5,
            80.0,
            ">",
            "%",
            0.90625,
            "near",
        ),
        ("A-2", "Số doanh nghiệp số", 150.0, 100.0, ">=", "doanh nghiệp", 1.5, "achieved"),
        ("A-3", "Tỷ lệ người dân có tài khoản", 40.0, 80.0, ">=", "%", 0.5, "not_achieved"),
        ("A-4", "Tỷ lệ chữ ký số", 20.0, 80.0, ">=", "%", 0.25, "not_achieved"),
        ("A-5", "Chỉ tiêu vượt xa", 300.0, 100.0, ">=", "%", 3.0, "achieved"),
        ("A-6", "Chưa có số liệu", None, 50.0, ">=", "%", np.nan, "no_data"),
    ]
    df = pd.DataFrame(
        rows,
        columns=["indicator_code", "name_vi", "value", "target", "comparator", "measure_unit", "attainment", "status"],
    )
    return df.assign(target_high=np.nan, status_label=df.status.map(status.label))


@pytest.fixture
def geojson() -> dict:
    def square(code: str, name: str, x: float) -> dict:
        ring = [[x, 10.0], [x, 10.1], [x + 0.1, 10.1], [x + 0.1, 10.0], [x, 10.0]]
        return {
            "type": "Feature",
            "properties": {"code": code, "fullName": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }

    return {
        "type": "FeatureCollection",
        "features": [square("001", "Phường Một", 106.0), square("002", "Xã Hai", 106.1), square("003", "Xã Ba", 106.2)],
    }


def all_figures(counts, card, geojson) -> dict[str, go.Figure]:
    kw = dict(data_date=DATE, note=NOTE)
    series = pd.DataFrame(
        {"period_end": [D(2024, 12, 31), D(2025, 9, 30)], "value": [60.0, 72.5], "source": ["document", "demo"]}
    )
    targets = pd.DataFrame(
        {"year": [2025], "comparator": [">"], "value": [80.0], "value_high": [np.nan], "raw": [">80%"]}
    )
    multi = pd.DataFrame({"indicator_code": ["A-1"], "period_end": [D(2025, 6, 30)], "value": [1.0]})
    matrix = pd.DataFrame({"unit": ["P1"], "period": ["Q3/2025"], "status": ["near"], "value_text": ["75%"]})
    return {
        "gauge": charts.pillar_gauge(72.5, 3, 8, pillar_label="Chính quyền số", **kw),
        "status_bars": charts.status_bars(counts, group_col="pillar", title="Trạng thái", **kw),
        "bullets": charts.progress_bullets(card, title="Tiến độ", **kw),
        "trend": charts.trend(series, targets, title="Xu hướng", unit="%", **kw),
        "multiples": charts.small_multiples(
            multi, multi.assign(year=2025).drop(columns="period_end"), titles={"A-1": "Một"}, title="Nhiều", **kw
        ),
        "heatmap": charts.count_heatmap(counts, row_col="pillar", title="Đếm", **kw),
        "matrix": charts.status_matrix(matrix, row_col="unit", col_col="period", title="Ma trận", **kw),
        "league": charts.league(
            pd.DataFrame({"name": ["P1"], "pct_achieved": [50.0], "n_of": ["1/2"]}), title="Xếp hạng", **kw
        ),
        "map": charts.choropleth(
            geojson,
            pd.DataFrame(
                {"official_code": ["001"], "name": ["Phường Một"], "status": ["achieved"], "value_text": ["90%"]}
            ),
            title="Bản đồ",
            **kw,
        ),
        "budget": charts.budget_bars(
            pd.DataFrame({"agency": ["Sở A"], "y2025": [1.0], "y2026_2030": [2.0]}), title="Kinh phí", **kw
        ),
    }


# ------------------------------------------------------------------------------- theme, export


def test_slug_strips_vietnamese_diacritics():
    assert charts.slug("Tổng quan Quý III/2025") == "tong-quan-quy-iii-2025"
    assert charts.slug("Đắk Lắk – đường ƯỚC") == "dak-lak-duong-uoc"
    assert charts.slug("  --Hồ sơ (2025)!! ") == "ho-so-2025"
    assert charts.slug(unicodedata.normalize("NFD", "Vĩnh Long")) == "vinh-long"


def test_plotly_config():
    assert charts.plotly_config("Tổng quan Quý III/2025") == {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": "tong-quan-quy-iii-2025", "scale": 2},
        "locale": "vi",
        "locales": {"vi": {"dictionary": charts.theme.MODEBAR_VI}},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def test_the_slim_template_keeps_the_defaults_of_every_trace_type_drawn():
    """``theme.slim`` keeps the trace defaults of TRACE_TYPES only: a chart drawing another type
    would lose plotly_white's look for it. Every ``go.<Trace>(`` in vlboard must be listed."""
    import re

    from vlboard.charts import theme

    drawn = set()
    for path in (ROOT / "vlboard").rglob("*.py"):
        drawn |= {name.lower() for name in re.findall(r"\bgo\.([A-Z][A-Za-z]+)\(", path.read_text(encoding="utf-8"))}
    drawn -= {"figure"}
    assert drawn and drawn <= set(theme.TRACE_TYPES), sorted(drawn - set(theme.TRACE_TYPES))
    for name in ("plotly_white", "plotly_dark"):
        slim, full = theme.slim(name), pio.templates[name]
        assert slim is theme.slim(name), "built once"
        assert slim.layout == full.layout
        assert all(slim.data[t] == full.data[t] for t in theme.TRACE_TYPES)


def test_finish_theme_and_footer():
    fig = charts.finish(
        go.Figure(go.Bar(x=[1], y=["a"])),
        title=unicodedata.normalize("NFD", "Kinh tế số"),
        data_date=DATE,
        note=NOTE,
        height=333,
    )
    assert fig.layout.title.text == "Kinh tế số"  # NFC
    assert fig.layout.font.family == charts.FONT == "Noto Sans, DejaVu Sans, sans-serif"
    assert fig.layout.separators == ",."
    full = pio.templates["plotly_white"]
    assert fig.layout.template.layout == full.layout, "plotly_white's layout whole"
    assert fig.layout.template.data.bar == full.data.bar and not fig.layout.template.data.pie
    assert fig.layout.paper_bgcolor == fig.layout.plot_bgcolor == "white"
    assert fig.layout.height == 333
    note = [a for a in fig.layout.annotations if a.name == "footer"][0]
    assert note.text == f"Số liệu đến ngày {DATE} · {NOTE}"
    assert (note.xref, note.yref, note.x, note.y, note.xanchor) == (
        "paper",
        "paper",
        1,
        0,
        "right",
    )  # right: clear of long bar labels
    assert note.font.size <= 12 and note.font.color == charts.GREY


def test_finish_footer_optional_and_not_duplicated():
    fig = charts.finish(go.Figure(), title="T")
    assert not [a for a in fig.layout.annotations if a.name == "footer"]
    assert fig.layout.height is None
    assert footer(charts.finish(go.Figure(), title="T", note=NOTE)) == NOTE
    fig = charts.finish(charts.finish(go.Figure(), title="T", data_date="1/1/2025"), title="T", data_date=DATE)
    assert footer(fig) == f"Số liệu đến ngày {DATE}"


def test_every_figure_is_themed_and_serialisable(counts, card, geojson):
    for name, fig in all_figures(counts, card, geojson).items():
        assert fig.layout.font.family == charts.FONT, name
        assert fig.layout.separators == ",.", name
        assert fig.layout.template == charts.theme.slim("plotly_white"), name
        assert fig.layout.title.text, name
        assert footer(fig).startswith(f"Số liệu đến ngày {DATE} · {NOTE}"), name
        json.loads(fig.to_json())  # valid properties, no NaN surprises


def test_pure_module_imports_no_streamlit_or_duckdb_and_opens_no_data():
    code = (
        "import builtins, sys\nopened = []\nreal = builtins.open\n"
        "builtins.open = lambda f, *a, **k: (opened.append(str(f)), real(f, *a, **k))[1]\n"
        "import vlboard.charts\n"
        "assert 'streamlit' not in sys.modules and 'duckdb' not in sys.modules, 'forbidden import'\n"
        "assert not [f for f in opened if '/data/' in f], opened\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


# ------------------------------------------------------------------------------------- gauges


@pytest.mark.parametrize(
    "pct, code",
    [
        (85.0, "achieved"),
        (80.0, "achieved"),
        (65.0, "near"),
        (60.0, "near"),
        (59.9, "not_achieved"),
        (0.0, "not_achieved"),
    ],
)
def test_pillar_gauge(pct, code):
    fig = charts.pillar_gauge(pct, 3, 8, pillar_label="Chính quyền số", n_near=1)
    (ind,) = fig.data
    assert ind.type == "indicator" and ind.mode == "gauge+number" and ind.value == pct
    assert ind.number.suffix == "%" and ind.number.valueformat == ".0f"
    assert tuple(ind.gauge.axis.range) == (0, 100)
    assert ind.gauge.bar.color == STATUSES[code].colour
    assert rollups.share_band(pct) == code  # the map's units use the same rule as the gauge
    assert ind.gauge.threshold.value == 80
    assert ind.title.text == (
        "Chính quyền số<br><sub>3/8 chỉ tiêu có số liệu đạt</sub><br><sub>◐ 1 gần đạt · ✖ 4 chưa đạt</sub>"
    )
    assert fig.layout.title.text == "% chỉ tiêu đạt"
    assert fig.layout.font.family == charts.FONT


def test_pillar_gauge_arc_is_the_distribution():
    """3 đạt, 1 gần đạt, 4 chưa đạt of 8: green to 37,5%, orange to 50%, red to 100%."""
    ind = charts.pillar_gauge(37.5, 3, 8, pillar_label="X", n_near=1).data[0]
    assert [(tuple(s.range), s.color) for s in ind.gauge.steps] == [
        ((0, 37.5), "#CDEBDD"),
        ((37.5, 50.0), "#F9E3B8"),
        ((50.0, 100), "#F6D5C6"),
    ]
    everything = charts.pillar_gauge(100.0, 2, 2, pillar_label="X").data[0]
    assert [tuple(s.range) for s in everything.gauge.steps] == [(0, 100.0)]


def test_pillar_gauge_custom_band_and_missing_value():
    fig = charts.pillar_gauge(75.0, 1, 2, pillar_label="Xã hội số", band=70.0)
    assert fig.data[0].gauge.threshold.value == 70
    assert fig.data[0].gauge.bar.color == STATUSES["achieved"].colour
    fig = charts.pillar_gauge(None, 0, 0, pillar_label="Kinh tế số")
    ind = fig.data[0]
    assert ind.value is None and "number" not in ind.mode
    assert ind.title.text.startswith("Kinh tế số: –") and "0/0 chỉ tiêu" in ind.title.text
    assert "chưa có chỉ tiêu có số liệu" in ind.title.text
    assert ind.gauge.bar.color == STATUSES["no_data"].colour
    assert {s.color for s in ind.gauge.steps} == {charts.NO_DATA_FILL}
    assert charts.pillar_gauge(float("nan"), 0, 0, pillar_label="K").data[0].value is None


def test_heat_cells_carry_their_row_for_the_click_through():
    frame = pd.DataFrame(
        {
            "row": ["A-1", "A-1", "B-2"],
            "col": ["P1", "P2", "P1"],
            "status": ["achieved", "near", "not_achieved"],
            "value_text": ["1", "2", "3"],
        }
    )
    fig = charts.status_matrix(frame, row_col="row", col_col="col", title="M", clickable=True)
    overlay = [t for t in fig.data if t.type == "scatter" and t.customdata is not None]
    assert len(overlay) == 1 and overlay[0].marker.opacity == 0
    assert sorted(c[0] for c in overlay[0].customdata) == ["A-1", "A-1", "B-2"]
    assert fig.data[0].hoverinfo == "skip"  # the overlay carries the hover text instead
    assert not [
        t
        for t in charts.status_matrix(frame, row_col="row", col_col="col", title="M").data
        if t.type == "scatter" and t.customdata is not None
    ]


def test_bars_carry_codes_for_the_click_through():
    card = pd.DataFrame(
        {
            "indicator_code": ["A-1"],
            "name_vi": ["Một"],
            "attainment": [0.5],
            "status": ["not_achieved"],
            "value": [5.0],
            "measure_unit": ["%"],
            "comparator": [">="],
            "target": [10.0],
            "target_high": [None],
        }
    )
    bar = charts.progress_bullets(card, title="T").data[0]
    assert bar.customdata[0][0] == "A-1"
    league = pd.DataFrame({"agency_code": ["g1"], "name": ["Sở A"], "pct_achieved": [50.0], "n_of": ["1/2"]})
    assert charts.league(league, title="L").data[0].customdata[0][0] == "g1"


# ----------------------------------------------------------------------------------- bar charts


def test_status_bars(counts):
    labels = {"chinh_quyen_so": "Chính quyền số", "kinh_te_so": "Kinh tế số"}
    fig = charts.status_bars(counts, group_col="pillar", group_labels=labels, title="Theo trụ cột", data_date=DATE)
    assert fig.layout.barmode == "stack" and fig.layout.title.text == "Theo trụ cột"
    codes = ["not_achieved", "near", "achieved", "qualitative"]  # STATUSES order, all-zero skipped
    assert [t.name for t in fig.data] == [status.label(c) for c in codes]
    assert [t.marker.color for t in fig.data] == [STATUSES[c].colour for c in codes]
    assert all(t.type == "bar" and t.orientation == "h" for t in fig.data)
    achieved = fig.data[2]
    assert achieved.y == ("Chính quyền số", "Kinh tế số")
    assert achieved.x == (3, 0) and achieved.text == ("3", "")
    assert all(t.name[0] == STATUSES[c].icon for t, c in zip(fig.data, codes))  # not colour alone
    assert charts.status_bars(counts, group_col="pillar", title="T").data[0].y == ("chinh_quyen_so", "kinh_te_so")


def test_progress_bullets_order_caps_text_and_target_line(card):
    fig = charts.progress_bullets(card, title="Tiến độ", data_date=DATE)
    bars = {t.name: t for t in fig.data}
    assert list(bars) == [status.label(c) for c in ("not_achieved", "near", "achieved")]
    order = list(fig.layout.yaxis.categoryarray)
    assert [y.split(" — ")[0] for y in order] == ["A-4", "A-3", "A-1", "A-2", "A-5"]  # severity, then attainment
    assert fig.layout.yaxis.autorange == "reversed"
    assert all(len(y.split(" — ", 1)[1]) <= 28 for y in order)  # short labels: a phone has ~350 px
    assert order[2].endswith("…") and order[2].startswith("A-1 — Tỷ lệ hồ sơ")
    done = bars[status.label("achieved")]
    assert done.x == (150.0, 150.0)  # 150% and 300% both capped at 150
    assert done.marker.color == STATUSES["achieved"].colour
    near = bars[status.label("near")]
    assert near.x == (pytest.approx(90.625),)
    assert near.text == ("72,5% / mục tiêu > 80%",)
    assert done.text[0] == "150 doanh nghiệp / mục tiêu ≥ 100 doanh nghiệp"
    (line,) = fig.layout.shapes
    assert (line.type, line.x0, line.x1, line.line.dash) == ("line", 100, 100, "dash")
    assert "Mục tiêu" in [a.text for a in fig.layout.annotations]
    assert fig.layout.xaxis.title.text == "% so với mục tiêu"
    assert fig.layout.height == 120 + 28 * 5 + LEGEND_ROOM
    # the full name is in the hover
    hover = [d[2] for t in fig.data for d in t.customdata]
    assert any(h.startswith("A-1 — Tỷ lệ hồ sơ") and not h.endswith("…") for h in hover)


def test_progress_bullets_max_rows_and_empty(card):
    fig = charts.progress_bullets(card, title="T", max_rows=2)
    assert [y.split(" — ")[0] for y in fig.layout.yaxis.categoryarray] == ["A-4", "A-3"]
    assert sum(len(t.y) for t in fig.data) == 2
    empty = charts.progress_bullets(card[card.attainment.isna()], title="T")
    assert not empty.data and not empty.layout.shapes


def test_league_sorted_with_missing_last():
    frame = pd.DataFrame(
        {
            "name": ["Phường 1", "Phường 3", "Phường 4"],
            "pct_achieved": [50.0, np.nan, 87.5],
            "n_of": ["1/2", "0/0", "7/8"],
        }
    )
    fig = charts.league(frame, title="Xếp hạng")
    (bar,) = fig.data
    assert bar.type == "bar" and bar.orientation == "h"
    assert bar.y == ("Phường 4", "Phường 1", "Phường 3")
    assert bar.x == (87.5, 50.0, 0.0)
    assert bar.text == ("87,5% (7/8)", "50% (1/2)", "chưa có số liệu")
    assert tuple(fig.layout.xaxis.range) == (0, 100)
    assert fig.layout.xaxis.title.text == "% chỉ tiêu đạt (trong số có số liệu)"


def test_budget_bars():
    frame = pd.DataFrame(
        {"agency": ["Sở A", "Sở B", "Sở C"], "y2025": [1234.5, 100.0, np.nan], "y2026_2030": [0.0, 5000.0, 10.0]}
    )
    fig = charts.budget_bars(frame, title="Kinh phí")
    assert fig.layout.barmode == "group"
    assert [t.name for t in fig.data] == ["Năm 2025", "Giai đoạn 2026–2030"]
    y2025, later = fig.data
    assert y2025.y == later.y == ("Sở B", "Sở A", "Sở C")  # by total, descending
    assert y2025.x == (100.0, 1234.5, 0) and y2025.text == ("100", "1.234,5", "")
    assert later.text == ("5.000", "0", "10")
    assert fig.layout.xaxis.title.text == "triệu đồng"


# --------------------------------------------------------------------------------------- lines


def test_trend_sources_and_targets():
    series = pd.DataFrame(
        {
            "period_end": [D(2025, 9, 30), D(2023, 12, 31), D(2024, 12, 31), D(2025, 3, 31)],
            "value": [72.5, 50.0, 60.0, 66.0],
            "source": ["demo", "document", "document", "report"],
        }
    )
    targets = pd.DataFrame(
        {
            "year": [2030, 2025, 2025],
            "comparator": [">=", ">", "done"],
            "value": [95.0, 80.0, np.nan],
            "value_high": [np.nan] * 3,
            "raw": ["95%", "> 80%", "Hoàn thành"],
        }
    )
    fig = charts.trend(series, targets, title="Tỷ lệ hồ sơ", unit="%", data_date=DATE)
    assert [t.name for t in fig.data] == ["Văn bản", "Báo cáo", "Minh họa", "Mục tiêu"]
    doc, report, demo, target = fig.data
    assert all(t.type == "scatter" for t in fig.data)
    assert doc.mode == "lines+markers" and doc.y == (50.0, 60.0)
    assert [pd.Timestamp(x).date() for x in doc.x] == [D(2023, 12, 31), D(2024, 12, 31)]
    assert demo.line.dash == "dash" and doc.line.dash != "dash"
    assert target.mode == "markers+lines" and target.line.dash == "dot" and target.marker.symbol == "diamond"
    assert [pd.Timestamp(x).date() for x in target.x] == [D(2025, 12, 31), D(2030, 12, 31)]
    assert target.y == (80.0, 95.0) and target.hovertext == ("&gt; 80%", "95%")  # Plotly labels are HTML
    assert fig.layout.yaxis.title.text == "%"
    assert tuple(fig.layout.yaxis.range) == (0, 100)
    high = charts.trend(series.assign(value=[120.0] * 4), targets, title="T", unit="% dân số")
    assert tuple(high.layout.yaxis.range) == (0, pytest.approx(126.0))


def test_trend_draws_a_goal_without_a_year_as_a_level():
    """KH67-NV-04 prints '≥ 2' for the whole programme, with no year: a labelled level, not a point."""
    series = pd.DataFrame({"period_end": [D(2025, 12, 31)], "value": [1.0], "source": ["document"]})
    targets = pd.DataFrame(
        {
            "year": pd.array([None, 2025], dtype="Int32"),
            "comparator": [">=", ">="],
            "value": [2.0, 1.5],
            "value_high": [np.nan] * 2,
            "raw": ["ít nhất 2 <nền tảng>", "1,5"],
        }
    )
    fig = charts.trend(series, targets, title="T", unit="nền tảng")
    assert [t.name for t in fig.data] == ["Văn bản", "Mục tiêu"] and fig.data[1].y == (1.5,)
    (level,) = [s for s in fig.layout.shapes if s.y0 == s.y1]
    assert level.y0 == 2.0 and level.line.dash == "dot"
    (note,) = [a for a in fig.layout.annotations if "không nêu năm" in a.text]
    assert "&lt;nền tảng&gt;" in note.text
    only = charts.trend(series, targets.iloc[:1], title="T", unit="%")
    assert [t.name for t in only.data] == ["Văn bản"] and tuple(only.layout.yaxis.range) == (0, 100)


def test_trend_non_percent_unit_and_no_numeric_target():
    series = pd.DataFrame({"period_end": [D(2025, 6, 30)], "value": [1500.0], "source": ["report"]})
    targets = pd.DataFrame(
        {"year": [2025], "comparator": ["done"], "value": [np.nan], "value_high": [np.nan], "raw": ["Hoàn thành"]}
    )
    fig = charts.trend(series, targets, title="Số hồ sơ", unit="hồ sơ")
    assert [t.name for t in fig.data] == ["Báo cáo"]
    assert fig.layout.yaxis.title.text == "hồ sơ" and fig.layout.yaxis.range is None


def test_small_multiples_grid():
    series = pd.DataFrame(
        {
            "indicator_code": ["B", "A", "A"],
            "period_end": [D(2025, 6, 30), D(2024, 12, 31), D(2025, 6, 30)],
            "value": [3.0, 1.0, 2.0],
        }
    )
    targets = pd.DataFrame({"indicator_code": ["A", "B"], "year": [2025, 2030], "value": [5.0, 9.0]})
    titles = {
        "A": "Tỷ lệ doanh nghiệp sử dụng hợp đồng điện tử trong giao dịch",
        "B": "Số người dùng",
        "C": "Ba",
        "D": "Bốn",
    }
    fig = charts.small_multiples(series, targets, titles=titles, title="Xu hướng", ncols=3)
    subtitles = [a.text for a in fig.layout.annotations if a.name != "footer"]
    # long titles wrap to two lines instead of being cut
    assert subtitles[:4] == [
        "Tỷ lệ doanh nghiệp sử dụng hợp<br>đồng điện tử trong giao dịch",
        "Số người dùng",
        "Ba",
        "Bốn",
    ]
    assert all(len(line) <= 34 for s in subtitles[:4] for line in s.split("<br>"))
    assert "Chưa có số liệu" in subtitles  # cells C and D have nothing
    assert fig.layout.height == 120 + 220 * 2 + LEGEND_ROOM
    # one legend entry says what the diamonds mark
    assert [t.name for t in fig.data if t.showlegend] == ["◆ Mục tiêu (cuối năm)"]
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    marks = [t for t in fig.data if t.mode == "markers"]
    assert [t.name for t in lines] == ["A", "B", "C", "D"]
    assert lines[0].y == (1.0, 2.0) and lines[0].xaxis == "x" and lines[1].xaxis == "x2"
    assert [(t.xaxis, t.y, t.marker.symbol) for t in marks] == [("x", (5.0,), "diamond"), ("x2", (9.0,), "diamond")]
    assert pd.Timestamp(marks[1].x[0]).date() == D(2030, 12, 31)


# ------------------------------------------------------------------------------------ heatmaps


def test_count_heatmap(counts):
    frame = counts[["pillar", "achieved", "near"]]
    fig = charts.count_heatmap(frame, row_col="pillar", title="Đếm")
    (hm,) = fig.data
    assert hm.type == "heatmap" and hm.showscale is False
    assert hm.x == (status.label("near"), status.label("achieved"))  # STATUSES order
    assert hm.y == ("chinh_quyen_so", "kinh_te_so")
    assert [list(r) for r in hm.z] == [[1, 3], [2, 0]]
    assert [list(r) for r in hm.text] == [["1", "3"], ["2", "0"]] and hm.texttemplate == "%{text}"
    assert hm.colorscale[0][1].upper() in ("#FFFFFF", "WHITE") and hm.colorscale[-1][1] == "#0072B2"
    assert fig.layout.height == 160 + 26 * 2


def test_status_matrix():
    frame = pd.DataFrame(
        {
            "unit": ["Phường 3", "Phường 3", "Phường 1"],
            "period": ["Q2", "Q1", "Q2"],
            "status": ["achieved", "not_achieved", "near"],
            "value_text": ["81%", "40%", "75%"],
        }
    )
    fig = charts.status_matrix(frame, row_col="unit", col_col="period", title="Ma trận", data_date=DATE)
    hm = fig.data[0]
    assert hm.type == "heatmap" and hm.showscale is False
    assert hm.y == ("Phường 3", "Phường 1") and hm.x == ("Q2", "Q1")  # first appearance
    idx = {c: i for i, c in enumerate(STATUSES)}
    assert [list(r) for r in hm.z] == [[idx["achieved"], idx["not_achieved"]], [idx["near"], None]]
    assert [list(r) for r in hm.text] == [["✔ 81%", "✖ 40%"], ["◐ 75%", ""]]
    assert "Đạt" in hm.hovertext[0][0] and "Phường 3" in hm.hovertext[0][0]
    scale = [list(s) for s in hm.colorscale]
    stops = [v for v, _ in scale]  # plotly.js silently drops a scale that is not 0 … 1 non-decreasing
    assert stops[0] == 0 and stops[-1] == 1 and stops == sorted(stops)
    for code, i in idx.items():
        assert colour_at(scale, i, hm.zmin, hm.zmax) == STATUSES[code].colour
    keys = fig.data[1:]
    assert [t.name for t in keys] == [status.label(c) for c in ("not_achieved", "near", "achieved")]
    assert [t.marker.color for t in keys] == [STATUSES[c].colour for c in ("not_achieved", "near", "achieved")]
    assert all(t.x == (None,) and t.showlegend for t in keys)


def test_choropleth_offline_status_map(geojson):
    frame = pd.DataFrame(
        {
            "official_code": ["002", "001"],
            "name": ["Xã Hai", "Phường Một"],
            "status": ["near", "achieved"],
            "value_text": ["75%", "90%"],
        }
    )
    fig = charts.choropleth(geojson, frame, title="Bản đồ", data_date=DATE, note=NOTE)
    # first trace: a Scattergeo without locations, so plotly.js never fetches its CDN world map
    assert fig.data[0].type == "scattergeo" and fig.data[0].locations is None
    choro = [t for t in fig.data if t.type == "choropleth"]
    grey, main = choro
    assert grey.name == "Không có số liệu" and grey.locations == ("003",)
    assert {c for _, c in grey.colorscale} == {"#EEEEEE"} and "Xã Ba" in grey.hovertext[0]
    assert main.geojson == geojson and main.featureidkey == "properties.code"
    assert main.locations == ("002", "001")
    idx = list(STATUSES)
    assert main.z == (idx.index("near"), idx.index("achieved"))
    for z, code in zip(main.z, ("near", "achieved")):
        assert colour_at([list(s) for s in main.colorscale], z, main.zmin, main.zmax) == STATUSES[code].colour
    assert main.marker.line.color == "white" and main.marker.line.width == 0.5
    assert "Xã Hai" in main.hovertext[0] and status.label("near") in main.hovertext[0]
    assert legend_names(fig) == [status.label("near"), status.label("achieved"), "Không có số liệu"]
    assert all(t.type == "scattergeo" and t.lat == (None,) for t in fig.data if t.showlegend)
    geo = fig.layout.geo
    assert geo.fitbounds == "locations" and geo.visible is False
    assert not any(geo[f"show{layer}"] for layer in ("land", "lakes", "ocean", "coastlines", "countries"))
    lines = footer(fig).split("<br>")
    assert lines == [f"Số liệu đến ngày {DATE} · {NOTE}", charts.ATTRIBUTION]
    assert "thanglequoc/vietnamese-provinces-database (MIT)" in lines[1] and "sapnhap.bando.com.vn" in lines[1]
    assert footer(charts.choropleth(geojson, frame, title="B")) == charts.ATTRIBUTION


def test_choropleth_all_units_present_has_no_grey_layer(geojson):
    frame = pd.DataFrame(
        {
            "official_code": ["001", "002", "003"],
            "name": ["a", "b", "c"],
            "status": ["no_data", "not_due", "achieved"],
            "value_text": ["–", "1", "2"],
        }
    )
    fig = charts.choropleth(geojson, frame, title="B")
    assert [t.name for t in fig.data if t.type == "choropleth"] == ["Trạng thái"]
    assert "Không có số liệu" not in legend_names(fig)
    assert not math.isnan(fig.data[1].zmax)


def test_trend_draws_the_pace_line_when_given():
    import datetime as dt

    import pandas as pd

    from vlboard import charts

    series = pd.DataFrame(
        {
            "period_end": [dt.date(2024, 12, 31), dt.date(2025, 6, 30)],
            "value": [70.0, 80.0],
            "source": ["document", "demo"],
        }
    )
    targets = pd.DataFrame(
        {"year": [2025], "comparator": [">="], "value": [90.0], "value_high": [None], "raw": ["90%"]}
    )
    pace = pd.DataFrame({"period_end": [dt.date(2024, 12, 31), dt.date(2025, 12, 31)], "value": [70.0, 90.0]})
    fig = charts.trend(series, targets, title="t", unit="%", pace=pace)
    names = [t.name for t in fig.data]
    assert "Lộ trình" in names and "Mục tiêu" in names
    line = [t for t in fig.data if t.name == "Lộ trình"][0]
    assert list(line.y) == [70.0, 90.0]


def test_choropleth_legend_names_the_share_rule(geojson):
    frame = pd.DataFrame(
        {
            "official_code": ["001", "002"],
            "name": ["a", "b"],
            "unit_code": ["x2025-a", "x2025-b"],
            "status": ["achieved", "not_achieved"],
            "value_text": ["80% chỉ tiêu đạt (4/5)", "0/1"],
        }
    )
    fig = charts.choropleth(geojson, frame, title="B", labels=rollups.SHARE_LABELS)
    assert legend_names(fig)[:2] == [rollups.SHARE_LABELS["not_achieved"], rollups.SHARE_LABELS["achieved"]]
    main = [t for t in fig.data if t.type == "choropleth" and t.name == "Trạng thái"][0]
    assert [c[0] for c in main.customdata] == ["x2025-a", "x2025-b"]  # a click opens the unit


def test_count_heat_cells_and_status_bars_carry_what_a_click_opens():
    counts = pd.DataFrame({"name": ["Sở A", "Sở B"], "agency_code": ["g1", "g2"], "achieved": [1, 0], "near": [0, 2]})
    fig = charts.count_heatmap(counts, row_col="name", title="H", code_col="agency_code")
    overlay = fig.data[1]
    assert overlay.marker.opacity == 0 and len(overlay.customdata) == 4  # 2 agencies × 2 statuses
    assert [c[0] for c in overlay.customdata] == ["g1", "g1", "g2", "g2"]
    assert len(charts.count_heatmap(counts, row_col="name", title="H").data) == 1
    bars = charts.status_bars(pd.DataFrame({"pillar": ["kinh_te_so"], "near": [3]}), group_col="pillar", title="T")
    assert [list(c) for c in bars.data[0].customdata] == [["kinh_te_so", "near"]]
