"""Plotly figure builders: a DataFrame in, a ``go.Figure`` out. Pure: no streamlit, no duckdb.

Every figure goes through :func:`finish`: Vietnamese title, Noto Sans (Plotly's default font has
no Vietnamese glyphs), white theme, Vietnamese number separators and a grey footer with the data
date. Status colours come from :data:`vlboard.domain.status.STATUSES`; a status is always named too
(icon + label in the legend or the text), never shown by colour alone.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import unicodedata

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from vlboard.domain import formatting, roadmap, status
from vlboard.domain.vocab import SOURCES
from vlboard.domain.status import STATUSES, _num

FONT = "Noto Sans, DejaVu Sans, sans-serif"
GREY = "#6B6B6B"
BLUE = "#0072B2"
NO_DATA_FILL = "#EEEEEE"
ATTRIBUTION = ("Ranh giới: thanglequoc/vietnamese-provinces-database (MIT), "
               "theo bản đồ ĐVHC sapnhap.bando.com.vn")
SOURCE_STYLE = {"document": (BLUE, "solid"), "report": ("#7A3E9D", "solid"), "demo": ("#8C8C8C", "dash")}
_INDEX = {code: i for i, code in enumerate(STATUSES)}
_CARTESIAN = {"bar", "scatter", "heatmap"}


def _nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text))


def _label(text) -> str:
    """Text from the data inside a figure: Plotly reads <a href>, <b>, <span style> … in every
    label, so ``<``, ``>`` and ``&`` become entities (Plotly shows them literally)."""
    return html.escape(_nfc(text), quote=False)


def short(text, n: int) -> str:
    text = _nfc(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# --------------------------------------------------------------------------------- export / theme

def slug(text: str) -> str:
    """'Tổng quan Quý III/2025' → 'tong-quan-quy-iii-2025' (ASCII, for file names)."""
    text = _nfc(text).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def plotly_config(filename: str) -> dict:
    """``config`` for ``st.plotly_chart``: PNG download named after ``filename``, no logo."""
    return {"displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": slug(filename) or "bieu-do", "scale": 2},
            "locale": "vi",
            "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def _set_footer(fig: go.Figure, lines: list[str]) -> None:
    """(Re)place the grey bottom-left footer annotation and size the bottom margin for it."""
    others = [a for a in fig.layout.annotations if a.name != "footer"]
    cartesian = any(t.type in _CARTESIAN for t in fig.data)
    bottom = (50 if cartesian else 12) + 16 * len(lines)
    fig.layout.annotations = others
    fig.update_layout(margin_b=bottom)
    if lines:
        fig.add_annotation(name="footer", text="<br>".join(_nfc(x) for x in lines), showarrow=False,
                           xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="bottom",
                           yshift=-(bottom - 6), align="left", font=dict(size=11, color=GREY))


def finish(fig: go.Figure, *, title: str, data_date: str | None = None, note: str | None = None,
           height: int | None = None) -> go.Figure:
    """Common theme: title, font, white template, ',.' separators, margins, footer."""
    legend = any(getattr(t, "showlegend", None) for t in fig.data)
    fig.update_layout(
        template="plotly_white", separators=",.", paper_bgcolor="white", plot_bgcolor="white",
        font=dict(family=FONT, size=13, color="#222222"), hoverlabel=dict(font_family=FONT),
        title=dict(text=_nfc(title), x=0.01, xanchor="left", xref="container", y=1, yanchor="top",
                   yref="container", pad=dict(t=14), font=dict(size=18)),
        margin=dict(l=20, r=20, t=95 if legend else 60),
        legend=dict(orientation="h", x=0, xanchor="left", title_text="",
                    **(dict(yref="container", y=1 - 46 / height, yanchor="top") if height
                       else dict(yref="paper", y=1.02, yanchor="bottom"))))
    if any(t.type in _CARTESIAN for t in fig.data):
        fig.update_xaxes(automargin=True)
        fig.update_yaxes(automargin=True)
    if height:
        fig.update_layout(height=int(height))
    first = " · ".join(x for x in (f"Số liệu đến ngày {data_date}" if data_date else "", note or "") if x)
    _set_footer(fig, [first] if first else [])
    return fig


def _empty(fig: go.Figure, text: str = "Chưa có số liệu") -> go.Figure:
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                       font=dict(size=15, color=GREY))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _discrete_scale() -> list[list]:
    """One flat colour band per status index (use with zmin=-0.5, zmax=len-0.5)."""
    n = len(STATUSES)
    return [[(i + j) / n, s.colour] for i, s in enumerate(STATUSES.values()) for j in (0, 1)]


def _legend_keys(fig: go.Figure, codes, *, geo: bool = False, extra: dict[str, str] | None = None,
                 labels: dict[str, str] | None = None) -> None:
    """Invisible traces naming each status present (icon + label) and ``extra`` name → colour
    in the legend, so that colour is never the only carrier of the status."""
    extra = extra or {}
    keys = {(labels or {}).get(c) or status.label(c): s.colour for c, s in STATUSES.items() if c in set(codes)} | extra
    for name, colour in keys.items():
        outline = dict(color="#BBBBBB", width=1 if name in extra else 0)
        kw = dict(name=name, mode="markers", showlegend=True, hoverinfo="skip",
                  marker=dict(color=colour, size=12, symbol="square", line=outline))
        fig.add_trace(go.Scattergeo(lat=[None], lon=[None], **kw) if geo
                      else go.Scatter(x=[None], y=[None], **kw))


# ------------------------------------------------------------------------------------- builders

def pillar_gauge(pct: float | None, n_achieved: int, n_with_data: int, *, pillar_label: str,
                 n_near: int = 0, band: float = 80.0, data_date: str | None = None,
                 note: str | None = None) -> go.Figure:
    """Gauge of '% chỉ tiêu đạt' for one pillar (the headline number) whose arc shows the whole
    distribution of the indicators with data: đạt (green), gần đạt (orange), chưa đạt (red),
    and the line at ``band``. The bar's colour follows rollups.share_band (band, band − 20)."""
    pct = _num(pct)
    n_not = max(0, n_with_data - n_achieved - n_near)
    if pct is None or not n_with_data:
        colour, steps = STATUSES["no_data"].colour, [dict(range=[0, band], color=NO_DATA_FILL),
                                                     dict(range=[band, 100], color=NO_DATA_FILL)]
        head = f"{_nfc(pillar_label)}: –"
        sub = "<sub>0/0 chỉ tiêu có số liệu đạt</sub><br><sub>chưa có chỉ tiêu có số liệu kỳ này</sub>"
    else:
        code = "achieved" if pct >= band else "near" if pct >= band - 20 else "not_achieved"
        colour, head = STATUSES[code].colour, _nfc(pillar_label)
        a, b = 100 * n_achieved / n_with_data, 100 * (n_achieved + n_near) / n_with_data
        steps = [dict(range=[lo, hi], color=c) for lo, hi, c in
                 ((0, a, "#CDEBDD"), (a, b, "#F9E3B8"), (b, 100, "#F6D5C6")) if hi > lo]
        sub = (f"<sub>{n_achieved}/{n_with_data} chỉ tiêu có số liệu đạt</sub><br>"  # two lines: fits a phone
               f"<sub>{STATUSES['near'].icon} {n_near} gần đạt · {STATUSES['not_achieved'].icon} {n_not} chưa đạt</sub>")
    gauge = dict(axis=dict(range=[0, 100], ticksuffix="%"), bar=dict(color=colour, thickness=0.35),
                 steps=steps, threshold=dict(value=band, line=dict(color="#333333", width=3), thickness=0.85))
    ind = go.Indicator(mode="gauge+number" if pct is not None else "gauge", value=pct, gauge=gauge,
                       domain=dict(x=[0, 1], y=[0, 0.7]),
                       number=dict(suffix="%", valueformat=".0f"), title=dict(text=f"{head}<br>{sub}"))
    fig = finish(go.Figure(ind), title="% chỉ tiêu đạt", data_date=data_date, note=note, height=330)
    return fig.update_layout(margin_l=40, margin_r=40)  # room for the 0% and 100% ticks on a phone


