"""The widgets every page draws with: a chart with its PNG download and click-through, a table
with CSV/XLSX downloads and link columns."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from vlboard.domain import filters, formatting


def chart(fig, filename: str, *, on_click=None, caption: str | None = None, alt=None) -> None:
    """A figure with the modebar PNG (browser, 2×) and a server-rendered PNG button (kaleido +
    Chromium, made only when clicked). ``on_click(customdata)``: called with the clicked point's
    customdata (a bar, a heat cell, a map unit) to open its detail. ``caption``: the rule behind
    the colours, under the chart. ``alt``: the chart's text alternative (a ``board.narrative``
    sentence or a string), shown as a plain paragraph under it, so screen readers and sighted
    readers get the same key numbers; without one the chart's title stands in (``alt_text``)."""
    from vlboard import charts
    from vlboard.export import pack, png

    config = charts.plotly_config(filename)
    if on_click is None:
        st.plotly_chart(fig, theme=None, config=config, width="stretch")
    else:
        event = st.plotly_chart(
            fig,
            theme=None,
            config=config,
            width="stretch",
            on_select="rerun",
            selection_mode="points",
            key=f"sel-{charts.slug(filename)}",
        )
        points = (event or {}).get("selection", {}).get("points", []) if event else []
        data = [p.get("customdata") for p in points if p.get("customdata") is not None]
        if data:
            on_click(data[0])
    st.markdown(formatting.md_escape(alt_text(fig, alt)))
    if caption:
        st.caption(formatting.md_escape(caption))
    ok, reason = png.available()
    if ok:
        source = f"Nguồn: vlboard · bản dữ liệu {st.session_state.get('_snapshot_id', '')}"
        width = int(fig.layout.width or 1200)
        height = int(fig.layout.height or 500)
        st.download_button(
            "Tải ảnh PNG",
            data=lambda: pack.render_png(fig, width, height, source),
            file_name=f"{charts.slug(filename)}.png",
            mime="image/png",
            icon=":material/image:",
            key=f"png-{charts.slug(filename)}",
        )


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
) -> None:
    """A table with CSV and XLSX downloads (Vietnamese headers, formula injection neutralised).
    Long tables show their first ``max_rows`` rows; the downloads hold every row (``full``: a
    zero-argument callable building the whole table, run only when a download is clicked).
    ``links``: column → function(value) → URL: the column shows its value as a link to the detail
    (the downloads keep the plain value). An empty table shows ``empty`` instead of a blank grid."""
    from vlboard import charts
    from vlboard.export import downloads

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
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config or None)
    n = total if total is not None else len(df)
    if n > max_rows:
        st.caption(
            f"Hiển thị {formatting.number(max_rows)}/{formatting.number(n)} dòng (mới nhất trước); "
            "tải CSV hoặc XLSX để có đủ."
        )
    slug = charts.slug(name)
    left, right, _ = st.columns([1, 1, 8])
    left.download_button(
        "CSV",
        data=lambda: downloads.to_csv(whole()),
        file_name=f"{slug}.csv",
        mime="text/csv",
        key=f"csv-{slug}",
        icon=":material/download:",
    )
    right.download_button(
        "XLSX",
        data=lambda: downloads.to_xlsx(whole(), name),
        file_name=f"{slug}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx-{slug}",
        icon=":material/download:",
    )


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
