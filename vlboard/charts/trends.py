"""Figures of one indicator over time: :func:`trend` (a line per source, targets, the path) with
the events that explain it (:func:`mark_events`) and :func:`small_multiples` (a grid of small trends)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from vlboard.charts.theme import BLUE, GREY, empty, finish, label, wrap
from vlboard.domain import roadmap
from vlboard.domain.vocab import SOURCES

SOURCE_STYLE = {"document": (BLUE, "solid"), "report": ("#7A3E9D", "solid"), "demo": ("#8C8C8C", "dash")}


def _year_end(year) -> dt.date:
    return dt.date(int(year), 12, 31)


def _date_axes(fig: go.Figure, dates, *, small: bool = False) -> None:
    """Numeric date ticks (no English month names) over a range padded by a quarter."""
    d = pd.to_datetime(pd.Series(list(dates), dtype=object)).dropna()
    if d.empty:
        return
    lo, hi = d.min() - pd.DateOffset(months=3), d.max() + pd.DateOffset(months=3)
    years = (hi - lo).days / 365.25 * (2 if small else 1)
    if years > 3:
        # a year is labelled at its end, where its target and its yearly figure are drawn (31/12):
        # a tick on 1 January would put the 2025 target on the "2026" tick
        ends = [pd.Timestamp(_year_end(y)) for y in range(lo.year, hi.year + 1)]
        ends = [t for t in ends if lo <= t <= hi]
        step = max(1, round(len(ends) / (4 if small else 10)))
        ends = ends[::-1][::step][::-1]  # thinned from the newest year back
        fig.update_xaxes(type="date", range=[lo, hi], tickangle=0, tickvals=ends, ticktext=[str(t.year) for t in ends])
        return
    fig.update_xaxes(
        type="date",
        range=[lo, hi],
        tickformat="%m/%Y",
        tickangle=0,
        dtick="M6" if years > 1.5 else "M3",
    )


def trend(
    series: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    title: str,
    unit: str | None,
    data_date: str | None = None,
    note: str | None = None,
    pace: pd.DataFrame | None = None,
    outlook: dict | None = None,
) -> go.Figure:
    """One indicator over time: a line per source (demo dashed), the numeric targets as diamonds and,
    when given, the path (``pace``: period_end, value; lộ trình) from the baseline through every target,
    the line a year without a printed target is judged against, and the outlook (``outlook``: a row of
    ``board.outlook.frame``): the 80% band as a fan from the last value to the target date with the
    dashed median projection."""
    fig = go.Figure()
    series = series.sort_values("period_end")
    for source in [s for s in SOURCES if s in set(series.source)]:
        part = series[series.source == source]
        colour, dash = SOURCE_STYLE[source]
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(part.period_end).tolist(),
                y=part.value.tolist(),
                mode="lines+markers",
                name=SOURCES[source],
                showlegend=True,
                line=dict(color=colour, dash=dash),
                marker=dict(size=7),
                hovertemplate="%{x|%d/%m/%Y}: %{y:,.1f}<extra>" + SOURCES[source] + "</extra>",
            )
        )
    numeric, undated = roadmap.dated_and_undated(targets)
    numeric = numeric.sort_values("year")
    for value, raw in zip(undated.value, undated.raw.fillna("")):
        # a goal printed without a year (for the whole programme): a level, not a point in time
        fig.add_hline(
            y=float(value),
            line=dict(color="#333333", dash="dot", width=1.5),
            annotation=dict(
                name=YEARLESS,
                text=label(f"Mục tiêu chung, không nêu năm: {raw}"[:90]),
                showarrow=False,
                font=dict(size=11, color="#333333"),
            ),
            annotation_position="top left",
        )
    if not numeric.empty:
        fig.add_trace(
            go.Scatter(
                x=[pd.Timestamp(_year_end(y)) for y in numeric.year],
                y=numeric.value.tolist(),
                mode="markers" if pace is not None else "markers+lines",
                name="Mục tiêu",
                showlegend=True,
                line=dict(color="#333333", dash="dot", width=1.5),
                marker=dict(symbol="diamond", size=11, color="#333333"),
                hovertext=[label(r) for r in numeric.raw.fillna("")],
                hovertemplate="Mục tiêu %{x|%Y}: %{hovertext}<extra></extra>",
            )
        )
    if pace is not None and len(pace) >= 2:
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(pace.period_end).tolist(),
                y=pace.value.tolist(),
                mode="lines",
                name="Lộ trình",
                showlegend=True,
                line=dict(color="#0072B2", width=1, dash="dash"),
                hovertemplate="Lộ trình %{x|%d/%m/%Y}: %{y:,.1f}<extra></extra>",
            )
        )
    if outlook is not None and outlook.get("ok") and not outlook.get("met"):
        _fan(fig, outlook)
    unit = unit if isinstance(unit, str) else None
    _date_axes(fig, [x for t in fig.data for x in t.x])
    fig.update_yaxes(title_text=unit or "")
    if unit and unit.startswith("%"):
        top = pd.concat([series.value, numeric.value, undated.value]).max()
        fig.update_yaxes(range=[0, max(100.0, (0 if pd.isna(top) else float(top)) * 1.05)])
    if not fig.data:
        empty(fig)
    return finish(fig, title=title, data_date=data_date, note=note, height=420)


EVENT_COLOUR = "#555555"
YEARLESS = "yearless-target"  # the label of a goal printed without a year, at the plot's top left


def x_range(fig: go.Figure) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last date a trend figure shows (None: it has no dates)."""
    r = fig.layout.xaxis.range
    return None if r is None else (pd.Timestamp(r[0]), pd.Timestamp(r[1]))


