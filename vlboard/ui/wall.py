"""The IOC wall screen (streamlit side): its data, cached per snapshot, and the one HTML
composition it draws — the three pillars' headline, the counts that need action and one rotating
detail panel, sized from the viewport (CSS ``--u`` = 1/100 of a 16:9 frame fitted in the window).

Over 300 lines: the wall's stylesheet and its panel builders, which change together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from vlboard.board import narrative, overview, screens, wall
from vlboard.board import outlook as outlook_frames
from vlboard.charts.theme import WALL, short
from vlboard.domain import approval, filters, formatting, rollups, status
from vlboard.domain.vocab import PILLARS
from vlboard.store import snapshots
from vlboard.ui import data as ui_data
from vlboard.ui import wall_panels
from vlboard.ui.data import SnapshotRef

P = WALL
# Every text is ≥ 2.05u: 39 px at 1920×1080 (the 4 m goal is 38 px), scaled with the screen;
# footers (.wall-foot: data date, source) are smaller by design.
CSS = f"""
<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"], footer {{display: none !important;}}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {{background: {P["bg"]}; overflow: hidden;}}
.wall {{--u: min(1vw, 1.7778vh); position: fixed; inset: 0; z-index: 1000; background: {P["bg"]};
  color: {P["text"]}; font-size: calc(2.05 * var(--u)); line-height: 1.25; padding: calc(0.9 * var(--u)) calc(1.4 * var(--u));
  display: grid; grid-template-rows: auto auto auto minmax(0, 1fr) auto; gap: calc(0.8 * var(--u));
  box-sizing: border-box; font-family: "Noto Sans", "DejaVu Sans", sans-serif;}}
.wall * {{box-sizing: border-box; margin: 0; color: inherit;}}
.wall .w-top {{display: flex; align-items: baseline; gap: calc(1.5 * var(--u)); white-space: nowrap;}}
.wall .w-title {{font-weight: 700; overflow: hidden; text-overflow: ellipsis; flex: 1 1 auto; min-width: 0;}}
.wall .w-clock {{font-weight: 700; font-size: calc(2.6 * var(--u));}}
.wall .w-demo {{background: {P["near"]}; color: {P["badge_text"]}; font-weight: 700; padding: 0 calc(0.6 * var(--u));
  border-radius: calc(0.3 * var(--u));}}
