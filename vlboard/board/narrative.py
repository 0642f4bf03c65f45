"""Vietnamese sentences written from the data, without any language model: the overview's summary,
one caption per wall slide, the meeting pack's key messages and a text alternative per chart kind.

Over 300 lines: one planner for four places (overview, wall, pack, chart alternatives) whose
sentences share the same counting helpers; split by place they would drift apart.

A deterministic sentence planner: every function takes the frames the screens draw (the scorecard,
``screens.Briefing``, ``overview.moves``, the league, the heat table, …), decides which facts are
worth a sentence and writes them through ``domain.sentences`` (numbers ``1.234,5``, "điểm %",
"tăng/giảm", "quý III/2025"). What has no data gets no sentence: a function returns ``[]`` or
None rather than "0 chỉ tiêu chưa đạt: ."; codes and names quoted from the data are listed in
``Sentence.names`` so tests can check every number of the text against the frames.
"""

from __future__ import annotations

import pandas as pd

from vlboard.board import overview
from vlboard.domain import formatting, rollups
from vlboard.domain import sentences as s
from vlboard.domain.sentences import Sentence
from vlboard.domain.status import WITH_DATA
from vlboard.domain.vocab import MAIN_PILLARS

STATUS_WORDS = {"achieved": "đạt", "near": "gần đạt", "not_achieved": "chưa đạt"}


def _pillar(code: str) -> str:
    return formatting.pillar(code).lower()


def _pct(value) -> str:
    return formatting.percent(value, 0)


def judged_counts(card: pd.DataFrame | None) -> dict[str, int]:
    """How many indicators are đạt, gần đạt, chưa đạt (the gauges' and bars' counts)."""
    if card is None or card.empty:
        return dict.fromkeys(WITH_DATA, 0)
    return {k: int((card.status == k).sum()) for k in WITH_DATA}


def _judged(card: pd.DataFrame | None) -> Sentence | None:
    counts = judged_counts(card)
    n = sum(counts.values())
    if not n:
        return None
    parts = [f"{formatting.number(counts[k])} {STATUS_WORDS[k]}" for k in WITH_DATA if counts[k]]
    return s.make(f"{s.count(n)} được đánh giá so với mục tiêu: {s.join(parts)}")


def _unjudged(card: pd.DataFrame | None, period: str | None) -> list[Sentence]:
    """Nothing judged: say so for the period, then what there is instead (figures not due yet,
    indicators due without a figure)."""
    if card is None or card.empty or period is None:
        return []
    out = [s.make(f"{s.period(period)}: chưa có chỉ tiêu nào được đánh giá so với mục tiêu", s.period(period))]
    n_not_due = int(((card.status == "not_due") & card.value.notna()).sum())
    n_no_data = int((card.status == "no_data").sum())
    parts = []
    if n_not_due:
        parts.append(f"{s.count(n_not_due)} đã có số liệu nhưng mục tiêu ở năm sau, chưa đến kỳ đánh giá")
    if n_no_data:
        parts.append(f"{s.count(n_no_data)} đã đến kỳ nhưng chưa có số liệu báo cáo")
    if parts:
        out.append(s.make("; ".join(parts)))
    return out


def _pillars_off(card: pd.DataFrame) -> Sentence | None:
    """Where the 'chưa đạt' are, pillar by pillar, most first."""
    counts = overview.pillar_counts(card)
    counts = counts[counts.pillar.isin(MAIN_PILLARS) & (counts.not_achieved + counts.near > 0)]
    if counts.empty:
        return None
    counts = counts.sort_values(["not_achieved", "near"], ascending=False, kind="stable")
    parts = [
        f"{_pillar(r.pillar)} {formatting.number(r.not_achieved)} chưa đạt, {formatting.number(r.near)} gần đạt"
        for r in counts.itertuples()
    ]
    return s.make("Theo trụ cột: " + "; ".join(parts))


def _worst(card: pd.DataFrame, n: int = 3, names: bool = False) -> Sentence | None:
    """The ``n`` slowest indicators (overview.off_track's order) with the share of their target."""
    worst = overview.off_track(card, limit=n)
    if worst.empty:
        return None
    rows = card.set_index("indicator_code").loc[worst["Mã"]]
    items, quoted = [], []
    for code, r in rows.iterrows():
        name = s.short(r.name_vi, 45) if names else ""
        reach = "" if pd.isna(r.attainment) else f"đạt {formatting.percent(100 * r.attainment)} mục tiêu"
        inside = ", ".join(x for x in (name, reach) if x)
        items.append(f"{code} ({inside})" if inside else code)
        quoted += [code, name]
    return s.make(f"Chậm nhất: {s.join(items)}", *quoted)