def mark_events(fig: go.Figure, events: pd.DataFrame) -> go.Figure:
    """The events that explain the series (``board.annotations.for_indicator``: marker, date,
    kind_label, text): a thin dashed vertical line at each date and its number at the top of the
    plot, the text on hover. Numbers of events closer than 6% of the axis step down a row instead of
    overlapping; on a chart with the label of a yearless goal (left, above its line) an event in the
    left half has its number at the bottom of the plot instead."""
    span = x_range(fig)
    width = (span[1] - span[0]).days if span else 0
    yearless = any(a.name == YEARLESS for a in fig.layout.annotations)
    placed: list[pd.Timestamp] = []
    for e in events.itertuples():
        at = pd.Timestamp(e.date)
        fig.add_shape(
            type="line",
            name=f"event-{e.marker}",
            x0=at,
            x1=at,
            xref="x",
            y0=0,
            y1=1,
            yref="paper",
            layer="below",
            line=dict(color=EVENT_COLOUR, width=1, dash="dash"),
        )
        row = sum(1 for p in placed if width and abs((at - p).days) < 0.06 * width)
        placed.append(at)
        low = yearless and span is not None and (at - span[0]).days < 0.5 * width
        fig.add_annotation(
            name=f"event-{e.marker}",
            x=at,
            xref="x",
            y=0.09 * row if low else 1 - 0.09 * row,
            yref="paper",
            yanchor="bottom" if low else "top",
            text=e.marker,
            showarrow=False,
            font=dict(size=16, color="#222222"),
            bgcolor="rgba(255, 255, 255, 0.85)",
            hovertext=f"{e.marker} {at:%d/%m/%Y} · {label(e.kind_label)}<br>{wrap(e.text, 44, 10)}",
        )
    return fig


def _fan(fig: go.Figure, o: dict) -> None:
    """The 80% range widening from the last value to the target date, and the median projection."""
    x = [pd.Timestamp(o["last_date"]), pd.Timestamp(o["target_date"])]
    start = float(o["last_value"])
    fig.add_trace(
        go.Scatter(
            x=x + x[::-1],
            y=[start, float(o["high"]), float(o["low"]), start],
            fill="toself",
            fillcolor="rgba(0, 114, 178, 0.15)",
            line=dict(width=0),
            mode="lines",
            name="Khoảng dự báo 80%",
            showlegend=True,
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[start, float(o["projected"])],
            mode="lines+markers",
            name="Dự báo (trung vị)",
            showlegend=True,
            line=dict(color="#0072B2", width=2, dash="dash"),
            marker=dict(size=[0, 8], symbol="circle-open"),
            hovertemplate="Dự báo %{x|%d/%m/%Y}: %{y:,.1f}<extra></extra>",
        )
    )


def small_multiples(
    series: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    titles: dict[str, str],
    title: str,
    ncols: int = 3,
    data_date: str | None = None,
    note: str | None = None,
) -> go.Figure:
    """A grid of small trend charts, one per indicator (keys of ``titles``), targets as diamonds."""
    codes = list(titles)
    ncols = max(1, min(ncols, len(codes) or 1))
    nrows = max(1, math.ceil(len(codes) / ncols))
    fig = make_subplots(
        rows=nrows,
        cols=ncols,
        subplot_titles=[wrap(titles[c], 34) for c in codes],  # two lines, cut only past them
        horizontal_spacing=0.07,
        # one column (a phone): ~90 px between rows for the next two-line title, whatever the row count
        vertical_spacing=min(0.35 / nrows + 0.06, 0.28) if ncols > 1 else min(90 / (220 * nrows), 0.28),
    )
    for i, code in enumerate(codes):
        cell = dict(row=i // ncols + 1, col=i % ncols + 1)
        s = series[series.indicator_code == code].sort_values("period_end")
        t = targets[(targets.indicator_code == code) & targets.value.notna()].sort_values("year")
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(s.period_end).tolist(),
                y=s.value.tolist(),
                name=code,
                mode="lines+markers",
                showlegend=False,
                line=dict(color=BLUE),
                marker=dict(size=5),
                hovertemplate="%{x|%d/%m/%Y}: %{y:,.1f}<extra></extra>",
            ),
            **cell,
        )
        if s.empty and t.empty:
            axis = "" if i == 0 else str(i + 1)
            fig.add_annotation(
                text="Chưa có số liệu",
                showarrow=False,
                x=0.5,
                y=0.5,
                xref=f"x{axis} domain",
                yref=f"y{axis} domain",
                font=dict(size=11, color=GREY),
            )
            fig.update_yaxes(showticklabels=False, **cell)
        if not t.empty:
            shown = any(x.legendgroup == "target" for x in fig.data)
            fig.add_trace(
                go.Scatter(
                    x=[pd.Timestamp(_year_end(y)) for y in t.year],
                    y=t.value.tolist(),
                    name="◆ Mục tiêu (cuối năm)",
                    legendgroup="target",
                    mode="markers",
                    showlegend=not shown,  # one legend entry says what the diamonds mark
                    marker=dict(symbol="diamond", size=9, color="#333333"),
                    hovertemplate="Mục tiêu %{x|%Y}: %{y:,.1f}<extra></extra>",
                ),
                **cell,
            )
    fig.update_annotations(font_size=12)
    _date_axes(fig, [x for t in fig.data for x in t.x], small=True)
    finish(fig, title=title, data_date=data_date, note=note, height=120 + 220 * nrows)
    return fig.update_layout(margin_t=90)  # the first row's titles take two lines
