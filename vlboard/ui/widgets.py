"""The widgets every page draws with: a chart with its PNG download and click-through, a table
with CSV/XLSX downloads and link columns."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from vlboard.domain import filters, formatting


def chart(fig, filename: str, *, on_click=None, caption: str | None = None, alt=None, phone=None) -> None:
    """A figure with the modebar PNG (browser, 2×) and a server-rendered PNG button (kaleido +
    Chromium, made only when clicked). ``on_click(customdata)``: called with the clicked point's
    customdata (a bar, a heat cell, a map unit) to open its detail. ``caption``: the rule behind
    the colours, under the chart. ``alt``: the chart's text alternative (a ``board.narrative``
    sentence or a string), shown as a plain paragraph under it, so screen readers and sighted
    readers get the same key numbers; without one the chart's title stands in (``alt_text``).
    ``phone``: the same figure laid out for a 390-px screen (e.g. one column of small multiples),
    drawn instead of ``fig`` on narrow screens (frame.PAGE_CSS); the PNG is ``fig``'s."""
    from vlboard import charts
    from vlboard.charts import phone as phone_layout
    from vlboard.export import context, pack, png

    config = charts.plotly_config(context.file_name(filename, export_context(), "png")[: -len(".png")])
    if phone is None:
        _plot(fig, config, on_click, f"sel-{charts.slug(filename)}")
    else:  # the wide figure first (what tests and screen readers meet first), each in its keyed box
        with st.container(key=f"vlwide-{charts.slug(filename)}"):
            _plot(fig, config, on_click, f"sel-{charts.slug(filename)}")
        with st.container(key=f"vlphone-{charts.slug(filename)}"):
            _plot(phone_layout.for_phone(phone), config, on_click, f"sel-phone-{charts.slug(filename)}")
    st.markdown(formatting.md_escape(alt_text(fig, alt)))
    if caption:
        st.caption(formatting.md_escape(caption))
    ok, reason = png.available()
    if ok:
        ctx = export_context()
        width = int(fig.layout.width or 1200)
        height = int(fig.layout.height or 500)
        if ctx is None:
            source = f"Nguồn: vlboard · bản dữ liệu {st.session_state.get('_snapshot_id', '')}"
            make = lambda: pack.render_png(fig, width, height, source)  # noqa: E731
        else:
            make = lambda: png.context_png(fig, ctx, width=width, height=height)  # noqa: E731
        st.download_button(
            "Tải ảnh PNG",
            data=make,
            file_name=context.file_name(filename, ctx, "png"),
            mime="image/png",
            icon=":material/image:",
            key=f"png-{charts.slug(filename)}",
        )


def _plot(fig, config: dict, on_click, key: str) -> None:
    """One Plotly chart; with ``on_click`` a click on a point calls it with the point's customdata."""
    if on_click is None:
        st.plotly_chart(fig, theme=None, config=config, width="stretch", key=key)
        return
    event = st.plotly_chart(
        fig, theme=None, config=config, width="stretch", on_select="rerun", selection_mode="points", key=key
    )
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    data = [p.get("customdata") for p in points if p.get("customdata") is not None]
    if data:
        on_click(data[0])


def export_context():
    """The filters, data date and snapshot of this page run (set by ``frame.start``), or None on a
    page without filters: every download names them (file name, header block, PNG footer)."""
    return st.session_state.get(CONTEXT_KEY)


CONTEXT_KEY = "_export_context"


def alt_text(fig, alt=None) -> str:
    """«Mô tả biểu đồ: …»: the given sentence, or the chart's title when a page passes none."""
    text = getattr(alt, "text", alt)
    if not text:
        title = getattr(getattr(fig.layout, "title", None), "text", None) or "không có tiêu đề"
        text = " ".join(re.sub(r"<[^>]+>", " ", str(title)).split()) + "."
    return f"Mô tả biểu đồ: {text}"


