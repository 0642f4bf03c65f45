"""The wall's pillar trend line, its map panel and its «Chỉ đạo quá hạn» panel (HTML snippets for
vlboard.ui.wall): an inline SVG with no text inside each, the text beside them in wall-size type.

The directives panel draws ``board.directives.overdue_panel`` (the meeting pack's section is the
same frame): per directive «quá hạn N ngày», the owner and the text on one line (the text cut with
an ellipsis; the whole text is on the page «Chỉ đạo» and in the pack), and under it what the number
did since the directive was issued, then its target.

The trend is ``screens.pillar_trend`` (each pillar's % đạt, the tile's headline figure, over the last
six judged periods of the shown period's kind); the map is the units page's frame
(``breakdowns.map_frame``, in ``Briefing.unit_map``) drawn over ``charts.svgmap`` outlines, with the
five units of lowest % đạt named beside it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from vlboard.board import directives as directive_frames
from vlboard.charts import svgmap
from vlboard.charts.theme import WALL as P
from vlboard.domain import formatting
from vlboard.domain.periods import label_vi
from vlboard.intake import directives as dirs
from vlboard.store import snapshots
from vlboard.ui import data as ui_data

CSS = f"""
<style>
/* not cut (short, fixed text; the line shrinks), so a tighter line than the wall's cut boxes */
.wall .w-trend {{display: flex; align-items: center; gap: calc(0.8 * var(--u)); color: {P["muted"]}; white-space: nowrap;
  line-height: 1.2;}}
.wall .w-trend svg {{flex: 1 1 auto; min-width: 0; height: calc(2 * var(--u));}}
/* without a stale-data warning (its place is then a bare div) that row and its gap go to the panel */
.wall:has(> div:not([class])) {{grid-template-rows: auto auto minmax(0, 1fr) auto;}}
.wall > div:not([class]) {{display: none;}}
.wall .w-map {{flex: 1 1 0; min-height: 0; display: flex; gap: calc(1.4 * var(--u)); overflow: hidden;}}
.wall .w-map svg {{height: 100%; flex: 0 0 auto; max-width: 55%;}}
.wall .w-maplist {{flex: 1 1 0; min-width: 0; display: flex; flex-direction: column; gap: calc(0.35 * var(--u));}}
.wall .w-maplist > * {{flex-shrink: 0;}}
.wall .w-key {{display: flex; flex-wrap: wrap; column-gap: calc(1.2 * var(--u)); line-height: 1.34;}}
/* a directive's second line: what the number did since, then its target (one line, cut at the end) */
.wall .w-dsub {{color: {P["muted"]}; padding-left: calc(2 * var(--u));}}
.wall .w-sw {{display: inline-block; width: calc(1.4 * var(--u)); height: calc(1.4 * var(--u));
  margin-right: calc(0.4 * var(--u)); border-radius: calc(0.2 * var(--u)); vertical-align: -0.1em;}}