def status_bars(counts: pd.DataFrame, *, group_col: str, group_labels: dict[str, str] | None = None,
                title: str, data_date: str | None = None, note: str | None = None) -> go.Figure:
    """Stacked horizontal bars: number of indicators per status for each group."""
    labels = [_nfc((group_labels or {}).get(g, g)) for g in counts[group_col]]
    fig = go.Figure()
    for code, style in STATUSES.items():
        if code not in counts or counts[code].fillna(0).sum() == 0:
            continue
        n = counts[code].fillna(0).astype(int).tolist()
        fig.add_trace(go.Bar(y=labels, x=n, orientation="h", name=status.label(code), showlegend=True,
                             customdata=[[g, code] for g in counts[group_col]],
                             marker_color=style.colour, text=[str(v) if v else "" for v in n],
                             textposition="inside", insidetextanchor="middle",
                             hovertemplate="%{y}<br>" + status.label(code) + ": %{x}<extra></extra>"))
    fig.update_layout(barmode="stack", xaxis_title="Số chỉ tiêu", legend_traceorder="normal",
                      yaxis=dict(autorange="reversed", categoryorder="array", categoryarray=labels))
    if not fig.data:
        _empty(fig)
    return finish(fig, title=title, data_date=data_date, note=note, height=max(260, 150 + 34 * len(labels)))


