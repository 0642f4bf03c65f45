"""Plotly figure builders: a DataFrame in, a ``go.Figure`` out. Pure: no streamlit, no duckdb.

The package face: callers write ``charts.trend(...)``; the builders live in modules named for what
they draw (:mod:`.status`, :mod:`.trends`, :mod:`.maps`, :mod:`.budget`) and share :mod:`.theme`.
Status colours come from :data:`vlboard.domain.vocab.STATUSES`.
"""

from vlboard.charts.budget import budget_bars
from vlboard.charts.maps import ATTRIBUTION, choropleth
from vlboard.charts.status import (
    card_gauge,
    count_heatmap,
    league,
    pillar_gauge,
    progress_bullets,
    status_bars,
    status_matrix,
)
from vlboard.charts.theme import BLUE, FONT, GREY, NO_DATA_FILL, WALL_BG, darken, finish, plotly_config, short, slug
from vlboard.charts.trends import SOURCE_STYLE, mark_events, small_multiples, trend, x_range

__all__ = [
    "ATTRIBUTION",
    "BLUE",
    "FONT",
    "GREY",
    "NO_DATA_FILL",
    "SOURCE_STYLE",
    "WALL_BG",
    "budget_bars",
    "card_gauge",
    "choropleth",
    "count_heatmap",
    "darken",
    "finish",
    "league",
    "mark_events",
    "pillar_gauge",
    "plotly_config",
    "progress_bullets",
    "short",
    "slug",
    "small_multiples",
    "status_bars",
    "status_matrix",
    "trend",
    "x_range",
]
