"""The sidebar: the shared filters (from and to the URL), the meeting-pack export, and the clicks
that change a filter or open another page with the filters kept."""

from __future__ import annotations

import streamlit as st

from vlboard.board import screens
from vlboard.domain import filters, formatting
from vlboard.ui.data import SnapshotRef


def _widget(key: str) -> str:
    """The sidebar widget key of a filter. A click that sets a filter (set_filter) bumps the
    generation, so the widgets are drawn afresh from the filters instead of keeping old values."""
    gen = st.session_state.get("_filter_gen", 0)
    return f"flt_{key}" + (f"_{gen}" if gen else "")


def _on_change(key: str) -> None:
    value = st.session_state[_widget(key)]
    default = "all" if key == "source" else None
    st.session_state["_filters"] = st.session_state["_filters"].with_(**{key: value or default})


def filter_bar(live: SnapshotRef) -> tuple[filters.Filters, filters.Options]:
    """The sidebar filters. A session starts from the URL (validated, unknown values fall back with
    a note); afterwards the filters live in session state, survive page changes (Streamlit drops
    widget state and the browser drops the URL when switching pages) and are written back to the
    URL on every run, so a copied link reopens the same view."""
    if "_filters" not in st.session_state:
        params = {k: st.query_params.get(k) for k in st.query_params}
        parsed, notes = filters.parse(params, screens.filter_options(live, params.get("source") != "real"))
        st.session_state["_filters"], st.session_state["_filter_notes"] = parsed, notes
    f: filters.Filters = st.session_state["_filters"]
    options = screens.filter_options(live, f.include_demo)
    for note in st.session_state.pop("_filter_notes", []):
        st.warning(formatting.md_escape(note), icon=":material/warning:")
    if f.period not in options.periods:
        f = f.with_(period=options.default_period)
    st.session_state["_filters"] = f
    sb = st.sidebar
    sb.header("Bộ lọc")
    choices = {
        "period": options.periods,
        "plan": options.plans,
        "pillar": options.pillars,
        "agency": options.agencies,
        "unit": options.units,
        "status": options.statuses,
    }
    labels = {
        "plan": "Kế hoạch",
        "period": "Kỳ báo cáo",
        "pillar": "Trụ cột",
        "agency": "Cơ quan",
        "unit": "Phường/xã",
        "status": "Tình trạng",
    }
    for key, opts in choices.items():
        if key == "period" and not opts:
            sb.caption("Kỳ báo cáo: chưa có số liệu")
            continue
        keys = ([] if key == "period" else [""]) + list(opts)
        current = getattr(f, key) or ""
        sb.selectbox(
            labels[key],
            keys,
            index=keys.index(current) if current in keys else 0,
            key=_widget(key),
            on_change=_on_change,
            args=(key,),
            format_func=lambda v, o=opts: str(o.get(v) or v) if v else "Tất cả",
        )
    sources = list(filters.SOURCE_CHOICES)
    sb.radio(
        "Nguồn số liệu",
        sources,
        index=sources.index(f.source),
        key=_widget("source"),
        on_change=_on_change,
        args=("source",),
        format_func=filters.SOURCE_CHOICES.get,
    )
    keep = {k: st.query_params.get(k) for k in st.query_params if k not in filters.KEYS}
    wanted = {**keep, **f.to_params()}
    if {k: st.query_params.get(k) for k in st.query_params} != wanted:
        st.query_params.from_dict(wanted)
    wall_link(f)
    return f, options


def wall_link(f: filters.Filters) -> None:
    """The wall screen in a new browser tab (Streamlit's Markdown links open with target=_blank;
    st.page_link to a page opens in the same tab), keeping the plan and the data source. Relative,
    so it also works under the proxy's path prefix."""
    query = "&".join(f"{k}={v}" for k, v in (("plan", f.plan), ("source", "real" if f.source == "real" else None)) if v)
    st.sidebar.markdown(f"[:material/tv: Mở màn hình IOC (thẻ mới)](ioc{'?' + query if query else ''})")


def export_panel(live: SnapshotRef, f: filters.Filters, options: filters.Options) -> None:
    """Sidebar: build the meeting pack of the current filters, with a progress bar, then offer it."""
    from vlboard import charts
    from vlboard.export import pack, pdf, pptx

    sb = st.sidebar
    sb.subheader("Xuất bộ tài liệu họp")
    fmt = sb.radio(
        "Định dạng",
        ["pdf", "pptx"],
        horizontal=True,
        key="pack_format",
        format_func={"pdf": "PDF", "pptx": "PowerPoint"}.get,
    )
    if sb.button("Tạo bộ tài liệu", key="pack_build", icon=":material/picture_as_pdf:"):
        bar = sb.progress(0.0, text="Đang chuẩn bị…")
        content = pack.build(live, f, options, snapshot_id=live.snapshot_id)
        if not content.png_ok:
            sb.warning(formatting.md_escape(content.png_reason + " Bộ tài liệu chỉ có bảng."))
        renderer = pdf if fmt == "pdf" else pptx
        data = renderer.render(content, progress=lambda i, n, label: bar.progress(i / n, text=label))
        name = charts.slug(f"bo tai lieu hop {filters.describe(f, options)}")[:80]
        st.session_state["pack_file"] = (data, f"{name}.{fmt}", fmt)
    if "pack_file" in st.session_state:
        data, name, fmt_done = st.session_state["pack_file"]
        mime = (
            "application/pdf"
            if fmt_done == "pdf"
            else "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        )
        sb.download_button(
            f"Tải {name}", data=data, file_name=name, mime=mime, key="pack_download", icon=":material/download:"
        )


def set_filter(key: str, value) -> None:
    """Change one filter from a click (an agency bar, a map unit) and run the page again: the URL
    follows (filter_bar writes it back)."""
    value = value[0] if isinstance(value, (list, tuple)) else value
    st.session_state["_filters"] = st.session_state["_filters"].with_(**{key: value})
    st.session_state["_filter_gen"] = st.session_state.get("_filter_gen", 0) + 1
    st.rerun()


def open_indicator(code, f: filters.Filters) -> None:
    """Open an indicator's detail page (a click on a bar or a heat cell), the filters kept."""
    code = code[0] if isinstance(code, (list, tuple)) else code
    st.switch_page("views/indicator.py", query_params={**f.to_params(), "code": str(code)})


def open_pillar(point, f: filters.Filters) -> None:
    """A click on the overview's status bars: that pillar's page showing that status only."""
    from vlboard.domain import links

    pillar, status_code = point[0], point[1]
    target = st.session_state.get("_pages", {}).get(links.PILLAR_PAGES.get(pillar, ""))
    if target is None:  # nền tảng has no page of its own: the overview narrowed to it
        set_filter("pillar", pillar)
        return
    st.session_state["_filters"] = f.with_(status=status_code, pillar=None)
    st.session_state["_filter_gen"] = st.session_state.get("_filter_gen", 0) + 1
    st.switch_page(target, query_params={**f.with_(status=status_code, pillar=None).to_params()})


PILLAR_PAGES = {"chinh-quyen-so": "chinh_quyen_so", "kinh-te-so": "kinh_te_so", "xa-hoi-so": "xa_hoi_so"}


def current_pillar() -> str | None:
    """The pillar of the navigation entry being shown (app.py records the page's url path)."""
    return PILLAR_PAGES.get(st.session_state.get("_page_url", ""))
