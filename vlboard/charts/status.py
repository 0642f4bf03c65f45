"""Figures of indicator status: the pillar gauge, status bars, attainment bullets, the agency
heatmap and league, and the status matrix. A status is always named (icon + label), never shown by
colour alone.

Over 300 lines: six status figures sharing one set of label and colour helpers.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from vlboard.charts.theme import (
    BLUE,
    GREY,
    INDEX,
    NO_DATA_FILL,
    discrete_scale,
    empty,
    finish,
    label,
    legend_keys,
    nfc,
    short,
)
from vlboard.domain import formatting, rollups, status
from vlboard.domain.status import _num
from vlboard.domain.vocab import PILLARS, STATUSES


def pillar_gauge(
    pct: float | None,
    n_achieved: int,
    n_with_data: int,
    *,
    pillar_label: str,
    n_near: int = 0,
    band: float = 80.0,
    data_date: str | None = None,
    note: str | None = None,
) -> go.Figure:
    """Gauge of '% chỉ tiêu đạt' for one pillar (the headline number) whose arc shows the whole
    distribution of the indicators with data: đạt (green), gần đạt (orange), chưa đạt (red),
    and the line at ``band``. The bar's colour follows rollups.share_band (band, band − 20)."""
    pct = _num(pct)
    n_not = max(0, n_with_data - n_achieved - n_near)
    if pct is None or not n_with_data:
        colour, steps = (
            STATUSES["no_data"].colour,
            [dict(range=[0, band], color=NO_DATA_FILL), dict(range=[band, 100], color=NO_DATA_FILL)],
        )
        head = f"{nfc(pillar_label)}: –"
        sub = "<sub>0/0 chỉ tiêu có số liệu đạt</sub><br><sub>chưa có chỉ tiêu có số liệu kỳ này</sub>"
    else:
        code = "achieved" if pct >= band else "near" if pct >= band - 20 else "not_achieved"
        colour, head = STATUSES[code].colour, nfc(pillar_label)
        a, b = 100 * n_achieved / n_with_data, 100 * (n_achieved + n_near) / n_with_data
        steps = [
            dict(range=[lo, hi], color=c)
            for lo, hi, c in ((0, a, "#CDEBDD"), (a, b, "#F9E3B8"), (b, 100, "#F6D5C6"))
            if hi > lo
        ]
        sub = (
            f"<sub>{n_achieved}/{n_with_data} chỉ tiêu có số liệu đạt</sub><br>"  # two lines: fits a phone
            f"<sub>{STATUSES['near'].icon} {n_near} gần đạt · {STATUSES['not_achieved'].icon} {n_not} chưa đạt</sub>"
        )
    gauge = dict(
        axis=dict(range=[0, 100], ticksuffix="%"),
        bar=dict(color=colour, thickness=0.35),
        steps=steps,
        threshold=dict(value=band, line=dict(color="#333333", width=3), thickness=0.85),
    )
    ind = go.Indicator(
        mode="gauge+number" if pct is not None else "gauge",
        value=pct,
        gauge=gauge,
        domain=dict(x=[0, 1], y=[0, 0.7]),
        number=dict(suffix="%", valueformat=".0f"),
        title=dict(text=f"{head}<br>{sub}"),
    )
    fig = finish(go.Figure(ind), title="% chỉ tiêu đạt", data_date=data_date, note=note, height=330)
    return fig.update_layout(margin_l=40, margin_r=40)  # room for the 0% and 100% ticks on a phone


def card_gauge(card: pd.DataFrame, pillar: str, *, data_date: str | None, note: str | None) -> go.Figure:
    """The pillar gauge of a scorecard: the overview, the wall and the meeting pack (one route)."""
    g = rollups.gauge_counts(card, pillar)
    return pillar_gauge(
        g.pct, g.achieved, g.n, n_near=g.near, pillar_label=PILLARS[pillar], data_date=data_date, note=note
    )