</style>
"""
NO_DATA_FILL = "#3A4763"  # a unit without a judged figure: darker than any status shade
KEY = (("achieved", "từ 80%"), ("near", "60–80%"), ("not_achieved", "dưới 60%"))


def trend_line(trend: pd.DataFrame, pillar: str) -> str:
    """One line under a pillar's distribution: «n kỳ: 40% → 52%» and the sparkline of its % đạt,
    or «chưa đủ kỳ để vẽ xu hướng» with fewer than two judged periods (never an empty box)."""
    rows = trend[(trend.pillar == pillar) & trend.pct.notna()] if not trend.empty else trend
    if len(rows) < 2:
        return "<div class='w-trend'>chưa đủ kỳ để vẽ xu hướng</div>"
    pct = rows.pct.astype(float).tolist()
    first, last = (formatting.number(round(v)) + "%" for v in (pct[0], pct[-1]))
    span = f"{label_vi(rows.period.iloc[0])} – {label_vi(rows.period.iloc[-1])}"
    said = f"Xu hướng {len(pct)} kỳ ({span}), tỷ lệ chỉ tiêu đạt: {first} → {last}"
    low, high = min(pct), max(pct)
    mid, half = (low + high) / 2, max(high - low, 10.0) / 2  # at least 10 points tall: noise stays flat
    points = " ".join(
        f"{100 * i / (len(pct) - 1):.1f},{2 + 26 * (mid + half - v) / (2 * half):.1f}" for i, v in enumerate(pct)
    )
    svg = (
        f"<svg viewBox='0 0 100 30' preserveAspectRatio='none' role='img' aria-label='{said}'>"
        f"<polyline points='{points}' fill='none' stroke='{P['text']}' stroke-width='3' "
        "vector-effect='non-scaling-stroke' stroke-linejoin='round' stroke-linecap='round'/></svg>"
    )
    return f"<div class='w-trend' title='{said}'><span>{len(pct)} kỳ: {first} → {last}</span>{svg}</div>"


@st.cache_data(max_entries=8, show_spinner=False)
def overdue_directives(ref: ui_data.SnapshotRef, include_demo: bool, today: dt.date) -> pd.DataFrame:
    """«Chỉ đạo quá hạn» at ``today`` (board.directives.overdue_panel, the pack's route too), once
    per snapshot × source × day: days late count from the calendar, not from the snapshot."""
    return directive_frames.overdue_panel(ref, today, include_demo, dirs.follow_up)  # type: ignore[arg-type]


def directive_count(frame: pd.DataFrame, rows: int) -> str:
    """Beside the panel's title: «4 chỉ đạo, trễ lâu nhất 66 ngày · 3 trễ nhất dưới đây»."""
    n = len(frame)
    head = f"{formatting.number(n)} chỉ đạo, trễ lâu nhất {formatting.number(int(frame.days_late.max()))} ngày"
    return head + (f" · {rows} trễ nhất dưới đây" if n > rows else "")


def directive_items(frame: pd.DataFrame, rows: int, html) -> str:
    """The ``rows`` directives most days late: «quá hạn N ngày · owner: text» (text cut with an
    ellipsis), then the movement («đã cải thiện: 45% → 52%» in green, else in the muted colour)
    and the target. Every text from the data goes through ``html``."""
    if frame.empty:
        return "<div class='w-li'>Không có chỉ đạo quá hạn.</div>"
    out = []
    for r in frame.head(rows).to_dict("records"):
        moved = f"<span class='s-achieved'>{html(r['movement'])}</span>" if r["narrowed"] else html(r["movement"])
        out.append(
            f"<div class='w-li'><span class='s-not_achieved'><b>{html(r['late_text'])}</b></span> · "
            f"<b>{html(r['owner_name'])}</b>: {html(r['text'])}</div>"
            f"<div class='w-li w-dsub'>{moved} · {html(r['target_label'])}</div>"
        )
    return "".join(out)


def map_shapes() -> svgmap.Shapes:
    """The commune outlines (ui.data.geojson), projected once per data folder; empty (0 × 0, and the
    wall keeps the units list instead of the map) when the boundary file is missing or unreadable."""
    return _shapes(str(snapshots.default_data_dir().root))


@st.cache_resource(show_spinner=False)
def _shapes(root: str) -> svgmap.Shapes:
    geo = ui_data.geojson()
    return svgmap.shapes(geo, width=640) if geo is not None else svgmap.Shapes(0, 0, {})


def map_items(unit_map: pd.DataFrame, shapes: svgmap.Shapes, rows: int, html) -> str:
    """The colour key with the number of units in each colour, then the map (units coloured by the
    share of their indicators đạt, the worst outlined) and beside it the ``rows`` units of lowest
    % đạt with their figures. One line when no unit has a judged figure."""
    judged = unit_map[unit_map.pct_achieved.notna()] if "pct_achieved" in unit_map else unit_map.iloc[0:0]
    if judged.empty:
        return "<div class='w-li'>Chưa có phường, xã nào có chỉ tiêu được đánh giá để tô màu bản đồ.</div>"
    worst = judged.sort_values(["pct_achieved", "name"]).head(rows)
    shade = {str(c): P.get(s, NO_DATA_FILL) for c, s in zip(judged.official_code, judged.status)}
    outlined = set(worst.official_code.astype(str))
    fills = "".join(
        f"<path d='{d}' fill='{shade.get(code, NO_DATA_FILL)}' stroke='{P['bg']}' stroke-width='1'/>"
        for code, d in shapes.paths.items()
        if code not in outlined
    ) + "".join(  # the named units last, outlined in white so they stand out
        f"<path d='{shapes.paths[code]}' fill='{shade[code]}' stroke='{P['text']}' stroke-width='4'/>"
        for code in worst.official_code.astype(str)
        if code in shapes.paths
    )
    said = f"Bản đồ {len(shapes.paths)} phường, xã tô màu theo tỷ lệ chỉ tiêu đạt; viền trắng: {len(worst)} đơn vị thấp nhất"
    drawn = (
        f"<svg viewBox='0 0 {shapes.width} {shapes.height}' role='img' aria-label='{said}' "
        f"style='aspect-ratio:{shapes.width}/{shapes.height}'>{fills}</svg>"
        if shapes.paths
        else ""
    )
    listed = "".join(
        f"<div class='w-li'><span class='s-{r['status']}'><b>{formatting.number(round(r['pct_achieved']))}%</b></span>"
        f" đạt · {html(r['name'])}{_of(r['value_text'], html)}</div>"
        for r in worst.to_dict("records")
    )
    bands = unit_map.status.value_counts() if "status" in unit_map else pd.Series(dtype=int)
    key = " ".join(
        f"<span><span class='w-sw' style='background:{P[s]}'></span><span class='s-{s}'>"
        f"{text}: {formatting.number(int(bands.get(s, 0)))}</span></span>"
        for s, text in KEY
    ) + (
        f" <span><span class='w-sw' style='background:{NO_DATA_FILL}'></span>"
        f"chưa có số liệu: {formatting.number(max(len(unit_map) - len(judged), 0))}</span>"
    )
    return f"<div class='w-key'>{key}</div><div class='w-map'>{drawn}<div class='w-maplist'>{listed}</div></div>"


def _of(value_text, html) -> str:
    """'(5/12)' from map_frame's '42% chỉ tiêu đạt (5/12)'."""
    text = str(value_text)
    return f" ({html(text.rsplit('(', 1)[1].rstrip(')'))})" if "(" in text else ""