def _reports(report: pd.DataFrame | None, period: str | None) -> Sentence | None:
    """Who has not sent every report due (screens.completeness)."""
    if report is None or report.empty or period is None:
        return None
    missing = report[report["Đã nhận"] < report["Phải báo cáo"]]
    if missing.empty:
        return s.make(f"Cả {s.count(len(report), 'đơn vị, cơ quan')} đã gửi đủ báo cáo {s.period(period)}")
    none = missing[missing["Đã nhận"] == 0]
    text = f"{s.of(len(missing), len(report))} đơn vị, cơ quan chưa gửi đủ báo cáo {s.period(period)}"
    if len(none) and len(none) < len(missing):
        text += f", trong đó {formatting.number(len(none))} chưa gửi báo cáo nào"
    return s.make(text, s.period(period))


def _moves(card: pd.DataFrame, before: pd.DataFrame | None, before_period: str | None) -> Sentence | None:
    """What changed since the previous period (overview.moves, the movers table's frame)."""
    if before is None or before_period is None or before.empty:
        return None
    m = overview.moves(card, before)
    if m.empty:
        return None
    up, down = int((m.delta > 0).sum()), int((m.delta < 0).sum())
    top = m.iloc[0]
    split = s.join([f"{formatting.number(up)} tăng" if up else "", f"{formatting.number(down)} giảm" if down else ""])
    return s.make(
        f"So với {s.period(before_period)}, {s.count(len(m))} thay đổi giá trị ({split}); "
        f"thay đổi lớn nhất: {top.indicator_code} {s.change(top.delta, top.measure_unit)}",
        s.period(before_period),
        top.indicator_code,
    )


def _overdue(overdue: pd.DataFrame | None) -> Sentence | None:
    if overdue is None or overdue.empty:
        return None
    return s.make(f"{s.count(len(overdue), 'nhiệm vụ')} đã quá thời hạn ghi trong kế hoạch")


def _overdue_lead(overdue: pd.DataFrame | None) -> Sentence | None:
    """Who leads most of the overdue tasks (milestones.table's «Chủ trì», as printed)."""
    if overdue is None or overdue.empty:
        return None
    leads = overdue["Chủ trì"].dropna().astype(str).str.strip()
    leads = leads[leads != ""]
    if leads.empty:
        return None
    top = leads.value_counts().sort_index().sort_values(ascending=False, kind="stable")
    name, n = top.index[0], int(top.iloc[0])
    return s.make(
        f"Chủ trì nhiều nhiệm vụ quá hạn nhất: {name} ({s.of(n, len(overdue))} nhiệm vụ)", s.short(name, 10_000)
    )


def overview_summary(
    card: pd.DataFrame | None,
    period: str | None,
    report: pd.DataFrame | None = None,
    before: pd.DataFrame | None = None,
    before_period: str | None = None,
    latest: str | None = None,
) -> list[Sentence]:
    """The overview's opening paragraph (3–5 sentences): how many judged and how they stand, where
    the 'chưa đạt' are and the worst ones, who has not reported, what moved since ``before``."""
    if card is None or card.empty or period is None:
        return []
    judged = _judged(card)
    if judged is None:
        out = _unjudged(card, period)
        if latest:
            out.append(s.make(f"Kỳ gần nhất có chỉ tiêu được đánh giá: {s.period(latest)}", s.period(latest)))
        return [x for x in [*out, _reports(report, period)] if x is not None]
    head = s.make(f"{s.period(period)}: {judged.text[:1].lower()}{judged.text[1:]}", s.period(period))
    rest = [_pillars_off(card), _worst(card), _reports(report, period), _moves(card, before, before_period)]
    return [head, *[x for x in rest if x is not None]]


def key_messages(
    brief, overdue: pd.DataFrame, before: pd.DataFrame | None = None, before_period: str | None = None
) -> list[Sentence]:
    """The meeting pack's first page: 3–5 messages from ``screens.Briefing`` (status, where the
    'chưa đạt' are, the worst three by name, missing reports, overdue tasks)."""
    card, period = brief.card, brief.period
    if card is None or card.empty or period is None:
        return [x for x in [_overdue(overdue)] if x is not None]
    judged = _judged(card)
    if judged is None:
        out = _unjudged(card, period)[:2]
        if brief.latest:
            out.append(
                s.make(f"Kỳ gần nhất có chỉ tiêu được đánh giá: {s.period(brief.latest)}", s.period(brief.latest))
            )
    else:
        head = s.make(f"{s.period(period)}: {judged.text[:1].lower()}{judged.text[1:]}", s.period(period))
        out = [head, *[x for x in (_pillars_off(card), _worst(card, 3, names=True)) if x is not None]]
    out += [x for x in (_reports(brief.completeness, period), _overdue(overdue)) if x is not None]
    if judged is not None and len(out) < 5:
        out += [x for x in [_moves(card, before, before_period)] if x is not None]
    return out[:5]


