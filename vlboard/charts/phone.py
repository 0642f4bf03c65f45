"""A figure laid out for a 390-px phone (``ui.chart(..., phone=...)`` draws it on narrow screens;
the downloads keep the wide figure)."""

from __future__ import annotations

import plotly.graph_objects as go

from vlboard.charts.theme import GREY


def for_phone(fig: go.Figure) -> go.Figure:
    """The same figure for a 390-px phone (drawn on the page only; downloads keep the wide one):
    the title on two lines (broken at its « — » or «: »; at 15 px a title over ~45 characters runs
    off the screen), at most five date ticks, and the footer as the legend's first line when there is
    a legend: a legend that wraps to several rows pushes the plot up, a paper-anchored footer would
    stay where the legend's rows now are."""
    text = str(getattr(fig.layout.title, "text", "") or "")
    for sep in (" — ", ": "):
        if sep in text:
            head, tail = text.split(sep, 1)
            fig.update_layout(title_text=f"{head}{sep.rstrip()}<br>{tail}", margin_t=(fig.layout.margin.t or 60) + 22)
            break
    fig.for_each_xaxis(_phone_dates)
    footer = [a for a in fig.layout.annotations if a.name == "footer"]
    legend = fig.layout.showlegend is not False and any(getattr(t, "showlegend", None) for t in fig.data)
    entries = sum(1 for t in fig.data if getattr(t, "showlegend", None))
    if legend and fig.layout.height and entries > 2:  # on a phone the legend's entries stack: the plot keeps its size
        fig.update_layout(height=fig.layout.height + 19 * (entries - 2))
    if footer and legend:
        fig.layout.annotations = [a for a in fig.layout.annotations if a.name != "footer"]
        fig.update_layout(
            legend_title=dict(text=footer[0].text, side="top", font=dict(size=12, color=GREY)),
            margin_b=(fig.layout.margin.b or 0) - 16 * (footer[0].text.count("<br>") + 1),
        )
    return fig


def _phone_dates(axis) -> None:
    """At most five ticks on a date axis (mm/yyyy labels are ~55 px wide)."""
    if axis.type != "date":
        return
    if axis.tickvals is not None and len(axis.tickvals) > 5:
        step = -(-len(axis.tickvals) // 5)
        axis.update(tickvals=list(axis.tickvals)[::-1][::step][::-1], ticktext=list(axis.ticktext)[::-1][::step][::-1])
    elif axis.tickvals is None:
        axis.update(dtick=None, nticks=4)
