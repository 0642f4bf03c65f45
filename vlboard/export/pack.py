"""The meeting pack ("bộ tài liệu họp"): what goes on which page, for a filter state.

The leaders' directives past their deadline («Chỉ đạo quá hạn», vlboard.export.directives) come
first, right after the cover. Format-neutral: a list of ``Page`` (title + blocks of figures, tables and text lines) that
``pack_pdf`` and ``pack_pptx`` render. Built from the board routes the screens call
(``screens.briefing``: the agencies page's league, the units page's heat table, the overview's
off-track list, the reporting tables), so the same snapshot and filters give the same content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from vlboard import charts
from vlboard.board import audit, narrative, overview, screens
from vlboard.domain import approval, filters, links, rollups
from vlboard.domain.vocab import MAIN_PILLARS, PILLARS
from vlboard.domain.vocab import VN_TZ as TZ
from vlboard.export import directives as overdue_directives
from vlboard.export import heat, png
from vlboard.store.source import Source

TITLE = "Bộ tài liệu họp — Chuyển đổi số tỉnh Vĩnh Long"
BARS = 10  # bars of a pillar chart: each 14 pt label on its own line across a slide


@dataclass
class Page:
    title: str
    figures: list[tuple[go.Figure, int, int]] = field(default_factory=list)  # (figure, width, height) px
    table: pd.DataFrame | None = None
    lines: list[str] = field(default_factory=list)
    max_rows: int = 18
    messages: list[str] = field(default_factory=list)  # key messages, large, one bullet each


@dataclass
class Pack:
    pages: list[Page]
    cover: dict[str, str]
    png_ok: bool
    png_reason: str

    @property
    def footer(self) -> str:
        """The line at the foot of every page and slide: the data date and the filters."""
        return f"Số liệu đến ngày {self.cover.get('Số liệu đến ngày', '')} · Bộ lọc: {self.cover.get('Bộ lọc', '')}"


def _status_table(card: pd.DataFrame) -> pd.DataFrame:
    return _cols(overview.status_list(card), "Mã", "Tình trạng", approval.COLUMN, "Chỉ tiêu", "Thực hiện", "Mục tiêu")


def _cols(table: pd.DataFrame, *names: str) -> pd.DataFrame:  # «Duyệt» is there only when a value is unapproved
    return table[[n for n in names if n in table.columns]]


def build(
    src: Source, f: filters.Filters, options: filters.Options, *, snapshot_id: str, now: dt.datetime | None = None
) -> Pack:
    """The pages of the pack for one filter state (figures not yet rendered)."""
    now = now or dt.datetime.now(TZ)
    b = screens.briefing(src, f, now.date())
    note = "Có số liệu minh họa" if f.include_demo else None
    period = overview.period_label(f.period)
    ok, reason = png.available()
    cover = {
        "Tiêu đề": TITLE,
        "Bộ lọc": filters.describe(f, options),
        "Kế hoạch": options.plans.get(f.plan, "Tất cả kế hoạch") if f.plan else "Tất cả kế hoạch",
        "Kỳ báo cáo": period,
        "Số liệu đến ngày": b.data_date,
        "Bản dữ liệu": snapshot_id,
        "Tạo lúc": now.strftime("%H:%M %d/%m/%Y"),
    }
    if f.include_demo:
        cover["Lưu ý"] = "Có số liệu minh họa (demo) theo phường và cơ quan, không phải số liệu báo cáo thật."
    card = b.card
    overdue = b.milestones[b.milestones["Tình trạng"] == "Quá hạn"]
    before = overview.previous_period(list(options.periods), f.period) if b.judged else None
    before_card = screens.scorecard(src, f, before) if before else None
    messages = [m.text for m in narrative.key_messages(b, overdue, before_card, before)]
    late = overdue_directives.frame(src, now.date(), f.include_demo)
    extra = [] if len(late) else [overdue_directives.none_line(now.date())]
    if n := approval.count(card):  # unapproved reports are shown, marked: said within the page's 5 messages
        extra.append(approval.message(n))
    messages = [*messages[: 5 - len(extra)], *extra]
    pages: list[Page] = []
    if len(late):  # leaders' directives past their deadline come first (issue 20)
        pages.append(Page(**overdue_directives.page(late, now.date())))
    if messages:  # the chairman's first page: 3–5 sentences written from the frames of the pages after it
        pages.append(Page(f"Thông điệp chính — {period}", messages=messages))
    if card is None or not b.judged:
        pages.append(
            Page(
                f"Tổng quan — {period}",
                lines=[no_data_line(f, b)],
                table=None if card is None else overview.pillar_status_table(card),
            )
        )
    else:
        summary = Page(
            f"Tổng quan — {period}",
            table=overview.pillar_status_table(card),
            lines=[
                "Số lớn: % chỉ tiêu đạt; vòng cung: đạt (xanh), gần đạt (cam), chưa đạt (đỏ) trong số "
                f"chỉ tiêu có số liệu; vạch đen: mốc 80%. Màu kim: {rollups.SHARE_RULE}."
            ],
        )
        for p in MAIN_PILLARS:
            gauge = charts.card_gauge(card, p, data_date=b.data_date, note=note)
            gauge.data[0].title.text = gauge.data[0].title.text.split("<br>")[0]  # counts: the table below
            summary.figures.append((gauge.update_layout(title_text=None), 600, 380))
        pages.append(summary)
        for p in MAIN_PILLARS:
            rows = card[card.pillar == p]
            if rows.empty:
                continue
            drawn = min(BARS, int(rows.attainment.notna().sum()))
            page = Page(
                f"Trụ cột {PILLARS[p].lower()} — {period}",
                table=_status_table(rows),
                max_rows=14,
                lines=[
                    f"Biểu đồ: {drawn} chỉ tiêu chậm nhất có số liệu trong {len(rows)} chỉ tiêu của trụ "
                    "cột; đủ các chỉ tiêu ở phụ lục."
                ],
            )
            page.figures.append(
                (
                    charts.progress_bullets(
                        rows, title=f"{PILLARS[p]}: % so với mục tiêu", data_date=b.data_date, note=note, max_rows=BARS
                    ),
                    1200,
                    620,
                )
            )
            pages.append(page)
        if not b.league.empty:
            league = b.league.head(15)
            pages.append(
                Page(
                    f"Xếp hạng cơ quan chủ trì — {period}",
                    figures=[
                        (
                            charts.league(
                                league, title="Cơ quan chủ trì: % chỉ tiêu đạt", data_date=b.data_date, note=note
                            ),
                            1200,
                            600,
                        )
                    ],
                    table=pd.DataFrame({"Cơ quan": league.name, "% đạt (n/N)": league.n_of}),
                    lines=[
                        f"{len(league)}/{len(b.league)} cơ quan chủ trì có chỉ tiêu có số liệu (như "
                        "trang Theo cơ quan); % chỉ tiêu đạt trong số chỉ tiêu có số liệu."
                    ],
                )
            )
        pieces = heat.chunks(b.heat, card)
        for i, piece in enumerate(pieces):
            pages.append(
                Page(
                    f"Chỉ tiêu × phường, xã — {period}" + (f" ({i + 1}/{len(pieces)})" if len(pieces) > 1 else ""),
                    figures=[(heat.figure(piece, b.data_date, note), 1400, 760)],
                    lines=[heat.caption(pieces, i, b.heat) + " " + rollups.INDICATOR_RULE.capitalize() + "."],
                )
            )
        worst = b.off_track(15)
        pages.append(
            Page(
                f"Chỉ tiêu chậm tiến độ — {period}",
                table=_cols(worst, "Mã", "Tình trạng", approval.COLUMN, "Vì sao", "Giải trình"),
                max_rows=15,
                lines=[] if len(worst) else ["Không có chỉ tiêu chưa đạt hoặc gần đạt."],
            )
        )
    today = now.strftime("%d/%m/%Y")
    pages.append(
        Page(
            f"Nhiệm vụ quá hạn — so với ngày {today}",
            table=overdue[["Mã", "Nhiệm vụ", "Chủ trì", "Hạn cuối"]],
            max_rows=15,
            lines=[] if len(overdue) else ["Không có nhiệm vụ quá hạn."],
        )
    )
    if not b.completeness.empty:
        c = b.completeness[b.completeness["Đã nhận"] < b.completeness["Phải báo cáo"]]
        pages.append(
            Page(
                f"Đơn vị chưa gửi đủ báo cáo — {period}",
                table=c[["Đơn vị/cơ quan", "Phải báo cáo", "Đã nhận", "Đúng hạn"]],
                max_rows=18,
                lines=[] if len(c) else ["Mọi đơn vị đã gửi đủ báo cáo kỳ này."],
            )
        )
    if card is not None and not card.empty:
        pages.extend(indicator_appendix(card))
    pages.append(audit_appendix(src, f))
    return Pack(pages, cover, ok, reason)


# Indicators without a figure (due and missing, or nothing numeric to judge): by code under their status.
NO_FIGURE = ("no_data", "qualitative", "no_target")
CODES_PER_ROW = 12


def indicator_appendix(card: pd.DataFrame) -> list[Page]:
    """Every indicator of the filter, none left out: those with a figure one row each, the others by
    code under their status (how many, which)."""
    pages = []
    shown = card[~card.status.isin(NO_FIGURE)]
    if len(shown):
        pages.append(Page("Phụ lục: chỉ tiêu có số liệu trong bộ lọc", table=_status_table(shown), max_rows=10_000))
    rest = overview.status_list(card[card.status.isin(NO_FIGURE)])
    if len(rest):
        rows = []
        for label, group in rest.groupby("Tình trạng", sort=False):
            codes = sorted(group["Mã"])
            for i in range(0, len(codes), CODES_PER_ROW):
                first = i == 0
                head = f"{label} ({len(codes)})" if first else "(tiếp)"
                rows.append({"Tình trạng (số chỉ tiêu)": head, "Mã chỉ tiêu": ", ".join(codes[i : i + CODES_PER_ROW])})
        pages.append(
            Page(
                f"Phụ lục: {len(rest)} chỉ tiêu chưa có số liệu hoặc không đánh giá bằng số",
                table=pd.DataFrame(rows),
                max_rows=10_000,
            )
        )
    return pages


AUDIT_TITLE = "Phụ lục: Đối chiếu chỉ tiêu giữa các kế hoạch"


def audit_appendix(src: Source, f: filters.Filters) -> Page:
    """The last page: the concepts whose targets conflict across the plans (page «Đối chiếu chỉ
    tiêu», same route), one line per conflict, and which indicator the dashboard judges by."""
    items = audit.select(screens.target_audit(src), pillar=f.pillar, plan=f.plan)
    table = audit.appendix_table(items)
    lines = [audit.short_summary(items)]
    if table.empty:
        lines.append("Với bộ lọc này, các kế hoạch không đặt mục tiêu mâu thuẫn nhau.")
    else:
        lines.append("Trích dẫn văn bản của từng chỉ tiêu: trang «Đối chiếu chỉ tiêu».")
    return Page(AUDIT_TITLE, table=None if table.empty else table, lines=lines, max_rows=60)


def no_data_line(f: filters.Filters, b: screens.Briefing) -> str:
    """The pack's "no data for this period" line: which period, and the newest one that has data
    with the address that opens it."""
    period = overview.period_label(f.period)
    why = overview.unjudged_reason(b.card)
    line = f"{period}: chưa có chỉ tiêu nào đủ điều kiện so với mục tiêu với bộ lọc này" + (
        f" ({why})." if why else "."
    )
    if b.latest:
        line += (
            f" Kỳ gần nhất có số liệu: {overview.period_label(b.latest)} "
            f"(mở /{links.period(links.OVERVIEW, b.latest, f)} hoặc tạo lại bộ tài liệu với kỳ đó)."
        )
    return line


def source_line(p: Pack) -> str:
    """The line printed under every chart image of a pack."""
    return f"Nguồn: vlboard · bản dữ liệu {p.cover.get('Bản dữ liệu', '')}"


def render_png(fig: go.Figure, width: int, height: int, source_line: str) -> bytes:
    """The figure as a PNG with the source line under it (the data date is already on it)."""
    fig = go.Figure(fig)
    fig.add_annotation(
        text=source_line,
        xref="paper",
        yref="paper",
        x=1,
        y=0,
        xanchor="right",
        yanchor="top",
        yshift=-28,
        showarrow=False,
        font=dict(size=10, color="#666666"),
    )
    fig.update_layout(margin=dict(b=max(70, (fig.layout.margin.b or 0))))
    return png.figure_png(fig, width=width, height=height, scale=2)


def cell(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