def wall_caption(key: str, brief, overdue: pd.DataFrame, changes: pd.DataFrame | None = None) -> Sentence | None:
    """One sentence on top of a wall slide, read from across the room; None when the slide has
    nothing to say in numbers."""
    card, period = brief.card, brief.period
    if key == "overdue":
        return _overdue_lead(overdue) or _overdue(overdue)
    if key == "reports":
        return _reports(brief.completeness, period)
    if card is None or not brief.judged:
        return None  # the slide itself says why nothing is judged (ui.wall.draw)
    if key == "offtrack":
        c = judged_counts(card)
        if not c["not_achieved"] + c["near"]:
            return None
        return s.make(
            f"{formatting.number(c['not_achieved'])} chưa đạt, {formatting.number(c['near'])} gần đạt "
            f"trong {s.count(sum(c.values()))} được đánh giá {s.period(period)}",
            s.period(period),
        )
    if key == "summary":
        return alt_pillars(card)
    if key.startswith("pillar:"):
        return alt_gauge(card, key.split(":", 1)[1])
    if key == "agencies":
        return alt_league(brief.league)
    if key == "units":
        return alt_map(brief.unit_map)
    if key == "heat":
        return alt_heat(brief.heat)
    if key == "changes" and changes is not None and not changes.empty:
        worse = int(changes["Chiều"].str.contains("xấu").sum())
        better = len(changes) - worse
        parts = [
            f"{formatting.number(worse)} xấu đi" if worse else "",
            f"{formatting.number(better)} tốt lên" if better else "",
        ]
        return s.make(f"{s.count(len(changes))} đổi tình trạng so với bản dữ liệu trước: {s.join(parts)}")
    return None


# Text alternatives, one per chart kind: one or two sentences with the numbers the chart shows.


def alt_gauge(card: pd.DataFrame, pillar: str) -> Sentence | None:
    g = rollups.gauge_counts(card, pillar)
    n = g.achieved + g.near + g.not_achieved
    name = formatting.pillar(pillar)
    if not n:
        return s.make(f"Đồng hồ {name.lower()}: chưa có chỉ tiêu nào có số liệu để đánh giá", name.lower())
    return s.make(
        f"Đồng hồ {name.lower()}: {_pct(g.pct)} chỉ tiêu đạt ({s.of(g.achieved, n)}); "
        f"{formatting.number(g.near)} gần đạt, {formatting.number(g.not_achieved)} chưa đạt",
        name.lower(),
    )


def alt_pillars(card: pd.DataFrame) -> Sentence | None:
    """The three gauges together: % đạt per pillar with n/N."""
    parts = []
    for p in MAIN_PILLARS:
        g = rollups.gauge_counts(card, p)
        n = g.achieved + g.near + g.not_achieved
        if n:
            parts.append(f"{_pillar(p)} {_pct(g.pct)} ({s.of(g.achieved, n)})")
    return s.make("Tỷ lệ chỉ tiêu đạt: " + s.join(parts)) if parts else None


def alt_status_bars(counts: pd.DataFrame) -> Sentence | None:
    """overview.pillar_counts drawn as stacked bars."""
    if counts.empty:
        return None
    if not int((counts.achieved + counts.near + counts.not_achieved).sum()):
        totals = [f"{_pillar(r.pillar)} {formatting.number(r.n_total)}" for r in counts.itertuples()]
        return s.make(f"Số chỉ tiêu theo trụ cột: {s.join(totals)}; chưa chỉ tiêu nào được đánh giá")
    parts = []
    for r in counts.itertuples():
        judged = int(r.achieved + r.near + r.not_achieved)
        what = (
            f"{formatting.number(r.achieved)} đạt, {formatting.number(r.near)} gần đạt, "
            f"{formatting.number(r.not_achieved)} chưa đạt"
            if judged
            else "chưa có chỉ tiêu được đánh giá"
        )
        parts.append(f"{_pillar(r.pillar)} {s.count(r.n_total)} ({what})")
    return s.make("Số chỉ tiêu theo trụ cột và tình trạng: " + "; ".join(parts))