def status_bars(
    counts: pd.DataFrame,
    *,
    group_col: str,
    group_labels: dict[str, str] | None = None,
    title: str,
    data_date: str | None = None,
    note: str | None = None,
) -> go.Figure:
    """Stacked horizontal bars: number of indicators per status for each group."""
    labels = [nfc((group_labels or {}).get(g, g)) for g in counts[group_col]]
    fig = go.Figure()
    for code, style in STATUSES.items():
        if code not in counts or counts[code].fillna(0).sum() == 0:
            continue
        n = counts[code].fillna(0).astype(int).tolist()
        fig.add_trace(
            go.Bar(
                y=labels,
                x=n,
                orientation="h",
                name=status.label(code),
                showlegend=True,
                customdata=[[g, code] for g in counts[group_col]],
                marker_color=style.colour,
                text=[str(v) if v else "" for v in n],
                textposition="inside",
                insidetextanchor="middle",
                hovertemplate="%{y}<br>" + status.label(code) + ": %{x}<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        xaxis_title="Số chỉ tiêu",
        legend_traceorder="normal",
        yaxis=dict(autorange="reversed", categoryorder="array", categoryarray=labels),
    )
    if not fig.data:
        empty(fig)
    return finish(fig, title=title, data_date=data_date, note=note, height=max(300, 170 + 40 * len(labels)))


def progress_bullets(
    card: pd.DataFrame,
    *,
    title: str,
    data_date: str | None = None,
    note: str | None = None,
    max_rows: int = 40,
    name_chars: int = 28,
) -> go.Figure:
    """Each indicator's attainment (% of its target) as a bar, worst status first; line at 100%.
    ``name_chars``: how much of the name each label shows (0: the code only and the value alone on
    the bar, for a phone; the name and the target are in the hover)."""
    rows = card[card.attainment.notna()]
    rows = rows.assign(rank=rows.status.map(INDEX).fillna(len(INDEX)))
    rows = rows.sort_values(["rank", "attainment"], kind="stable").head(max_rows)
    # short labels (a phone has ~350 px for labels and bars together), the full name in the hover
    labels = [
        f"{label(c)} — {label(short(n, name_chars))}" if name_chars else label(c)
        for c, n in zip(rows.indicator_code, rows.name_vi)
    ]
    rows = rows.assign(
        bar_y=labels,
        bar_x=(rows.attainment * 100).clip(upper=150),
        full_text=[
            f"{status.value_text(r.value, r.measure_unit)} / "
            + status.judged_against(
                getattr(r, "basis", "same"),
                getattr(r, "target_year", None),
                r.comparator,
                r.target,
                r.target_high,
                r.measure_unit,
            )
            for r in rows.itertuples()
        ],
    )
    # a phone's bar has room for the value only (value and target in the hover)
    rows = rows.assign(
        bar_text=rows.full_text
        if name_chars
        else [status.value_text(v, u) for v, u in zip(rows.value, rows.measure_unit)]
    )
    fig = go.Figure()
    for code, part in rows.groupby("status", sort=False):
        colour = STATUSES[code].colour if code in STATUSES else GREY
        fig.add_trace(
            go.Bar(
                y=part["bar_y"].tolist(),
                x=part["bar_x"].tolist(),
                orientation="h",
                text=part["bar_text"].tolist(),
                name=status.label(code),
                showlegend=True,
                marker_color=colour,
                cliponaxis=False,
                constraintext="none",
                insidetextanchor="end",
                textposition=["inside" if x >= 45 else "outside" for x in part["bar_x"]],
                insidetextfont=dict(color="white"),
                customdata=[
                    [c, formatting.percent(a * 100), f"{label(c)} — {label(n)}", t]
                    for c, a, n, t in zip(part.indicator_code, part.attainment, part.name_vi, part.full_text)
                ],
                hovertemplate="%{customdata[2]}<br>"
                + status.label(code)
                + ": %{customdata[1]} mục tiêu<br>%{customdata[3]}<extra></extra>",
            )
        )
    fig.update_layout(
        yaxis=dict(categoryorder="array", categoryarray=labels, autorange="reversed"),
        xaxis=dict(
            title_text="% so với mục tiêu", range=[0, 160], ticksuffix="%", tickvals=[0, 25, 50, 75, 100, 125, 150]
        ),
    )
    if rows.empty:
        empty(fig, "Chưa có chỉ tiêu có số liệu")
    else:
        fig.add_shape(
            type="line",
            x0=100,
            x1=100,
            xref="x",
            y0=0,
            y1=1,
            yref="paper",
            line=dict(color="#333333", width=1.5, dash="dash"),
        )
        fig.add_annotation(
            text="Mục tiêu",
            x=100,
            xref="x",
            y=1,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            font=dict(size=11, color="#333333"),
        )
    return finish(fig, title=title, data_date=data_date, note=note, height=120 + 28 * max(len(rows), 3))


def count_heatmap(
    counts: pd.DataFrame,
    *,
    row_col: str,
    title: str,
    data_date: str | None = None,
    note: str | None = None,
    code_col: str | None = None,
) -> go.Figure:
    """Rows (e.g. agencies) × status: number of indicators, white → blue. ``code_col``: an
    invisible marker per cell carries the row's code as customdata for the click-through."""
    cols = [c for c in STATUSES if c in counts.columns]
    z = counts[cols].fillna(0).astype(int).to_numpy()
    x, y = [status.label(c) for c in cols], [label(r) for r in counts[row_col]]
    fig = go.Figure(
        go.Heatmap(
            z=z.tolist(),
            x=x,
            y=y,
            text=z.astype(str).tolist(),
            texttemplate="%{text}",
            colorscale=[[0, "#FFFFFF"], [1, BLUE]],
            showscale=False,
            xgap=1,
            ygap=1,
            hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>",
        )
    )
    if code_col:
        fig.add_trace(
            go.Scatter(
                x=[c for _ in y for c in x],
                y=[r for r in y for _ in x],
                mode="markers",
                showlegend=False,
                hoverinfo="none",
                marker=dict(size=22, symbol="square", opacity=0),
                customdata=[[code] for code in counts[code_col] for _ in x],
            )
        )
    fig.update_layout(yaxis=dict(autorange="reversed"), xaxis=dict(side="top"))
    return finish(fig, title=title, data_date=data_date, note=note, height=160 + 26 * len(counts))


def cell_labels(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(icon + value, hover with the label) per row of a frame with status and value_text."""
    text = [
        f"{STATUSES[s].icon} {v}" if s in STATUSES else str(v)
        for s, v in zip(frame.status, frame.value_text.fillna("–"))
    ]
    hover = [f"{status.label(s)}: {v}" for s, v in zip(frame.status, frame.value_text.fillna("–"))]
    return text, hover


def status_matrix(
    frame: pd.DataFrame,
    *,
    row_col: str,
    col_col: str,
    title: str,
    data_date: str | None = None,
    note: str | None = None,
    clickable: bool = False,
) -> go.Figure:
    """Rows × columns coloured by status; each cell shows icon + value, the legend names the status.
    ``clickable``: an invisible marker on every cell carries its row (an indicator code) as
    customdata, so a click opens the row's detail (plotly cannot select heatmap cells)."""
    rows, cols = list(dict.fromkeys(frame[row_col])), list(dict.fromkeys(frame[col_col]))
    z = [[None] * len(cols) for _ in rows]
    text = [[""] * len(cols) for _ in rows]
    hover = [[""] * len(cols) for _ in rows]
    cell_text, cell_hover = cell_labels(frame)
    for r, c, s, t, h in zip(frame[row_col], frame[col_col], frame.status, cell_text, cell_hover):
        i, j = rows.index(r), cols.index(c)
        z[i][j], text[i][j], hover[i][j] = INDEX.get(s), t, f"{label(r)} · {label(c)}<br>{h}"
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[label(c) for c in cols],
            y=[label(r) for r in rows],
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            colorscale=discrete_scale(),
            zmin=-0.5,
            zmax=len(STATUSES) - 0.5,
            showscale=False,
            xgap=2,
            ygap=2,
            showlegend=False,
            hoverinfo="skip" if clickable else None,
        )
    )
    if clickable:
        cells = [(i, j) for i in range(len(rows)) for j in range(len(cols)) if z[i][j] is not None]
        fig.add_trace(
            go.Scatter(
                x=[label(cols[j]) for _, j in cells],
                y=[label(rows[i]) for i, _ in cells],
                mode="markers",
                showlegend=False,
                customdata=[[rows[i]] for i, _ in cells],
                hovertext=[hover[i][j] for i, j in cells],
                hovertemplate="%{hovertext}<extra></extra>",
                marker=dict(size=22, symbol="square", opacity=0),
            )
        )
    legend_keys(fig, frame.status)
    fig.update_layout(yaxis=dict(autorange="reversed"), xaxis=dict(showgrid=False), yaxis_showgrid=False)
    return finish(fig, title=title, data_date=data_date, note=note, height=170 + 30 * len(rows))