def progress_bullets(card: pd.DataFrame, *, title: str, data_date: str | None = None,
                     note: str | None = None, max_rows: int = 40) -> go.Figure:
    """Each indicator's attainment (% of its target) as a bar, worst status first; line at 100%."""
    rows = card[card.attainment.notna()]
    rows = rows.assign(rank=rows.status.map(_INDEX).fillna(len(_INDEX)))
    rows = rows.sort_values(["rank", "attainment"], kind="stable").head(max_rows)
    labels = [f"{_label(c)} — {_label(short(n, 45))}" for c, n in zip(rows.indicator_code, rows.name_vi)]
    rows = rows.assign(bar_y=labels, bar_x=(rows.attainment * 100).clip(upper=150),
                       bar_text=[f"{status.value_text(r.value, r.measure_unit)} / "
                                 + status.judged_against(getattr(r, "basis", "same"), getattr(r, "target_year", None),
                                                         r.comparator, r.target, r.target_high, r.measure_unit)
                                 for r in rows.itertuples()])
    fig = go.Figure()
    for code, part in rows.groupby("status", sort=False):
        colour = STATUSES[code].colour if code in STATUSES else GREY
        fig.add_trace(go.Bar(y=part["bar_y"].tolist(), x=part["bar_x"].tolist(), orientation="h",
                             text=part["bar_text"].tolist(), name=status.label(code), showlegend=True,
                             marker_color=colour, cliponaxis=False, constraintext="none", insidetextanchor="end",
                             textposition=["inside" if x >= 45 else "outside" for x in part["bar_x"]],
                             insidetextfont=dict(color="white"),
                             customdata=[[c, formatting.percent(a * 100)]
                                         for c, a in zip(part.indicator_code, part.attainment)],
                             hovertemplate="%{y}<br>" + status.label(code)
                             + ": %{customdata[1]} mục tiêu<br>%{text}<extra></extra>"))
    fig.update_layout(yaxis=dict(categoryorder="array", categoryarray=labels, autorange="reversed"),
                      xaxis=dict(title_text="% so với mục tiêu", range=[0, 160], ticksuffix="%",
                                 tickvals=[0, 25, 50, 75, 100, 125, 150]))
    if rows.empty:
        _empty(fig, "Chưa có chỉ tiêu có số liệu")
    else:
        fig.add_shape(type="line", x0=100, x1=100, xref="x", y0=0, y1=1, yref="paper",
                      line=dict(color="#333333", width=1.5, dash="dash"))
        fig.add_annotation(text="Mục tiêu", x=100, xref="x", y=1, yref="paper", yanchor="bottom",
                           showarrow=False, font=dict(size=11, color="#333333"))
    return finish(fig, title=title, data_date=data_date, note=note, height=120 + 28 * max(len(rows), 3))


def _year_end(year) -> dt.date:
    return dt.date(int(year), 12, 31)


def _date_axes(fig: go.Figure, dates, *, small: bool = False) -> None:
    """Numeric date ticks (no English month names) over a range padded by a quarter."""
    d = pd.to_datetime(pd.Series(list(dates), dtype=object)).dropna()
    if d.empty:
        return
    lo, hi = d.min() - pd.DateOffset(months=3), d.max() + pd.DateOffset(months=3)
    years = (hi - lo).days / 365.25 * (2 if small else 1)
    fig.update_xaxes(type="date", range=[lo, hi], tickformat="%Y" if years > 3 else "%m/%Y", tickangle=0,
                     dtick="M12" if years > 3 else "M6" if years > 1.5 else "M3")


