"""The page frame every dashboard page starts from: snapshot, filters, header, export panel
(``start``), and the shared "no data for this period" state (``PageContext.no_data``)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from vlboard.board import overview, screens
from vlboard.domain import filters, formatting
from vlboard.ui import cards, data, sidebar
from vlboard.ui.data import SnapshotRef

# One style block on every page (app.py; the wall has its own). Captions: Streamlit's faded grey is 3.88:1 on
# white (WCAG AA asks 4.5:1: Streamlit 1.67 draws it at opacity 0.6), this one is 7.3:1. Streamlit's element
# toolbar (hover over a chart or a grid: "Fullscreen", "Download as CSV", "Search", English only, no
# setting translates it) is hidden: each chart and table has its Vietnamese download buttons; so is
# the "Stop" button of the running-page indicator (its animated icon stays), and the "Fullscreen"
# button Streamlit adds to Plotly's toolbar (its tooltip and aria-label are fixed English; the other
# toolbar buttons are translated by charts.plotly_config).
# On a phone (≤ 640 px): chart titles in smaller type so they fit 390 px, footers and notes at
# 12 px (the smallest text of a page), no hover toolbar over the title (the "Tải ảnh PNG" button
# under each chart downloads the image), and lists of indicators as cards instead of the grid
# (ui.cards; widgets.table draws both, keyed containers vlgrid-… / vlcards-…; ui.chart likewise a
# phone version of a figure, vlwide-… / vlphone-…). Plotly writes its font sizes inline, hence !important.
PAGE_CSS = (
    """<style>