def alt_bullets(rows: pd.DataFrame) -> Sentence | None:
    """charts.progress_bullets: each indicator's result as a share of its target."""
    drawn = rows.dropna(subset=["attainment"])
    if drawn.empty:
        return None
    low = drawn.sort_values(["attainment", "indicator_code"]).iloc[0]
    met = int((drawn.attainment >= 1).sum())
    text = f"{s.count(len(drawn))} có số liệu so với mục tiêu"
    if met:
        text += f", {formatting.number(met)} bằng hoặc vượt mục tiêu"
    text += f"; thấp nhất {low.indicator_code} đạt {formatting.percent(100 * low.attainment)} mục tiêu"
    return s.make(text, low.indicator_code)


def alt_league(league: pd.DataFrame) -> Sentence | None:
    """charts.league over screens.agency_league."""
    if league.empty:
        return None
    top, low = league.iloc[0], league.iloc[-1]
    text = f"{s.count(len(league), 'cơ quan')} có chỉ tiêu có số liệu; cao nhất {top['name']} {_pct(top.pct_achieved)} ({top.n_of})"
    names = [top["name"]]
    if len(league) > 1:
        text += f", thấp nhất {low['name']} {_pct(low.pct_achieved)} ({low.n_of})"
        names += [low["name"]]
    return s.make(text, *names)


def alt_heat(heat: pd.DataFrame) -> Sentence | None:
    """charts.status_matrix over screens.unit_heat: indicators × wards, one status per cell."""
    if heat.empty:
        return None
    c = {k: int((heat.status == k).sum()) for k in WITH_DATA}
    parts = [f"{formatting.number(c[k])} {STATUS_WORDS[k]}" for k in WITH_DATA if c[k]]
    text = f"{s.count(heat.row.nunique())} × {s.count(heat.col.nunique(), 'phường, xã')}"
    if parts:
        text += f": {s.count(sum(c.values()), 'ô')} có số liệu, {s.join(parts)}"
    return s.make(text)


def alt_map(unit_map: pd.DataFrame) -> Sentence | None:
    """charts.choropleth over breakdowns.map_frame: one colour per 2025 unit (rollups.share_band)."""
    if unit_map.empty:
        return None
    bands = unit_map.pct_achieved.map(rollups.share_band)
    with_data = int((bands != "no_data").sum())
    if not with_data:
        return s.make(f"Bản đồ {s.count(len(unit_map), 'phường, xã')}: chưa đơn vị nào có chỉ tiêu có số liệu")
    parts = [
        f"{formatting.number(int((bands == band).sum()))} {what}"
        for band, what in (("achieved", "từ 80% chỉ tiêu đạt"), ("near", "60–80%"), ("not_achieved", "dưới 60%"))
        if (bands == band).any()
    ]
    return s.make(f"Bản đồ: {s.of(with_data, len(unit_map))} phường, xã có chỉ tiêu có số liệu: {s.join(parts)}")


def alt_budget(totals: pd.DataFrame) -> Sentence | None:
    """charts.budget_bars over budget.agency_totals (triệu đồng, 2025 and 2026–2030)."""
    if totals.empty:
        return None
    rows = totals.assign(_t=totals.y2025.fillna(0) + totals.y2026_2030.fillna(0)).sort_values("_t", ascending=False)
    top = rows.iloc[0]
    return s.make(
        f"Kinh phí của {s.count(len(rows), 'cơ quan')}, tổng {formatting.number(rows._t.sum())} triệu đồng; "
        f"nhiều nhất {top.agency} {formatting.number(top._t)} triệu đồng",
        str(top.agency),
    )


def alt_trend(series: pd.DataFrame, unit: str | None) -> Sentence | None:
    """charts.trend: the indicator's values over time (the newest against the first)."""
    values = series.dropna(subset=["value"]).sort_values("period_end") if not series.empty else series
    if values.empty:
        return None
    last = values.iloc[-1]
    text = f"{s.count(len(values), 'giá trị')}; mới nhất {_value(last.value, unit)}"
    if len(values) > 1 and values.iloc[0].value != last.value:
        text += f", {s.change(last.value - values.iloc[0].value, unit)} so với giá trị đầu tiên"
    return s.make(text)


def _value(value, unit) -> str:
    unit = unit if isinstance(unit, str) else ""
    return formatting.percent(value) if unit.startswith("%") else f"{formatting.number(value)} {unit}".strip()