def table(
    df: pd.DataFrame,
    name: str,
    max_rows: int = 2000,
    *,
    total: int | None = None,
    full=None,
    links: dict | None = None,
    empty: str = "Không có dòng nào với bộ lọc này.",
    title: str | None = None,
) -> None:
    """A table with CSV and XLSX downloads (Vietnamese headers, formula injection neutralised).
    Long tables show their first ``max_rows`` rows; the downloads hold every row (``full``: a
    zero-argument callable building the whole table, run only when a download is clicked).
    ``links``: column → function(value) → URL: the column shows its value as a link to the detail
    (the downloads keep the plain value). An empty table shows ``empty`` instead of a blank grid.
    ``title``: the table's Vietnamese name in the downloads' header block (default
    ``table_title(name)``); the file names carry ``name`` and the filters."""
    from vlboard import charts
    from vlboard.export import context, downloads
    from vlboard.ui import cards

    if df.empty:
        st.info(formatting.md_escape(empty), icon=":material/info:")
        return
    whole = full or (lambda: df)
    shown, config = shown_cells(df.head(max_rows)), {}
    for column, url in (links or {}).items():
        if column in shown.columns:
            key = url.__name__ if hasattr(url, "__name__") else column
            shown = shown.assign(**{column: [url(v) for v in shown[column]]})
            config[column] = st.column_config.LinkColumn(column, display_text=LINK_TEXT.get(key, r"=([^&]+)$"))
    if cards.fits(df):  # a list of indicators, a wide table: cards on a phone, the grid elsewhere (frame.PAGE_CSS)
        with st.container(key=f"vlgrid-{charts.slug(name)}"):
            st.dataframe(shown, hide_index=True, width="stretch", column_config=config or None)
        with st.container(key=f"vlcards-{charts.slug(name)}"):
            st.html(cards.cards(df.head(cards.MAX), links))  # values escaped in cards; no markdown pass
            if len(df) > cards.MAX:
                st.caption(
                    f"Hiển thị {cards.MAX}/{formatting.number(len(df))} dòng đầu; xem đủ trên màn hình rộng hoặc tải CSV, XLSX."
                )
    else:
        st.dataframe(shown, hide_index=True, width="stretch", column_config=config or None)
    n = total if total is not None else len(df)
    if n > max_rows:
        st.caption(
            f"Hiển thị {formatting.number(max_rows)}/{formatting.number(n)} dòng (mới nhất trước); "
            "tải CSV hoặc XLSX để có đủ."
        )
    slug, ctx, heading = charts.slug(name), export_context(), title or table_title(name)
    left, right, _ = st.columns([1, 1, 8])
    left.download_button(
        "CSV",
        data=lambda: downloads.to_csv(whole(), ctx, heading),
        file_name=context.file_name(name, ctx, "csv"),
        mime="text/csv",
        key=f"csv-{slug}",
        icon=":material/download:",
    )
    right.download_button(
        "XLSX",
        data=lambda: downloads.to_xlsx(whole(), heading, ctx, heading),
        file_name=context.file_name(name, ctx, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx-{slug}",
        icon=":material/download:",
    )


TITLES = {  # a table's file name → its Vietnamese name in the downloads' header block
    "chi tieu cham nhat": "Chỉ tiêu chậm nhất",
    "chi tieu chua giao chu tri": "Chỉ tiêu chưa giao cơ quan chủ trì",
    "chua giao chu tri": "Chỉ tiêu chưa giao cơ quan chủ trì",
    "chi tieu cua co quan": "Chỉ tiêu của cơ quan",
    "chi tieu cua tru cot": "Chỉ tiêu của trụ cột",
    "co nguy co khong dat": "Chỉ tiêu có nguy cơ không đạt",
    "kinh phi qd2702": "Nhiệm vụ, dự án và kinh phí (QĐ 2702, Phụ lục III)",
    "kinh phi vp ubnd 2026": "Kế hoạch CĐS 2026 của Văn phòng UBND tỉnh",
    "muc tieu theo nam": "Mục tiêu theo năm",
    "nhiem vu": "Nhiệm vụ, mốc thời hạn",
    "chi dao": "Chỉ đạo",
    "phuong cu phuong moi": "Phường cũ → phường mới",
    "so chi tieu theo ke hoach": "Số chỉ tiêu theo kế hoạch",
    "so lieu chua den ky": "Số liệu đã có, chưa đến kỳ đánh giá",
    "so lieu thuc hien": "Số liệu thực hiện",
    "su kien anh huong so lieu": "Sự kiện ảnh hưởng số liệu",
    "so lieu trong van ban": "Số liệu trong văn bản",
    "thay doi lon nhat": "Thay đổi lớn nhất",
    "thong tin chi tieu": "Thông tin chỉ tiêu",
    "tinh hinh bao cao co quan": "Tình hình báo cáo của cơ quan",
    "tinh hinh bao cao phuong xa": "Tình hình báo cáo của phường, xã",
    "tinh trang tru cot": "Tình trạng chỉ tiêu theo trụ cột",
    "van ban nguon": "Văn bản nguồn",
    "xep hang phuong xa": "Xếp hạng phường, xã",
    "xep hang phuong xa bang": "Xếp hạng phường, xã",
}
PREFIXES = {"doi chieu ": "Đối chiếu mục tiêu "}  # a name made of a fixed part and a code


def table_title(name: str) -> str:
    """The Vietnamese name of a table from its file name (``TITLES``), or the name itself."""
    if name in TITLES:
        return TITLES[name]
    for prefix, words in PREFIXES.items():
        if name.startswith(prefix):
            return words + name[len(prefix) :]
    return name[:1].upper() + name[1:]


def shown_cells(df: pd.DataFrame) -> pd.DataFrame:
    """A table as the grid shows it: a missing cell reads "–", never None or nan."""
    missing = [c for c in df.columns if df[c].isna().any()]
    if not missing:
        return df
    return df.assign(**{c: df[c].astype(object).where(df[c].notna(), "–") for c in missing})


LINK_TEXT = {"code": r"code=([^&]+)", "unit": "Xem phường/xã"}  # what a link column shows instead of the URL


def indicator_links(f: filters.Filters) -> dict:
    """``links=`` for a table whose "Mã" column holds indicator codes."""
    from vlboard.domain import links

    def code(value):
        return links.indicator(value, f)

    return {"Mã": code}


def unit_links(f: filters.Filters) -> dict:
    """``links=`` for a table whose "Mã đơn vị" column holds ward/commune codes."""
    from vlboard.domain import links

    def unit(value):
        return links.unit(value, f)

    return {"Mã đơn vị": unit}