def league(frame: pd.DataFrame, *, title: str, data_date: str | None = None, note: str | None = None) -> go.Figure:
    """Ranking by % of indicators achieved (among those with data); no data last."""
    rows = frame.sort_values("pct_achieved", ascending=False, na_position="last", kind="stable")
    text = [
        f"{formatting.percent(p)} ({n})" if _num(p) is not None else "chưa có số liệu"
        for p, n in zip(rows.pct_achieved, rows.n_of)
    ]
    fig = go.Figure(
        go.Bar(
            y=[label(n) for n in rows["name"]],
            x=rows.pct_achieved.fillna(0).tolist(),
            orientation="h",
            text=text,
            cliponaxis=False,
            constraintext="none",
            textposition=["inside" if _num(p) is not None and p >= 50 else "outside" for p in rows.pct_achieved],
            marker_color=BLUE,
            showlegend=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
            customdata=[[c] for c in rows.agency_code] if "agency_code" in rows else None,
        )
    )
    fig.update_layout(
        yaxis=dict(autorange="reversed"),
        xaxis=dict(range=[0, 100], title_text="% chỉ tiêu đạt (trong số có số liệu)", ticksuffix="%"),
    )
    return finish(fig, title=title, data_date=data_date, note=note, height=120 + 28 * max(len(rows), 3))