.wall .w-stale {{background: {P["panel"]}; color: {P["near"]}; border-left: calc(0.5 * var(--u)) solid {P["near"]};
  padding: 0 calc(0.6 * var(--u)); white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
.wall .w-row {{display: grid; gap: calc(0.8 * var(--u));}}
.wall .w-tile {{background: {P["panel"]}; border-radius: calc(0.5 * var(--u)); padding: calc(0.6 * var(--u)) calc(1 * var(--u));
  min-width: 0;}}
.wall .w-name {{font-weight: 700; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
.wall .w-head {{display: flex; align-items: center; gap: calc(0.9 * var(--u)); min-width: 0;}}
.wall .w-head > div {{min-width: 0;}}
.wall .w-big {{font-size: calc(5.4 * var(--u)); font-weight: 800; line-height: 1.05;}}
.wall .w-num {{font-size: calc(4.4 * var(--u)); font-weight: 800; line-height: 1.05;}}
.wall .w-sub {{color: {P["muted"]};}}
/* the đạt/gần/chưa bar: a stripe along the tile's top edge, in its padding (the trend line has its row) */
.wall .w-tile {{position: relative;}}
.wall .w-bar {{display: flex; position: absolute; left: 0; right: 0; top: 0; height: calc(0.45 * var(--u));
  border-radius: calc(0.5 * var(--u)) calc(0.5 * var(--u)) 0 0; overflow: hidden; background: {P["bg"]};}}
.wall .w-dist {{white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
.wall .w-label {{line-height: 1.12;}}
.wall .w-panel {{background: {P["panel"]}; border-radius: calc(0.5 * var(--u)); padding: calc(0.6 * var(--u)) calc(1 * var(--u));
  display: flex; flex-direction: column; gap: calc(0.35 * var(--u)); min-height: 0; overflow: hidden;}}
.wall .w-panel > * {{flex-shrink: 0;}}
.wall h2.w-ptitle {{font-size: calc(2.5 * var(--u)); font-weight: 800; line-height: 1.3; padding: 0; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis;}}
.wall .w-pos {{margin-left: calc(1.2 * var(--u)); color: {P["muted"]};}}
/* a caption is one sentence: at most two lines, so the list under it always has its rows */
.wall .w-cap {{color: {P["muted"]}; line-height: 1.34; display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; overflow: hidden;}}
/* one-line boxes that cut with an ellipsis: tall enough for Vietnamese marks above and below */
.wall .w-li, .wall .w-why, .wall .w-title, .wall .w-name, .wall .w-dist, .wall .w-stale, .wall .wall-foot {{line-height: 1.34;}}
.wall .w-li {{white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
/* the why-line: up to two lines, cut with an ellipsis (the whole sentence is on the indicator page) */
.wall .w-why {{color: {P["muted"]}; overflow: hidden; display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; padding-left: calc(2 * var(--u));}}
/* on the off-track panel the why-line gives one line to the explanation line (giải trình) under it */
.wall .w-why.w-one {{display: block; white-space: nowrap; text-overflow: ellipsis;}}
.wall .w-expl {{white-space: nowrap; overflow: hidden; text-overflow: ellipsis; line-height: 1.34;
  padding-left: calc(2 * var(--u));}}
.wall .wall-foot {{font-size: calc(1.15 * var(--u)); color: {P["foot"]}; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis;}}
.wall .s-achieved {{color: {P["achieved"]};}} .wall .s-near {{color: {P["near"]};}}
.wall .s-not_achieved {{color: {P["not_achieved"]};}} .wall .s-none {{color: {P["none"]};}}
/* the tag of an unapproved figure: a frame drawn as an inset shadow, which (unlike a border) never makes a line taller */
.wall .w-unapproved {{color: {P["near"]}; box-shadow: inset 0 0 0 calc(0.15 * var(--u)) {P["near"]};
  border-radius: calc(0.3 * var(--u)); padding: 0 calc(0.4 * var(--u)); font-weight: 700;}}
.wall .w-night {{display: flex; flex-direction: column; justify-content: center; align-items: center; gap: calc(2 * var(--u));
  color: {P["muted"]}; text-align: center;}}
</style>
"""
# the off-track panel: two indicators, each with its why-line and its explanation on one line each
# the directives panel: three, each on two lines, its count in the title (no caption row)
ROWS = {"directives": 3, "offtrack": 2, "overdue": 5, "reports": 5, "agencies": 5, "units": 5, "heat": 5, "changes": 5}


@dataclass(frozen=True)
class WallData:
    snapshot_id: str
    brief: screens.Briefing
    demo_on_screen: bool
    overdue: pd.DataFrame
    changes: pd.DataFrame
    facts: wall.Facts
    at_risk: str = ""  # the outlook's "có nguy cơ không đạt" line (board.outlook.risk_text)
    n_at_risk: int | None = None  # its count; None when no indicator can be forecast
    trend: pd.DataFrame | None = None  # screens.pillar_trend: each pillar's % đạt over the last judged periods
    directives: pd.DataFrame | None = None  # «Chỉ đạo quá hạn» (wall_panels.overdue_directives); None: not read

    @property
    def period(self):
        return self.brief.period

    @property
    def data_date(self) -> str:
        return self.brief.data_date


@st.cache_data(max_entries=8, show_spinner=False)
def wall_data(ref: SnapshotRef, plan: str | None, include_demo: bool) -> WallData:
    """Everything the wall shows, computed once per snapshot × plan × source choice, from the
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
        n_units=int(b.unit_map.pct_achieved.notna().sum()) if "pct_achieved" in b.unit_map else 0,
        n_heat=int(b.heat.status.isin(["not_achieved", "near"]).sum()) if "status" in b.heat else 0,
        n_changes=len(changes),
        has_map=bool(wall_panels.map_shapes().paths),
    )
    demo = include_demo and card is not None and card.source.fillna("").str.contains("demo").any()
    risk, n_risk = "", None
    if card is not None:
        frame_ = ui_data.outlook(ref, f, card)
        risk = outlook_frames.risk_text(card, frame_)
        risky = outlook_frames.at_risk(card, frame_)
        n_risk = len(risky) if len(risky) or int((frame_.group == "forecast").sum()) else None
    trend = screens.pillar_trend(ref, f, 6, lambda per: ui_data.scorecard(ref, f, per))
    return WallData(ref.snapshot_id, b, bool(demo), overdue, changes, facts, risk, n_risk, trend)


def with_directives(data: WallData, ref: SnapshotRef, include_demo: bool, today: dt.date) -> WallData:
    """``data`` with today's overdue directives and their count in the facts (the panel comes first)."""
    frame = wall_panels.overdue_directives(ref, include_demo, today)
    return replace(data, directives=frame, facts=replace(data.facts, n_directives=len(frame)))


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


def screen(data: WallData, plan_label: str, slide: wall.Slide, index: int, total: int, warning: str | None, now) -> str:
    """The whole wall as one HTML block (no blank lines: Markdown would end the HTML there)."""
    top = (
        f"<div class='w-top'><div class='w-title'>Chuyển đổi số tỉnh Vĩnh Long · {_html(plan_label)}</div>"
        + ("<div class='w-demo'>⚠ CÓ DỮ LIỆU MINH HỌA</div>" if data.demo_on_screen else "")
        + f"<div class='w-clock'>{now:%H:%M:%S}</div></div>"
    )
    stale = f"<div class='w-stale'>{_html(warning)}</div>" if warning else "<div></div>"
    when = overview.period_label(data.period) if data.period else "chưa có kỳ báo cáo"
    foot = (
        f"<div class='wall-foot'>Số liệu đến ngày {_html(data.data_date)} · kỳ {_html(when)}{_unapproved_foot(data)}"
        " · bản dữ liệu "
        f"{_html(data.snapshot_id)} · trang {index + 1}/{total} · {now:%d/%m/%Y} · nguồn: báo cáo của các sở, ngành, "
        f"phường, xã{' (có số liệu minh họa)' if data.demo_on_screen else ''}</div>"
    )
    return (
        f"<div class='wall'>{top}{stale}<div class='w-row' style='grid-template-rows:auto auto'>{_pillars(data)}"
        f"{_counts(data)}</div>{_panel(slide, data, index, total)}{foot}</div>"
    )


def night_screen(resume_hour: int, now) -> str:
    return (
        "<div class='wall' style='grid-template-rows:1fr auto'><div class='w-night'>"
        f"<div class='w-num'>{now:%H:%M}</div><div>Màn hình tạm nghỉ ban đêm.</div>"
        f"<div>Trình chiếu lại lúc {resume_hour:02d}:00.</div></div>"
        f"<div class='wall-foot'>Chuyển đổi số tỉnh Vĩnh Long · {now:%d/%m/%Y}</div></div>"
    )


def _pillars(data: WallData) -> str:
    card = data.brief.card
    if card is None or not data.brief.judged:
        what = overview.period_label(data.period) if data.period else "Chưa có kỳ báo cáo"
        why = overview.unjudged_reason(card)
        later = f" Kỳ gần nhất có đánh giá: {overview.period_label(data.brief.latest)}." if data.brief.latest else ""
        return (
            f"<div class='w-tile w-label'>{_html(what)}: chưa có chỉ tiêu nào đủ điều kiện so với mục tiêu"
            f"{_html(': ' + why) if why else ''}.{_html(later)}</div>"
        )
    tiles = []
    for p in wall.MAIN_PILLARS:
        g = rollups.gauge_counts(card, p)
        n = g.achieved + g.near + g.not_achieved
        if not n:
            tiles.append(
                f"<div class='w-tile'><div class='w-name'>{_html(PILLARS[p])}</div>"
                "<div class='w-label s-none'>chưa có chỉ tiêu có số liệu để đánh giá</div></div>"
            )
            continue
        shade = "achieved" if g.pct >= 80 else "near" if g.pct >= 60 else "not_achieved"
        bar = "".join(
            f"<span style='width:{100 * k / n:.2f}%;background:{P[s]}'></span>"
            for k, s in ((g.achieved, "achieved"), (g.near, "near"), (g.not_achieved, "not_achieved"))
            if k
        )
        tiles.append(
            f"<div class='w-tile'><div class='w-head'><span class='w-big s-{shade}'>{formatting.number(round(g.pct))}%</span>"
            f"<div><div class='w-name'>{_html(PILLARS[p])}</div><div class='w-sub w-li'>đạt {g.achieved}/{n} chỉ tiêu</div>"
            f"</div></div><div class='w-bar'>{bar}</div>"
            f"<div class='w-dist'><span class='s-achieved'>{g.achieved} đạt</span> · "
            f"<span class='s-near'>{g.near} gần</span> · <span class='s-not_achieved'>{g.not_achieved} chưa</span>"
            "</div>" + wall_panels.trend_line(data.trend if data.trend is not None else pd.DataFrame(), p) + "</div>"
        )
    return f"<div class='w-row' style='grid-template-columns:repeat(3,minmax(0,1fr))'>{''.join(tiles)}</div>"


def _counts(data: WallData) -> str:
    f = data.facts
    judged = data.brief.card is not None and data.brief.judged
    risk = None if not judged else data.n_at_risk
    items = [
        (f.n_offtrack if judged else None, "chỉ tiêu chậm tiến độ", "chưa đánh giá"),
        (risk, "nguy cơ không đạt", "chưa dự báo"),
        (f.n_missing_reports, "đơn vị thiếu báo cáo", ""),
        (f.n_overdue, "nhiệm vụ quá hạn", ""),
    ]
    tiles = []
    for n, label, none in items:
        if n is None:
            tiles.append(
                f"<div class='w-tile'><div class='w-label s-none'>{none}</div><div class='w-label'>{label}</div></div>"
            )
            continue
        shade = "achieved" if n == 0 else "not_achieved"
        tiles.append(
            f"<div class='w-tile'><div class='w-num s-{shade}'>{formatting.number(n)}</div>"
            f"<div class='w-label'>{label}</div></div>"
        )
    return f"<div class='w-row' style='grid-template-columns:repeat(4,minmax(0,1fr))'>{''.join(tiles)}</div>"


def _panel(slide: wall.Slide, data: WallData, index: int, total: int) -> str:
    caption = narrative.wall_caption(slide.key, data.brief, data.overdue, data.changes)
    cap = f"<div class='w-cap'>{_html(caption.text)}</div>" if caption is not None else ""
    items = _items(slide.key, data, ROWS.get(slide.key, 6))
    dots = f"<span class='w-pos'>{index + 1}/{total}</span>"
    if slide.key == "directives" and data.directives is not None and len(data.directives):  # its count in the title
        said = wall_panels.directive_count(data.directives, ROWS["directives"])
        dots = f"<span class='w-pos'>{_html(said)} · {index + 1}/{total}</span>"
    return f"<div class='w-panel'><h2 class='w-ptitle'><span>{_html(slide.title)}</span>{dots}</h2>{cap}{items}</div>"


def _unapproved_tag(mark) -> str:
    """«chưa duyệt» beside an off-track indicator whose status rests on an unapproved report."""
    return f"<span class='w-unapproved'>{approval.MARK}</span> " if mark and mark != approval.NONE_MARKED else ""


def _unapproved_foot(data: WallData) -> str:
    n = approval.count(data.brief.card)
    return f" · {n} giá trị báo cáo chưa duyệt trong kỳ" if n else ""


def _explained(text) -> str:
    """The off-track row's explanation (commentary.by_indicator), «Chưa giải trình» marked when none."""
    if not text or text == overview.UNEXPLAINED:
        return f"<span class='s-near'>{overview.UNEXPLAINED}</span>"
    return "Giải trình: " + _html(short(text, 110))


def _li(text: str, cls: str = "w-li") -> str:
    return f"<div class='{cls}'>{text}</div>"


def _status_span(code: str, text: str) -> str:
    shade = code if code in ("achieved", "near", "not_achieved") else "none"
    return f"<span class='s-{shade}'>{_html(text)}</span>"


def _items(key: str, data: WallData, rows: int) -> str:
    b = data.brief
    judged = b.card is not None and b.judged
    if key == "directives":
        frame = data.directives if data.directives is not None else pd.DataFrame(columns=["text"])
        return wall_panels.directive_items(frame, rows, _html)
    if key == "overdue":
        if data.overdue.empty:
            return _li("Không có nhiệm vụ nào quá thời hạn ghi trong kế hoạch.")
        return "".join(
            _li(
                f"<b>{_html(r['Mã'])}</b> hạn {_html(r['Hạn cuối'])} · "
                f"{_html(r['Chủ trì'] or 'chưa ghi cơ quan chủ trì')} · {_html(short(r['Nhiệm vụ'], 90))}"
            )
            for r in data.overdue.head(rows).to_dict("records")
        )
    if key == "reports":
        c = b.completeness
        missing = c[c["Đã nhận"] < c["Phải báo cáo"]] if not c.empty else c
        if missing.empty:
            return _li("Mọi đơn vị, cơ quan đã gửi đủ báo cáo kỳ này.")
        return "".join(
            _li(f"<b>{r['Đã nhận']}/{r['Phải báo cáo']}</b> báo cáo · {_html(r['Đơn vị/cơ quan'])}")
            for r in missing.head(rows).to_dict("records")
        )
    if not judged:
        what = overview.period_label(data.period) if data.period else "Chưa có kỳ báo cáo"
        return _li(f"{_html(what)}: chưa có chỉ tiêu nào được đánh giá, nên chưa có nội dung cho bảng này.", "w-label")
    if key == "offtrack":
        worst = b.off_track(rows)
        if worst.empty:
            return _li("Không có chỉ tiêu chưa đạt hoặc gần đạt trong kỳ này.")
        code = {status.label(s): s for s in ("not_achieved", "near")}
        return "".join(
            _li(
                f"{_status_span(code.get(r['Tình trạng'], ''), r['Tình trạng'])} <b>{_html(r['Mã'])}</b> "
                f"{_unapproved_tag(r.get(approval.COLUMN))}{_html(short(r['Chỉ tiêu'], 90))}"
            )
            + _li(_html(r["Vì sao"]), "w-why w-one")
            + _li(_explained(r.get("Giải trình")), "w-expl")
            for r in worst.to_dict("records")
        )
    if key == "agencies":
        league = b.league.head(rows)
        return "".join(
            _li(f"<b>{formatting.number(round(r['pct_achieved']))}%</b> đạt ({_html(r['n_of'])}) · {_html(r['name'])}")
            for r in league.to_dict("records")
        ) or _li("Chưa có cơ quan chủ trì nào có chỉ tiêu được đánh giá.")
    if key == "units":
        m = b.unit_map[b.unit_map.pct_achieved.notna()].sort_values(["pct_achieved", "name"]).head(rows)
        return "".join(
            _li(
                f"{_status_span(r['status'], formatting.number(round(r['pct_achieved'])) + '%')} đạt · "
                f"{_html(r['name'])} · {_html(r['value_text'])}"
            )
            for r in m.to_dict("records")
        ) or _li("Chưa có phường, xã nào có chỉ tiêu được đánh giá.")
    if key == "map":
        return wall_panels.map_items(b.unit_map, wall_panels.map_shapes(), ROWS.get("units", 5), _html)
    if key == "heat":
        h = b.heat
        slow = h[h.status.isin(["not_achieved", "near"])] if "status" in h else h
        if slow.empty:
            return _li("Không phường, xã nào có chỉ tiêu chưa đạt hoặc gần đạt.")
        t = slow.pivot_table(index="col", columns="status", values="row", aggfunc="count", fill_value=0)
        t = t.reindex(columns=["not_achieved", "near"], fill_value=0)
        t = t.sort_values(["not_achieved", "near"], ascending=False).head(rows)
        return "".join(
            _li(
                f"{_status_span('not_achieved', f'{int(r.not_achieved)} chưa đạt')} · "
                f"{_status_span('near', f'{int(r.near)} gần đạt')} · {_html(name)}"
            )
            for name, r in t.iterrows()
        )
    if key == "changes":
        if data.changes.empty:
            return _li("Không chỉ tiêu nào đổi tình trạng so với bản dữ liệu trước.")
        return "".join(
            _li(
                f"{_html(r['Chiều'])} <b>{_html(r['Mã'])}</b>: {_html(r['Trước'])} → {_html(r['Nay'])} · "
                f"{_html(short(r['Chỉ tiêu'], 70))}"
            )
            for r in data.changes.head(rows).to_dict("records")
        )
    return ""


def _html(text) -> str:
    """Text from the data, safe inside the wall's HTML snippets: every HTML, Markdown or
    Streamlit-markup character (``<``, ``&``, ``*``, ``[``, ``:``, …) becomes a numeric character
    reference, so it shows literally instead of making tags, bold text, links or colours."""
    return "".join(f"&#{ord(c)};" if c in _ENTITY else c for c in str(text))


_ENTITY = frozenset(formatting.MD_SPECIAL + "&<>\"'")