[data-testid="stCaptionContainer"] { opacity: 1; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stCaptionContainer"] code { color: #55575F; }
/* segmented controls: Streamlit's grey (3.88:1) and red on pink (4.47:1) texts, darker */
[data-variant="segmented_control"] [data-testid="stMarkdownContainer"] p { color: #55575F; }
[data-testid="stBaseButton-segmented_controlActive"] [data-testid="stMarkdownContainer"] p { color: #A32A37; }
[data-testid="stElementToolbar"] { display: none; }
[data-testid="stStatusWidget"] button { display: none; }
.js-plotly-plot .modebar-btn[data-title="Fullscreen"] { display: none; }
[data-testid="stCaptionContainer"] code { font-size: 12px; }
@media (max-width: 640px) {
  .js-plotly-plot .gtitle { font-size: 15px !important; }
  .js-plotly-plot .annotation-text { font-size: 12px !important; }
  .js-plotly-plot .modebar-container { display: none; }
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem; padding-right: 0.75rem; }
  [class*="st-key-vlgrid-"], [class*="st-key-vlwide-"] { display: none; }
}
@media (min-width: 641px) {
  [class*="st-key-vlcards-"], [class*="st-key-vlphone-"] { display: none; }
}
"""
    + cards.CSS.strip()
    + "\n</style>"
)


def header(
    live: SnapshotRef, f: filters.Filters, options: filters.Options, title: str, *, uses_results: bool = True
) -> None:
    """Page title, the active filters and data date, and the demo mark when demo values show
    (pages that show no results, such as budgets and milestones, carry no demo mark)."""
    st.title(title)
    dates = overview.data_dates(live.q("data_date"))
    line = f"{filters.describe(f, options)} · số liệu thật đến {dates.real}"  # documents and reports
    if f.include_demo and dates.demo:
        line += f" · minh họa đến {dates.demo}"
    st.caption(formatting.md_escape(line) + f" · bản dữ liệu `{live.snapshot_id}`")
    if f.include_demo and uses_results:
        st.info(
            "Có số liệu **minh họa** (demo) theo phường và cơ quan: không phải số liệu báo cáo thật.",
            icon=":material/info:",
        )


@dataclass(frozen=True)
class PageContext:
    """What every page starts from: the live snapshot, the validated filters and the captions."""

    live: SnapshotRef
    f: filters.Filters
    options: filters.Options
    date: str  # newest real figure, dd/mm/yyyy
    note: str | None  # "Có số liệu minh họa" when demo values may be drawn
    period: str  # the filter's period in Vietnamese

    def card(self, period: str | None = None) -> pd.DataFrame | None:
        return data.scorecard(self.live, self.f, period)

    def judged(self, card=None) -> bool:
        """Whether the filter's period has an indicator judged against its target."""
        return screens.has_judgement(self.card() if card is None else card)

    def latest_with_data(self, judged=None) -> str | None:
        """The newest period in which, with the same filters, an indicator is judged (and
        ``judged(period, card)`` holds, see screens.latest_with_data)."""
        return screens.latest_with_data(self.options.periods, self.card, skip=self.f.period, judged=judged)

    def no_data(self, what: str = "chỉ tiêu nào đủ điều kiện so với mục tiêu", judged=None) -> None:
        """The explicit "no data for this period" state: what is missing, for which period, and a
        link to the same page and filters in the newest period that has data."""
        from vlboard.domain import links

        latest = self.latest_with_data(judged)
        why = overview.unjudged_reason(self.card()) if judged is None else ""
        text = f"{formatting.md_escape(self.period)}: chưa có {formatting.md_escape(what)} với bộ lọc này" + (
            f" ({formatting.md_escape(why)})." if why else "."
        )
        if latest:
            url = links.period(st.session_state.get("_page_url") or links.OVERVIEW, latest, self.f)
            text += (
                f" Kỳ gần nhất có số liệu: **[{formatting.md_escape(overview.period_label(latest))}]({url})** "
                "(chọn ở «Kỳ báo cáo» bên trái hoặc mở liên kết)."
            )
        else:
            text += " Chưa kỳ nào có số liệu như vậy."
        st.info(text, icon=":material/event_busy:")


FILTER_NAMES = {
    "period": "kỳ báo cáo",
    "plan": "kế hoạch",
    "pillar": "trụ cột",
    "agency": "cơ quan",
    "unit": "phường/xã",
    "status": "tình trạng",
}


def not_applied(f: filters.Filters, options: filters.Options, applies: tuple[str, ...], why: str) -> str | None:
    """A note naming the active filters that this page cannot apply (None when all apply)."""
    names = {
        "plan": options.plans,
        "pillar": options.pillars,
        "agency": options.agencies,
        "unit": options.units,
        "status": options.statuses,
    }
    unused = [
        f"{FILTER_NAMES[k]} «{names[k].get(getattr(f, k), getattr(f, k))}»"
        for k in names
        if getattr(f, k) and k not in applies
    ]
    if not unused:
        return None
    return f"Bộ lọc {', '.join(unused)} không áp dụng cho trang này: {why}"


def start(title: str, *, uses_results: bool = True, pillar: str | None = None) -> PageContext:
    """Open the snapshot (or stop the page with a Vietnamese error), draw the filter bar and the
    header. ``pillar`` fixes the pillar filter (the three pillar entries of the navigation)."""
    live = data.live_snapshot()
    if live is None:
        st.stop()
    f, options = sidebar.filter_bar(live)
    if pillar:
        f = f.with_(pillar=pillar)
    header(live, f, options, title, uses_results=uses_results)
    st.session_state["_snapshot_id"] = live.snapshot_id
    sidebar.export_panel(live, f, options)
    page = PageContext(
        live,
        f,
        options,
        overview.data_dates(live.q("data_date")).real,
        "Có số liệu minh họa" if f.include_demo and uses_results else None,
        overview.period_label(f.period),
    )
    # what every download of this run names: filters, data date, snapshot (ui.widgets reads it)
    from vlboard.export import context
    from vlboard.ui import widgets

    st.session_state[widgets.CONTEXT_KEY] = context.of(
        f, options, date=page.date, snapshot_id=live.snapshot_id, demo=page.note is not None
    )
    return page


TOO_BIG = (
    "Trang này cần nhiều bộ nhớ hơn mức máy chủ cho phép để tính trên toàn bộ số liệu hiện có nên chưa "
    "hiển thị được. Lỗi đã được ghi vào nhật ký máy chủ; các trang khác vẫn dùng được."
)


def run_page(page) -> None:
    """Run the navigation's page; a query that exceeds the engine's memory limit (tens of millions
    of results) ends the page with a Vietnamese message and a logged error, not a crash box."""
    import logging

    import duckdb

    try:
        page.run()
    except duckdb.OutOfMemoryException:
        logging.getLogger(__name__).error("page %s: query out of memory", getattr(page, "url_path", "?"), exc_info=True)
        st.error(TOO_BIG, icon=":material/memory:")
