"""The wall's pillar trend line and map panel snippets (ui.wall_panels): text beside the SVG, never
inside it, never an empty box; data escaped."""

from __future__ import annotations

import html
import re

import pandas as pd

from vlboard.charts import svgmap
from vlboard.ui import wall_panels
from vlboard.ui.wall import _html


def trend(pcts, pillar="chinh_quyen_so"):
    periods = ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"][-len(pcts) :]
    return pd.DataFrame({"period": periods, "pillar": pillar, "pct": pcts, "n_judged": 10})


def test_trend_line_says_first_and_last_and_draws_every_period():
    out = wall_panels.trend_line(trend([40.0, float("nan"), 45.5, 52.0]), "chinh_quyen_so")
    assert "<span>3 kỳ: 40% → 52%</span>" in out  # the NaN period (nothing judged in the pillar) is not drawn
    points = re.search(r"points='([^']+)'", out).group(1).split()
    assert len(points) == 3 and points[0].startswith("0.0,") and points[-1].startswith("100.0,")
    ys = [float(p.split(",")[1]) for p in points]
    assert ys[0] > ys[1] > ys[2]  # rising: higher on screen (smaller y)
    assert "aria-label='Xu hướng 3 kỳ (Quý IV/2025 – Quý III/2026), tỷ lệ chỉ tiêu đạt: 40% → 52%'" in out
    assert not re.search(r"<svg[^>]*>.*<text", out)  # no text inside the SVG


def test_trend_line_with_fewer_than_two_periods_says_so():
    for t in (trend([60.0]), trend([60.0], "kinh_te_so"), pd.DataFrame()):
        out = wall_panels.trend_line(t, "chinh_quyen_so")
        assert "chưa đủ kỳ để vẽ xu hướng" in out and "<svg" not in out


def unit_map(rows):
    return pd.DataFrame(rows, columns=["official_code", "unit_code", "name", "status", "value_text", "pct_achieved"])


SHAPES = svgmap.Shapes(10, 10, {c: f"M0 0L{i} 1L1 1Z" for i, c in enumerate("abcdefg", 1)})


def test_map_names_the_five_worst_and_counts_each_colour():
    m = unit_map(
        [
            ("a", "x2025-a", "Phường <A>", "not_achieved", "10% chỉ tiêu đạt (1/10)", 10.0),
            ("b", "x2025-b", "Xã B", "achieved", "90% chỉ tiêu đạt (9/10)", 90.0),
            ("c", "x2025-c", "Xã C", "near", "70% chỉ tiêu đạt (7/10)", 70.0),
            ("d", "x2025-d", "Xã D", "no_data", "chưa có chỉ tiêu có số liệu", float("nan")),
            ("e", "x2025-e", "Xã E", "not_achieved", "20% chỉ tiêu đạt (2/10)", 20.0),
            ("f", "x2025-f", "Xã F", "achieved", "85% chỉ tiêu đạt (17/20)", 85.0),
            ("g", "x2025-g", "Xã G", "achieved", "95% chỉ tiêu đạt (19/20)", 95.0),
        ]
    )
    out = wall_panels.map_items(m, SHAPES, 5, _html)
    rows = [html.unescape(re.sub(r"<[^>]+>", "", r)) for r in re.findall(r"<div class='w-li'>(.*?)</div>", out)]
    assert rows == [
        "10% đạt · Phường <A> (1/10)",
        "20% đạt · Xã E (2/10)",
        "70% đạt · Xã C (7/10)",
        "85% đạt · Xã F (17/20)",
        "90% đạt · Xã B (9/10)",
    ]
    key = html.unescape(re.sub(r"<[^>]+>", "", re.search(r"<div class='w-key'>(.*?)</div>", out).group(1)))
    assert key == "từ 80%: 3 60–80%: 1 dưới 60%: 2 chưa có số liệu: 1"
    assert out.count("<path") == 7 and out.count(f"stroke='{wall_panels.P['text']}'") == 5  # the named, outlined
    assert f"d='M0 0L4 1L1 1Z' fill='{wall_panels.NO_DATA_FILL}'" in out  # no judged figure: the no-data fill
    assert "<text" not in out and "Phường <A>" not in out  # names beside the map, escaped


def test_map_without_a_judged_unit_is_one_line():
    m = unit_map([("d", "x2025-d", "Xã D", "no_data", "chưa có chỉ tiêu có số liệu", float("nan"))])
    for frame in (m, pd.DataFrame()):
        out = wall_panels.map_items(frame, SHAPES, 5, _html)
        assert out.count("<div") == 1 and "Chưa có phường, xã nào có chỉ tiêu được đánh giá" in out
