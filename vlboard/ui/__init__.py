"""The only module of the package that imports streamlit: caches and the shared page frame."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import streamlit as st

from vlboard.board import screens

from vlboard.domain import filters, formatting

from vlboard.store import db, queries, snapshots


@dataclass(frozen=True)
class Live:
    snapshot_id: str
    path: str
    manifest: dict
    con: duckdb.DuckDBPyConnection

    def q(self, name: str, **params) -> pd.DataFrame:
        """A named query, cached per snapshot id: a new snapshot never serves old answers."""
        return _query(self.snapshot_id, self.path, name, tuple(sorted(params.items())))


@st.cache_data(max_entries=512, show_spinner=False)
def _query(snapshot_id: str, path: str, name: str, params: tuple) -> pd.DataFrame:
    _, con = _open(path, snapshot_id)
    return queries.run(con, name, **dict(params))


@st.cache_resource(max_entries=4, show_spinner=False)
def _open(path: str, snapshot_id: str) -> tuple[dict, duckdb.DuckDBPyConnection]:
    """Verify once and connect once per snapshot id: a new CURRENT gets a new connection."""
    from pathlib import Path

    manifest = snapshots.verify(Path(path))
    return manifest, db.open_snapshot(Path(path))


def open_current() -> Live:
    """The snapshot CURRENT points at, verified and connected once per id; raises SnapshotError."""
    data = snapshots.default_data_dir()
    sid = snapshots.current_id(data)
    if sid is None:
        raise snapshots.SnapshotError("Chưa có bản dữ liệu nào: chạy «python -m vlboard build».")
    path = snapshots.snapshot_dir(data, sid)
    manifest, con = _open(str(path), sid)
    return Live(sid, str(path), manifest, con)


_LAST_GOOD: dict[str, Live] = {}  # per data folder: the last snapshot this process read


def open_last_good() -> Live | None:
    """The newest snapshot on disk that verifies (when CURRENT's is broken and this process has
    not read a good one yet), or None."""
    data = snapshots.default_data_dir()
    path = snapshots.last_good(data)
    if path is None:
        return None
    manifest, con = _open(str(path), path.name)
    return Live(path.name, str(path), manifest, con)


def live_snapshot() -> Live | None:
    """The current snapshot. When it cannot be used (missing table, truncated parquet, wrong
    columns, checksum mismatch) the last good one keeps serving with a Vietnamese warning naming
    the problem; None, after an error message, only when no snapshot at all can be read."""
    root = str(snapshots.default_data_dir().root)
    try:
        live = open_current()
        _LAST_GOOD[root] = live
        return live
    except (snapshots.SnapshotError, OSError) as exc:
        fallback = _LAST_GOOD.get(root) or open_last_good()
        if fallback is None:
            st.error(f"Không đọc được dữ liệu. {formatting.md_escape(exc)}", icon=":material/warning:")
            return None
        st.warning(f"Bản dữ liệu hiện hành không dùng được ({formatting.md_escape(exc)}); đang hiển thị bản "
                   f"tốt gần nhất `{fallback.snapshot_id}`.", icon=":material/warning:")
        return fallback


def filter_options(live: Live, include_demo: bool) -> filters.Options:
    return screens.filter_options(live, include_demo)


def _widget(key: str) -> str:
    """The sidebar widget key of a filter. A click that sets a filter (set_filter) bumps the
    generation, so the widgets are drawn afresh from the filters instead of keeping old values."""
    gen = st.session_state.get("_filter_gen", 0)
    return f"flt_{key}" + (f"_{gen}" if gen else "")


def _on_change(key: str) -> None:
    value = st.session_state[_widget(key)]
    default = "all" if key == "source" else None
    st.session_state["_filters"] = st.session_state["_filters"].with_(**{key: value or default})


def filter_bar(live: Live) -> tuple[filters.Filters, filters.Options]:
    """The sidebar filters. A session starts from the URL (validated, unknown values fall back with
    a note); afterwards the filters live in session state, survive page changes (Streamlit drops
    widget state and the browser drops the URL when switching pages) and are written back to the
    URL on every run, so a copied link reopens the same view."""
    if "_filters" not in st.session_state:
        params = {k: st.query_params.get(k) for k in st.query_params}
        parsed, notes = filters.parse(params, filter_options(live, params.get("source") != "real"))
        st.session_state["_filters"], st.session_state["_filter_notes"] = parsed, notes
    f: filters.Filters = st.session_state["_filters"]
    options = filter_options(live, f.include_demo)
    for note in st.session_state.pop("_filter_notes", []):
        st.warning(formatting.md_escape(note), icon=":material/warning:")
    if f.period not in options.periods:
        f = f.with_(period=options.default_period)
    st.session_state["_filters"] = f
    sb = st.sidebar
    sb.header("Bộ lọc")
    choices = {"period": options.periods, "plan": options.plans, "pillar": options.pillars,
               "agency": options.agencies, "unit": options.units, "status": options.statuses}
    labels = {"plan": "Kế hoạch", "period": "Kỳ báo cáo", "pillar": "Trụ cột", "agency": "Cơ quan",
              "unit": "Phường/xã", "status": "Tình trạng"}
    for key, opts in choices.items():
        if key == "period" and not opts:
            sb.caption("Kỳ báo cáo: chưa có số liệu")
            continue
        keys = ([] if key == "period" else [""]) + list(opts)
        current = getattr(f, key) or ""
        sb.selectbox(labels[key], keys, index=keys.index(current) if current in keys else 0,
                     key=_widget(key), on_change=_on_change, args=(key,),
                     format_func=lambda v, o=opts: str(o.get(v) or v) if v else "Tất cả")
    sources = list(filters.SOURCE_CHOICES)
    sb.radio("Nguồn số liệu", sources, index=sources.index(f.source), key=_widget("source"),
             on_change=_on_change, args=("source",), format_func=filters.SOURCE_CHOICES.get)
    keep = {k: st.query_params.get(k) for k in st.query_params if k not in filters.KEYS}
    wanted = {**keep, **f.to_params()}
    if {k: st.query_params.get(k) for k in st.query_params} != wanted:
        st.query_params.from_dict(wanted)
    return f, options


def scorecard(live: Live, f: filters.Filters, period: str | None = None):
    """The indicator scorecard of a period (default: the filter's), with pace and explanations,
    narrowed by the filters. None when there is no period to judge."""
    period = period or f.period
    if period is None:
        return None
    return screens.narrow(_card(live.snapshot_id, live.path, period, f.include_demo), live, f)


def full_scorecard(live: Live, period: str, include_demo: bool) -> pd.DataFrame:
    """Every indicator of a period, not narrowed by the filters (the indicator page, the wall)."""
    return _card(live.snapshot_id, live.path, period, include_demo)


@st.cache_data(max_entries=64, show_spinner=False)
def _card(snapshot_id: str, path: str, period: str, include_demo: bool) -> pd.DataFrame:
    """Explanations and pace for every indicator, once per snapshot × period × source choice."""
    return screens.full_card(Live(snapshot_id, path, {}, None), period, include_demo)


def header(live: Live, f: filters.Filters, options: filters.Options, title: str, *, uses_results: bool = True) -> None:
    """Page title, the active filters and data date, and the demo mark when demo values show
    (pages that show no results, such as budgets and milestones, carry no demo mark)."""
    from vlboard.board import overview

    st.title(title)
    dates = overview.data_dates(live.q("data_date"))
    line = f"{filters.describe(f, options)} · số liệu văn bản đến {dates.real}"
    if f.include_demo and dates.demo:
        line += f" · minh họa đến {dates.demo}"
    st.caption(formatting.md_escape(line) + f" · bản dữ liệu `{live.snapshot_id}`")
    if f.include_demo and uses_results:
        st.info("Có số liệu **minh họa** (demo) theo phường và cơ quan: không phải số liệu báo cáo thật.",
                icon=":material/info:")


def chart(fig, filename: str, *, on_click=None, caption: str | None = None) -> None:
    """A figure with the modebar PNG (browser, 2×) and a server-rendered PNG button (kaleido +
    Chromium, made only when clicked). ``on_click(customdata)``: called with the clicked point's
    customdata (a bar, a heat cell, a map unit) to open its detail. ``caption``: the rule behind
    the colours, under the chart."""
    from vlboard import charts
    from vlboard.export import pack, png

    config = charts.plotly_config(filename)
    if on_click is None:
        st.plotly_chart(fig, theme=None, config=config, width="stretch")
    else:
        event = st.plotly_chart(fig, theme=None, config=config, width="stretch", on_select="rerun",
                                selection_mode="points", key=f"sel-{charts.slug(filename)}")
        points = (event or {}).get("selection", {}).get("points", []) if event else []
        data = [p.get("customdata") for p in points if p.get("customdata") is not None]
        if data:
            on_click(data[0])
    if caption:
        st.caption(formatting.md_escape(caption))
    ok, reason = png.available()
    if ok:
        source = f"Nguồn: vlboard · bản dữ liệu {st.session_state.get('_snapshot_id', '')}"
        width = int(fig.layout.width or 1200)
        height = int(fig.layout.height or 500)
        st.download_button("Tải ảnh PNG", data=lambda: pack.render_png(fig, width, height, source),
                           file_name=f"{charts.slug(filename)}.png", mime="image/png", icon=":material/image:",
                           key=f"png-{charts.slug(filename)}")


def table(df: pd.DataFrame, name: str, max_rows: int = 2000, *, total: int | None = None, full=None,
          links: dict | None = None, empty: str = "Không có dòng nào với bộ lọc này.") -> None:
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
        st.caption(f"Hiển thị {formatting.number(max_rows)}/{formatting.number(n)} dòng (mới nhất trước); "
                   "tải CSV hoặc XLSX để có đủ.")
    slug = charts.slug(name)
    left, right, _ = st.columns([1, 1, 8])
    left.download_button("CSV", data=lambda: downloads.to_csv(whole()), file_name=f"{slug}.csv", mime="text/csv",
                         key=f"csv-{slug}", icon=":material/download:")
    right.download_button("XLSX", data=lambda: downloads.to_xlsx(whole(), name), file_name=f"{slug}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"xlsx-{slug}", icon=":material/download:")


def shown_cells(df: pd.DataFrame) -> pd.DataFrame:
    """A table as the grid shows it: a missing cell reads "–", never None or nan."""
    missing = [c for c in df.columns if df[c].isna().any()]
    if not missing:
        return df
    return df.assign(**{c: df[c].astype(object).where(df[c].notna(), "–") for c in missing})


def export_panel(live: Live, f: filters.Filters, options: filters.Options) -> None:
    """Sidebar: build the meeting pack of the current filters, with a progress bar, then offer it."""
    from vlboard import charts
    from vlboard.export import pack, pdf, pptx

    sb = st.sidebar
    sb.subheader("Xuất bộ tài liệu họp")
    fmt = sb.radio("Định dạng", ["pdf", "pptx"], horizontal=True, key="pack_format",
                   format_func={"pdf": "PDF", "pptx": "PowerPoint"}.get)
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
        mime = "application/pdf" if fmt_done == "pdf" else \
            "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        sb.download_button(f"Tải {name}", data=data, file_name=name, mime=mime, key="pack_download",
                           icon=":material/download:")


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


def set_filter(key: str, value) -> None:
    """Change one filter from a click (an agency bar, a map unit) and run the page again: the URL
    follows (filter_bar writes it back)."""
    value = value[0] if isinstance(value, (list, tuple)) else value
    st.session_state["_filters"] = st.session_state["_filters"].with_(**{key: value})
    st.session_state["_filter_gen"] = st.session_state.get("_filter_gen", 0) + 1
    st.rerun()


PILLAR_PAGES = {"chinh-quyen-so": "chinh_quyen_so", "kinh-te-so": "kinh_te_so", "xa-hoi-so": "xa_hoi_so"}


def current_pillar() -> str | None:
    """The pillar of the navigation entry being shown (app.py records the page's url path)."""
    return PILLAR_PAGES.get(st.session_state.get("_page_url", ""))


def period_of(f: filters.Filters):
    from vlboard.domain.periods import parse_period

    return parse_period(f.period)


def geojson() -> dict | None:
    """The 2025 commune boundaries shipped in data/geo (None, and the page falls back to a table,
    when the file is missing or unreadable)."""
    return _geojson(str(snapshots.default_data_dir().root / "geo" / "vinhlong_2025_communes.geojson"))


@st.cache_resource(show_spinner=False)
def _geojson(path: str) -> dict | None:
    import json

    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


@st.cache_data(max_entries=32, show_spinner=False)
def unit_map(snapshot_id: str, path: str, f: filters.Filters, title: str, date: str, note: str | None):
    """The ward/commune map for a filter state (None without boundaries). Cached: the polygons make
    the figure the slowest object of the page to build."""
    from vlboard import charts
    from vlboard.board import breakdowns
    from vlboard.domain import rollups

    geo = geojson()
    if geo is None:
        return None
    live = Live(snapshot_id, path, {}, None)
    units = screens.unit_rows(live, f, scorecard(live, f))
    frame = breakdowns.map_frame(units, live.q("unit_list"), live.q("unit_crosswalk"))
    return charts.choropleth(geo, frame, title=title, data_date=date, note=note, labels=rollups.SHARE_LABELS)


@dataclass(frozen=True)
class PageContext:
    """What every page starts from: the live snapshot, the validated filters and the captions."""
    live: Live
    f: filters.Filters
    options: filters.Options
    date: str  # newest real figure, dd/mm/yyyy
    note: str | None  # "Có số liệu minh họa" when demo values may be drawn
    period: str  # the filter's period in Vietnamese

    def card(self, period: str | None = None):
        return scorecard(self.live, self.f, period)

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
        from vlboard.board import overview
        from vlboard.domain import links

        latest = self.latest_with_data(judged)
        why = overview.unjudged_reason(self.card()) if judged is None else ""
        text = (f"{formatting.md_escape(self.period)}: chưa có {formatting.md_escape(what)} với bộ lọc này"
                + (f" ({formatting.md_escape(why)})." if why else "."))
        if latest:
            url = links.period(st.session_state.get("_page_url") or links.OVERVIEW, latest, self.f)
            text += (f" Kỳ gần nhất có số liệu: **[{formatting.md_escape(overview.period_label(latest))}]({url})** "
                     "(chọn ở «Kỳ báo cáo» bên trái hoặc mở liên kết).")
        else:
            text += " Chưa kỳ nào có số liệu như vậy."
        st.info(text, icon=":material/event_busy:")


FILTER_NAMES = {"period": "kỳ báo cáo", "plan": "kế hoạch", "pillar": "trụ cột", "agency": "cơ quan",
                "unit": "phường/xã", "status": "tình trạng"}


def not_applied(f: filters.Filters, options: filters.Options, applies: tuple[str, ...], why: str) -> str | None:
    """A note naming the active filters that this page cannot apply (None when all apply)."""
    names = {"plan": options.plans, "pillar": options.pillars, "agency": options.agencies, "unit": options.units,
             "status": options.statuses}
    unused = [f"{FILTER_NAMES[k]} «{names[k].get(getattr(f, k), getattr(f, k))}»" for k in names
              if getattr(f, k) and k not in applies]
    if not unused:
        return None
    return f"Bộ lọc {', '.join(unused)} không áp dụng cho trang này: {why}"


def start(title: str, *, uses_results: bool = True, pillar: str | None = None) -> PageContext:
    """Open the snapshot (or stop the page with a Vietnamese error), draw the filter bar and the
    header. ``pillar`` fixes the pillar filter (the three pillar entries of the navigation)."""
    from vlboard.board import overview

    live = live_snapshot()
    if live is None:
        st.stop()
    f, options = filter_bar(live)
    if pillar:
        f = f.with_(pillar=pillar)
    header(live, f, options, title, uses_results=uses_results)
    st.session_state["_snapshot_id"] = live.snapshot_id
    export_panel(live, f, options)
    return PageContext(live, f, options, overview.data_dates(live.q("data_date")).real,
                       "Có số liệu minh họa" if f.include_demo and uses_results else None,
                       overview.period_label(f.period))