def trend(series: pd.DataFrame, targets: pd.DataFrame, *, title: str, unit: str | None,
          data_date: str | None = None, note: str | None = None, pace: pd.DataFrame | None = None) -> go.Figure:
    """One indicator over time: a line per source (demo dashed), the numeric targets as diamonds and,
    when given, the path (``pace``: period_end, value; lộ trình) from the baseline through every target,
    the line a year without a printed target is judged against."""
    fig = go.Figure()
    series = series.sort_values("period_end")
    for source in [s for s in SOURCES if s in set(series.source)]:
        part = series[series.source == source]
        colour, dash = SOURCE_STYLE[source]
        fig.add_trace(go.Scatter(x=pd.to_datetime(part.period_end).tolist(), y=part.value.tolist(),
                                 mode="lines+markers", name=SOURCES[source], showlegend=True,
                                 line=dict(color=colour, dash=dash), marker=dict(size=7),
                                 hovertemplate="%{x|%d/%m/%Y}: %{y:,.1f}<extra>" + SOURCES[source] + "</extra>"))
    numeric, undated = roadmap.dated_and_undated(targets)
    numeric = numeric.sort_values("year")
    for value, raw in zip(undated.value, undated.raw.fillna("")):
        # a goal printed without a year (for the whole programme): a level, not a point in time
        fig.add_hline(y=float(value), line=dict(color="#333333", dash="dot", width=1.5),
                      annotation=dict(text=_label(f"Mục tiêu chung, không nêu năm: {raw}"[:90]), showarrow=False,
                                      font=dict(size=11, color="#333333")), annotation_position="top left")
    if not numeric.empty:
        fig.add_trace(go.Scatter(x=[pd.Timestamp(_year_end(y)) for y in numeric.year], y=numeric.value.tolist(),
                                 mode="markers" if pace is not None else "markers+lines", name="Mục tiêu",
                                 showlegend=True,
                                 line=dict(color="#333333", dash="dot", width=1.5),
                                 marker=dict(symbol="diamond", size=11, color="#333333"),
                                 hovertext=[_label(r) for r in numeric.raw.fillna("")],
                                 hovertemplate="Mục tiêu %{x|%Y}: %{hovertext}<extra></extra>"))
    if pace is not None and len(pace) >= 2:
        fig.add_trace(go.Scatter(x=pd.to_datetime(pace.period_end).tolist(), y=pace.value.tolist(), mode="lines",
                                 name="Lộ trình", showlegend=True, line=dict(color="#0072B2", width=1, dash="dash"),
                                 hovertemplate="Lộ trình %{x|%d/%m/%Y}: %{y:,.1f}<extra></extra>"))
    unit = unit if isinstance(unit, str) else None
    _date_axes(fig, [x for t in fig.data for x in t.x])
    fig.update_yaxes(title_text=unit or "")
    if unit and unit.startswith("%"):
        top = pd.concat([series.value, numeric.value, undated.value]).max()
        fig.update_yaxes(range=[0, max(100.0, (0 if pd.isna(top) else float(top)) * 1.05)])
    if not fig.data:
        _empty(fig)
    return finish(fig, title=title, data_date=data_date, note=note, height=420)


