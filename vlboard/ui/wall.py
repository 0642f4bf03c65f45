"""The IOC wall screen (streamlit side): data for the slides, cached per snapshot, and drawing.

Over 300 lines: the wall's stylesheet and its slide drawers, which change together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from vlboard import charts
from vlboard.board import narrative, overview, screens, wall
from vlboard.board import outlook as outlook_frames
from vlboard.domain import filters, formatting, rollups
from vlboard.domain.vocab import PILLARS
from vlboard.domain.vocab import VN_TZ as TZ
from vlboard.store import snapshots
from vlboard.ui import data as ui_data
from vlboard.ui.data import SnapshotRef

CSS = """
<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"], footer {display: none !important;}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {background: #0B1220; color: #E8EEF7;}
.block-container, [data-testid="stMainBlockContainer"] {padding: 0.8rem 2rem 0 2rem !important; max-width: 100% !important;}
.stApp h1, .stApp h2, .stApp h3, .stApp p, .stApp li, .stApp span {color: #E8EEF7;}
.wall-big {font-size: 2.6rem; line-height: 1.25;}
.stApp [data-testid="stMarkdownContainer"] p {font-size: 1.6rem;}
.wall-num {font-size: 6rem; font-weight: 700; line-height: 1.1; color: #FFFFFF;}
.wall-cap {font-size: 2.4rem; line-height: 1.25; font-weight: 600; color: #FFFFFF; margin: 0 0 0.6rem 0;}
.wall-foot {font-size: 1.35rem; color: #9FB0C8; margin-bottom: 0.6rem;}
.wall-demo {background: #E69F00; color: #0B1220; font-weight: 700; padding: 0.1rem 0.6rem; border-radius: 0.3rem;}
</style>
"""


@dataclass(frozen=True)
class WallData:
    snapshot_id: str
    brief: screens.Briefing
    demo_on_screen: bool
    overdue: pd.DataFrame
    changes: pd.DataFrame
    facts: wall.Facts
    at_risk: str = ""  # the outlook's "có nguy cơ không đạt" count (board.outlook.risk_text)

    @property
    def period(self):
        return self.brief.period

    @property
    def data_date(self) -> str:
        return self.brief.data_date


@st.cache_data(max_entries=8, show_spinner=False)
def wall_data(ref: SnapshotRef, plan: str | None, include_demo: bool) -> WallData:
    """Everything the slides show, computed once per snapshot × plan × source choice, from the
    same board routes as the pages (screens.briefing)."""
    period = screens.shown_period(ref, include_demo, plan)  # the engine's default, or the newest judged one
    f = filters.Filters(plan=plan, period=period, source="all" if include_demo else "real")
    b = screens.briefing(ref, f, dt.date.today())
    card = b.card
    changes = pd.DataFrame() if card is None else _changes(ref, period, include_demo, card)
    overdue = b.milestones[b.milestones["Tình trạng"] == "Quá hạn"]
    c = b.completeness
    missing = 0 if c.empty else int((c["Đã nhận"] < c["Phải báo cáo"]).sum())
    pct = {p: rollups.gauge_counts(card, p).pct for p in wall.MAIN_PILLARS} if card is not None else {}
    facts = wall.Facts(
        n_offtrack=0 if card is None else int(card.status.isin(["not_achieved", "near"]).sum()),
        n_overdue=len(overdue),
        n_missing_reports=missing,
        pillar_pct=pct,
        n_agencies=len(b.league),
        n_units=len(b.unit_map),
        n_heat=len(b.heat),
        n_changes=len(changes),
    )
    demo = include_demo and card is not None and card.source.fillna("").str.contains("demo").any()
    risk = "" if card is None else outlook_frames.risk_text(card, screens.outlook(ref, f, card))
    return WallData(ref.snapshot_id, b, bool(demo), overdue, changes, facts, risk)


def _changes(ref: SnapshotRef, period: str, include_demo: bool, card: pd.DataFrame) -> pd.DataFrame:
    parent = ref.manifest.get("parent")
    if not parent:
        return pd.DataFrame()
    try:
        before = ui_data.full_scorecard(SnapshotRef(parent, str(Path(ref.path).parent / parent)), period, include_demo)
    except snapshots.SnapshotError:
        return pd.DataFrame()
    return overview.status_changes(card, before)


def read_live() -> tuple[SnapshotRef | None, str | None]:
    """The live snapshot, or the last good one (ui.data.read, shared with the pages) with a
    warning naming its age when reading fails (never raises)."""
    reading = ui_data.read()
    if reading.problem is None or reading.ref is None:
        return reading.ref, reading.problem
    age = int(reading.age)
    return reading.ref, (
        f"Dữ liệu chưa cập nhật (lần đọc được gần nhất {age // 60} phút {age % 60} giây trước): {reading.problem}"
    )


def header(data: WallData, plan_label: str, slide: wall.Slide, index: int, total: int, warning: str | None) -> None:
    now = dt.datetime.now(TZ)
    left, right = st.columns([3, 1])
    left.markdown(
        f"<div class='wall-big'><b>Chuyển đổi số tỉnh Vĩnh Long</b> · {_html(plan_label)}</div>", unsafe_allow_html=True
    )
    right.markdown(
        f"<div class='wall-big' style='text-align:right'>{now:%H:%M:%S}<br>"
        f"<span style='font-size:1.4rem'>{now:%d/%m/%Y}</span></div>",
        unsafe_allow_html=True,
    )
    when = (
        f"hôm nay {now:%d/%m/%Y}"
        if slide.key == "overdue"
        else overview.period_label(data.period)
        if data.period
        else "chưa có kỳ báo cáo"
    )
    st.markdown(f"## {slide.title} — {when}")
    footer = f"Số liệu đến ngày {data.data_date} · bản dữ liệu {_html(data.snapshot_id)} · trang {index + 1}/{total}"
    if data.demo_on_screen and slide.key != "overdue":  # the task list holds no demo values
        footer += " · <span class='wall-demo'>⚠ CÓ DỮ LIỆU MINH HỌA (demo)</span>"
    st.markdown(f"<div class='wall-foot'>{footer}</div>", unsafe_allow_html=True)
    if warning:
        st.warning(formatting.md_escape(warning), icon=":material/hourglass_top:")


def _chart(fig, key: str, *, height: int | None = None, keep_footer: bool = False) -> None:
    st.plotly_chart(
        charts.darken(fig, height=height, keep_footer=keep_footer),
        theme=None,
        width="stretch",
        key=key,
        config={"displayModeBar": False, "staticPlot": True},
    )


def _pillar_bars(card: pd.DataFrame, data: WallData, note: str | None, *, height: int) -> None:
    """Indicators by status per pillar, under the gauges or alone when nothing is judged."""
    _chart(
        charts.status_bars(
            overview.pillar_counts(card),
            group_col="pillar",
            group_labels=PILLARS,
            title="Số chỉ tiêu theo tình trạng",
            data_date=data.data_date,
            note=note,
        ),
        "bars",
        height=height,
    )


def draw(slide: wall.Slide, data: WallData) -> None:
    """One slide: at most a few large tiles, readable from 3–5 m. Slides about tasks and reports
    always draw; slides about results say so when no period has an indicator judged."""
    note = "Có số liệu minh họa" if data.demo_on_screen else None
    card = data.brief.card
    caption = narrative.wall_caption(slide.key, data.brief, data.overdue, data.changes)
    if caption is not None:  # the slide's sentence, ≥ 38 px at 1920×1080 (2.4rem)
        st.markdown(f"<div class='wall-cap'>{_html(caption.text)}</div>", unsafe_allow_html=True)
    if slide.key == "overdue":
        _big(len(data.overdue), "nhiệm vụ đã quá thời hạn ghi trong kế hoạch")
        for r in data.overdue.head(6).to_dict("records"):
            st.markdown(
                formatting.md_escape(
                    f"{r['Mã']} · {charts.short(r['Nhiệm vụ'], 90)} · hạn {r['Hạn cuối']} · "
                    f"{r['Chủ trì'] or 'chưa ghi cơ quan chủ trì'}"
                )
            )
        return
    if slide.key == "reports":
        c = data.brief.completeness
        missing = c[c["Đã nhận"] < c["Phải báo cáo"]] if not c.empty else c
        _big(len(missing), "đơn vị, cơ quan chưa gửi đủ báo cáo kỳ này")
        for r in missing.head(8).to_dict("records"):
            st.markdown(
                formatting.md_escape(
                    f"{r['Đơn vị/cơ quan']}: đã nhận {r['Đã nhận']}/{r['Phải báo cáo']} "
                    f"báo cáo, đúng hạn {r['Đúng hạn']}"
                )
            )
        return
    if card is None or not data.brief.judged:
        what = overview.period_label(data.period) if data.period else "Chưa có kỳ báo cáo"
        why = overview.unjudged_reason(card)
        st.markdown(
            f"<div class='wall-big'>{_html(what)}: chưa có chỉ tiêu nào đủ điều kiện so với mục tiêu"
            f"{_html(': ' + why) if why else ''}. "
            "Các trang nhiệm vụ quá hạn và tình hình báo cáo vẫn được trình chiếu.</div>",
            unsafe_allow_html=True,
        )
        if card is not None and slide.key == "summary":
            _pillar_bars(card, data, note, height=430)
            if data.at_risk:
                _rule(data.at_risk)
        return
    if slide.key == "summary":
        for col, p in zip(st.columns(3), wall.MAIN_PILLARS):
            with col:
                _chart(charts.card_gauge(card, p, data_date=data.data_date, note=note), f"g-{p}")
        _rule(
            "Số lớn: % chỉ tiêu đạt; vòng cung: đạt (xanh), gần đạt (cam), chưa đạt (đỏ) trong số chỉ tiêu có "
            "số liệu; vạch đen: mốc 80%."
        )
        _pillar_bars(card, data, note, height=400)
        if data.at_risk:
            _rule(data.at_risk)
    elif slide.key.startswith("pillar:"):
        p = slide.key.split(":", 1)[1]
        rows = card[card.pillar == p]
        drawn = min(12, int(rows.attainment.notna().sum()))
        _chart(
            charts.progress_bullets(
                rows, title=f"{PILLARS[p]}: % so với mục tiêu", data_date=data.data_date, note=note, max_rows=12
            ),
            f"p-{p}",
            height=780,
        )
        _rule(f"{drawn} chỉ tiêu chậm nhất trong {len(rows)} chỉ tiêu của trụ cột (xem đủ ở trang Trụ cột).")
    elif slide.key == "offtrack":
        worst = data.brief.off_track(6)
        if worst.empty:
            st.markdown(
                "<div class='wall-big'>Không có chỉ tiêu chưa đạt hoặc gần đạt trong kỳ này.</div>",
                unsafe_allow_html=True,
            )
        for r in worst.to_dict("records"):
            st.markdown(
                f"<div class='wall-big'>{_html(r['Tình trạng'])} <b>{_html(r['Mã'])}</b> "
                f"{_html(charts.short(r['Chỉ tiêu'], 70))}</div>",
                unsafe_allow_html=True,
            )
            st.markdown(formatting.md_escape(r["Vì sao"]))
    elif slide.key == "agencies":
        league = data.brief.league.head(10)
        _chart(
            charts.league(league, title="Cơ quan chủ trì: % chỉ tiêu đạt", data_date=data.data_date, note=note),
            "league",
            height=780,
        )
        _rule(
            (
                f"{len(league)} cơ quan cao nhất trong {len(data.brief.league)} cơ quan chủ trì có số liệu"
                if len(league) < len(data.brief.league)
                else f"{len(league)} cơ quan chủ trì có số liệu, cao nhất trước"
            )
            + "; % chỉ tiêu đạt trong số chỉ tiêu có số liệu (như đồng hồ)."
        )
    elif slide.key == "units":
        geo = ui_data.geojson()
        if geo is not None and not data.brief.unit_map.empty:
            _chart(
                charts.choropleth(
                    geo,
                    data.brief.unit_map,
                    title="Tỷ lệ chỉ tiêu đạt theo phường, xã (đơn vị 2025)",
                    data_date=data.data_date,
                    note=note,
                    labels=rollups.SHARE_LABELS,
                ),
                "map",
                height=780,
                keep_footer=True,
            )
            _rule(f"Màu: {rollups.SHARE_RULE}.")
    elif slide.key == "heat":
        heat = screens.slowest_rows(data.brief.heat, card, 12)  # the units page's table, its slowest rows
        _chart(
            charts.status_matrix(
                heat,
                row_col="row",
                col_col="col",
                title="Chỉ tiêu chậm nhất theo phường, xã",
                data_date=data.data_date,
                note=note,
            ),
            "heat",
            height=780,
        )
        _rule(
            f"{heat.row.nunique()} chỉ tiêu chậm nhất của bảng ở trang Theo phường, xã. "
            + rollups.INDICATOR_RULE.capitalize()
            + "."
        )
    elif slide.key == "changes":
        if data.changes.empty:
            st.markdown(
                "<div class='wall-big'>Không chỉ tiêu nào đổi tình trạng so với bản dữ liệu trước.</div>",
                unsafe_allow_html=True,
            )
        for r in data.changes.head(8).to_dict("records"):
            st.markdown(
                formatting.md_escape(
                    f"{r['Chiều']} {r['Mã']}: {r['Trước']} → {r['Nay']} · {charts.short(r['Chỉ tiêu'], 70)}"
                )
            )


def _rule(text: str) -> None:
    """The rule behind a slide's colours, under the chart (the chart footer is dropped on the wall)."""
    st.markdown(f"<div class='wall-foot'>{_html(text)}</div>", unsafe_allow_html=True)


def _big(number: int, label: str) -> None:
    st.markdown(
        f"<div class='wall-num'>{formatting.number(number)}</div><div class='wall-big'>{_html(label)}</div>",
        unsafe_allow_html=True,
    )


def _html(text) -> str:
    """Text from the data, safe inside the wall's HTML snippets: every HTML, Markdown or
    Streamlit-markup character (``<``, ``&``, ``*``, ``[``, ``:``, …) becomes a numeric character
    reference, so it shows literally instead of making tags, bold text, links or colours."""
    return "".join(f"&#{ord(c)};" if c in _ENTITY else c for c in str(text))


_ENTITY = frozenset(formatting.MD_SPECIAL + "&<>\"'")
