"""The budget figure: money per agency, 2025 and 2026–2030 side by side."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from vlboard.charts.theme import BLUE, finish, label
from vlboard.domain import formatting
from vlboard.domain.status import _num


def budget_bars(frame: pd.DataFrame, *, title: str, data_date: str | None = None, note: str | None = None) -> go.Figure:
    """Budget per agency (triệu đồng): 2025 and 2026–2030 side by side, largest total first."""
    rows = frame.assign(_total=frame.y2025.fillna(0) + frame.y2026_2030.fillna(0))
    rows = rows.sort_values("_total", ascending=False, kind="stable")
    names = [label(a) for a in rows.agency]
    fig = go.Figure()
    for col, name, colour in (("y2025", "Năm 2025", BLUE), ("y2026_2030", "Giai đoạn 2026–2030", "#88CCEE")):
        values = rows[col].tolist()
        fig.add_trace(
            go.Bar(
                y=names,
                x=[0 if _num(v) is None else v for v in values],
                orientation="h",
                name=name,
                showlegend=True,
                marker_color=colour,
                text=["" if _num(v) is None else formatting.number(v) for v in values],
                textposition="outside",
                cliponaxis=False,
                constraintext="none",
                hovertemplate="%{y}<br>" + name + ": %{text} triệu đồng<extra></extra>",
            )
        )
    top = rows[["y2025", "y2026_2030"]].max().max()
    fig.update_layout(
        barmode="group",
        yaxis=dict(autorange="reversed"),
        xaxis=dict(
            title_text="triệu đồng", tickformat=",.0f", range=[0, (0 if pd.isna(top) else float(top)) * 1.2 or 1]
        ),
    )
    return finish(fig, title=title, data_date=data_date, note=note, height=140 + 44 * max(len(rows), 2))