def small_multiples(series: pd.DataFrame, targets: pd.DataFrame, *, titles: dict[str, str], title: str,
                    ncols: int = 3, data_date: str | None = None, note: str | None = None) -> go.Figure:
    """A grid of small trend charts, one per indicator (keys of ``titles``), targets as diamonds."""
    codes = list(titles)
    ncols = max(1, min(ncols, len(codes) or 1))
    nrows = max(1, math.ceil(len(codes) / ncols))
    fig = make_subplots(rows=nrows, cols=ncols, subplot_titles=[_label(short(titles[c], 40)) for c in codes],
                        horizontal_spacing=0.07, vertical_spacing=min(0.3 / nrows + 0.05, 0.25))
    for i, code in enumerate(codes):
        cell = dict(row=i // ncols + 1, col=i % ncols + 1)
        s = series[series.indicator_code == code].sort_values("period_end")
        t = targets[(targets.indicator_code == code) & targets.value.notna()].sort_values("year")
        fig.add_trace(go.Scatter(x=pd.to_datetime(s.period_end).tolist(), y=s.value.tolist(), name=code,
                                 mode="lines+markers", showlegend=False, line=dict(color=BLUE),
                                 marker=dict(size=5), hovertemplate="%{x|%d/%m/%Y}: %{y:,.1f}<extra></extra>"),
                      **cell)
        if s.empty and t.empty:
            axis = "" if i == 0 else str(i + 1)
            fig.add_annotation(text="Chưa có số liệu", showarrow=False, x=0.5, y=0.5, xref=f"x{axis} domain",
                               yref=f"y{axis} domain", font=dict(size=11, color=GREY))
            fig.update_yaxes(showticklabels=False, **cell)
        if not t.empty:
            fig.add_trace(go.Scatter(x=[pd.Timestamp(_year_end(y)) for y in t.year], y=t.value.tolist(),
                                     name="Mục tiêu", mode="markers", showlegend=False,
                                     marker=dict(symbol="diamond", size=9, color="#333333"),
                                     hovertemplate="Mục tiêu %{x|%Y}: %{y:,.1f}<extra></extra>"), **cell)
    fig.update_annotations(font_size=12)
    _date_axes(fig, [x for t in fig.data for x in t.x], small=True)
    return finish(fig, title=title, data_date=data_date, note=note, height=120 + 220 * nrows)


def count_heatmap(counts: pd.DataFrame, *, row_col: str, title: str, data_date: str | None = None,
                  note: str | None = None, code_col: str | None = None) -> go.Figure:
    """Rows (e.g. agencies) × status: number of indicators, white → blue. ``code_col``: an
    invisible marker per cell carries the row's code as customdata for the click-through."""
    cols = [c for c in STATUSES if c in counts.columns]
    z = counts[cols].fillna(0).astype(int).to_numpy()
    x, y = [status.label(c) for c in cols], [_label(r) for r in counts[row_col]]
    fig = go.Figure(go.Heatmap(z=z.tolist(), x=x, y=y, text=z.astype(str).tolist(),
                               texttemplate="%{text}", colorscale=[[0, "#FFFFFF"], [1, BLUE]], showscale=False,
                               xgap=1, ygap=1, hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>"))
    if code_col:
        fig.add_trace(go.Scatter(x=[c for _ in y for c in x], y=[r for r in y for _ in x], mode="markers",
                                 showlegend=False, hoverinfo="none", marker=dict(size=22, symbol="square", opacity=0),
                                 customdata=[[code] for code in counts[code_col] for _ in x]))
    fig.update_layout(yaxis=dict(autorange="reversed"), xaxis=dict(side="top"))
    return finish(fig, title=title, data_date=data_date, note=note, height=160 + 26 * len(counts))


def _cell_text(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(icon + value, hover with the label) per row of a frame with status and value_text."""
    text = [f"{STATUSES[s].icon} {v}" if s in STATUSES else str(v)
            for s, v in zip(frame.status, frame.value_text.fillna("–"))]
    hover = [f"{status.label(s)}: {v}" for s, v in zip(frame.status, frame.value_text.fillna("–"))]
    return text, hover


def status_matrix(frame: pd.DataFrame, *, row_col: str, col_col: str, title: str,
                  data_date: str | None = None, note: str | None = None, clickable: bool = False) -> go.Figure:
    """Rows × columns coloured by status; each cell shows icon + value, the legend names the status.
    ``clickable``: an invisible marker on every cell carries its row (an indicator code) as
    customdata, so a click opens the row's detail (plotly cannot select heatmap cells)."""
    rows, cols = list(dict.fromkeys(frame[row_col])), list(dict.fromkeys(frame[col_col]))
    z = [[None] * len(cols) for _ in rows]
    text = [[""] * len(cols) for _ in rows]
    hover = [[""] * len(cols) for _ in rows]
    cell_text, cell_hover = _cell_text(frame)
    for r, c, s, t, h in zip(frame[row_col], frame[col_col], frame.status, cell_text, cell_hover):
        i, j = rows.index(r), cols.index(c)
        z[i][j], text[i][j], hover[i][j] = _INDEX.get(s), t, f"{_label(r)} · {_label(c)}<br>{h}"
    fig = go.Figure(go.Heatmap(z=z, x=[_label(c) for c in cols], y=[_label(r) for r in rows], text=text,
                               texttemplate="%{text}", hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
                               colorscale=_discrete_scale(), zmin=-0.5, zmax=len(STATUSES) - 0.5,
                               showscale=False, xgap=2, ygap=2, showlegend=False,
                               hoverinfo="skip" if clickable else None))
    if clickable:
        cells = [(i, j) for i in range(len(rows)) for j in range(len(cols)) if z[i][j] is not None]
        fig.add_trace(go.Scatter(x=[_label(cols[j]) for _, j in cells], y=[_label(rows[i]) for i, _ in cells],
                                 mode="markers", showlegend=False, customdata=[[rows[i]] for i, _ in cells],
                                 hovertext=[hover[i][j] for i, j in cells],
                                 hovertemplate="%{hovertext}<extra></extra>",
                                 marker=dict(size=22, symbol="square", opacity=0)))
    _legend_keys(fig, frame.status)
    fig.update_layout(yaxis=dict(autorange="reversed"), xaxis=dict(showgrid=False), yaxis_showgrid=False)
    return finish(fig, title=title, data_date=data_date, note=note, height=170 + 30 * len(rows))


def league(frame: pd.DataFrame, *, title: str, data_date: str | None = None, note: str | None = None) -> go.Figure:
    """Ranking by % of indicators achieved (among those with data); no data last."""
    rows = frame.sort_values("pct_achieved", ascending=False, na_position="last", kind="stable")
    text = [f"{formatting.percent(p)} ({n})" if _num(p) is not None else "chưa có số liệu"
            for p, n in zip(rows.pct_achieved, rows.n_of)]
    fig = go.Figure(go.Bar(y=[_label(n) for n in rows["name"]], x=rows.pct_achieved.fillna(0).tolist(),
                           orientation="h", text=text, cliponaxis=False, constraintext="none",
                           textposition=["inside" if _num(p) is not None and p >= 50 else "outside"
                                         for p in rows.pct_achieved],
                           marker_color=BLUE, showlegend=False, hovertemplate="%{y}: %{text}<extra></extra>",
                           customdata=[[c] for c in rows.agency_code] if "agency_code" in rows else None))
    fig.update_layout(yaxis=dict(autorange="reversed"),
                      xaxis=dict(range=[0, 100], title_text="% chỉ tiêu đạt (trong số có số liệu)", ticksuffix="%"))
    return finish(fig, title=title, data_date=data_date, note=note, height=120 + 28 * max(len(rows), 3))


def choropleth(geojson: dict, frame: pd.DataFrame, *, title: str, data_date: str | None = None,
               note: str | None = None, labels: dict[str, str] | None = None) -> go.Figure:
    """Map of units coloured by status (offline geo, no tiles); units without a row in grey.
    ``labels``: legend names per status when the colour is a rule over many indicators (the
    share of a unit's indicators đạt, rollups.SHARE_LABELS)."""
    frame = frame[frame.status.isin(STATUSES)]
    text, hover = _cell_text(frame)
    hover = [f"{_label(n)}<br>{h}" for n, h in zip(frame["name"], hover)]
    present = set(frame.official_code.astype(str))
    missing = [f["properties"] for f in geojson.get("features", [])
               if str(f["properties"]["code"]) not in present]
    # plotly.js fetches a world topojson from its CDN (absent offline) when the first geo trace has a
    # locationmode; a first Scattergeo with lat/lon has none, so the map draws from the geojson alone
    fig = go.Figure(go.Scattergeo(lat=[None], lon=[None], mode="markers", showlegend=False, hoverinfo="skip"))
    shared = dict(geojson=geojson, featureidkey="properties.code", showscale=False, showlegend=False,
                  hovertemplate="%{hovertext}<extra></extra>", marker_line=dict(color="white", width=0.5))
    if missing:
        fig.add_trace(go.Choropleth(locations=[str(p["code"]) for p in missing], z=[0] * len(missing),
                                    colorscale=[[0, NO_DATA_FILL], [1, NO_DATA_FILL]], name="Không có số liệu",
                                    hovertext=[f"{_label(p.get('fullName', p['code']))}<br>Không có số liệu"
                                               for p in missing], **shared))
    fig.add_trace(go.Choropleth(locations=frame.official_code.astype(str).tolist(), name="Trạng thái",
                                z=[_INDEX[s] for s in frame.status], colorscale=_discrete_scale(), zmin=-0.5,
                                zmax=len(STATUSES) - 0.5, text=text, hovertext=hover,
                                customdata=[[c] for c in frame.unit_code] if "unit_code" in frame else None,
                                **shared))
    _legend_keys(fig, frame.status, geo=True, extra={"Không có số liệu": NO_DATA_FILL} if missing else None,
                 labels=labels)
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator", bgcolor="white",
                    **{f"show{layer}": False for layer in ("land", "lakes", "ocean", "rivers", "coastlines",
                                                            "countries", "subunits", "frame")})
    finish(fig, title=title, data_date=data_date, note=note, height=640)
    footer = [a.text for a in fig.layout.annotations if a.name == "footer"]
    _set_footer(fig, footer + [ATTRIBUTION])
    return fig


def budget_bars(frame: pd.DataFrame, *, title: str, data_date: str | None = None,
                note: str | None = None) -> go.Figure:
    """Budget per agency (triệu đồng): 2025 and 2026–2030 side by side, largest total first."""
    rows = frame.assign(_total=frame.y2025.fillna(0) + frame.y2026_2030.fillna(0))
    rows = rows.sort_values("_total", ascending=False, kind="stable")
    names = [_label(a) for a in rows.agency]
    fig = go.Figure()
    for col, name, colour in (("y2025", "Năm 2025", BLUE), ("y2026_2030", "Giai đoạn 2026–2030", "#88CCEE")):
        values = rows[col].tolist()
        fig.add_trace(go.Bar(y=names, x=[0 if _num(v) is None else v for v in values], orientation="h",
                             name=name, showlegend=True, marker_color=colour,
                             text=["" if _num(v) is None else formatting.number(v) for v in values],
                             textposition="outside", cliponaxis=False, constraintext="none",
                             hovertemplate="%{y}<br>" + name + ": %{text} triệu đồng<extra></extra>"))
    top = rows[["y2025", "y2026_2030"]].max().max()
    fig.update_layout(barmode="group", yaxis=dict(autorange="reversed"),
                      xaxis=dict(title_text="triệu đồng", tickformat=",.0f",
                                 range=[0, (0 if pd.isna(top) else float(top)) * 1.2 or 1]))
    return finish(fig, title=title, data_date=data_date, note=note, height=140 + 44 * max(len(rows), 2))


WALL_BG = "#0B1220"


def darken(fig: go.Figure, *, scale: float = 1.5, height: int | None = None, keep_footer: bool = False) -> go.Figure:
    """The same figure for the operations-room wall: dark background, light text, larger type
    (read from 3–5 m). The wall shows the data date in its own header, so the chart footer goes,
    unless ``keep_footer`` (the map keeps its boundary attribution)."""
    size = round(14 * scale)
    fig.update_layout(template="plotly_dark", paper_bgcolor=WALL_BG, plot_bgcolor=WALL_BG,
                      font=dict(family=FONT, size=size, color="#E8EEF7"),
                      title_font=dict(size=round(size * 1.25), color="#FFFFFF"),
                      legend_font=dict(size=size))
    if height:
        fig.update_layout(height=height)
    fig.update_xaxes(gridcolor="#24324A", zerolinecolor="#24324A")
    fig.update_yaxes(gridcolor="#24324A", zerolinecolor="#24324A")
    fig.update_traces(textangle=0, selector=dict(type="bar"))
    kept = []
    for ann in fig.layout.annotations or ():
        if ann.name == "footer":
            if not keep_footer:
                continue
            ann.font = dict(size=round(11 * scale), color="#9FB0C8")
        else:
            ann.font = dict(size=size, color="#E8EEF7")
        kept.append(ann)
    for shape in fig.layout.shapes or ():
        shape.line.color = "#E8EEF7"
    fig.layout.annotations = kept
    fig.update_geos(bgcolor=WALL_BG)
    return fig
