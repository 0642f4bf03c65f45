"""The only package that imports streamlit. Its face, what the pages in views/ call:

- ``data``: the snapshot doorway (SnapshotRef, caches, the last-good fallback shared with the wall);
- ``sidebar``: the filters, the meeting-pack export, clicks that change a filter or open a page;
- ``widgets``: chart and table with their downloads and link columns;
- ``results_list``: the indicator page's newest results, every one in the downloads;
- ``frame``: ``start`` (the page frame) and ``PageContext``.
"""

from vlboard.ui.data import full_scorecard, live_snapshot, outlook, unit_map
from vlboard.ui.frame import PageContext, not_applied, start
from vlboard.ui.results_list import results_list
from vlboard.ui.sidebar import current_pillar, open_indicator, open_pillar, set_filter
from vlboard.ui.widgets import chart, indicator_links, table, unit_links

__all__ = [
    "PageContext",
    "chart",
    "current_pillar",
    "full_scorecard",
    "indicator_links",
    "live_snapshot",
    "not_applied",
    "open_indicator",
    "open_pillar",
    "outlook",
    "results_list",
    "set_filter",
    "start",
    "table",
    "unit_links",
    "unit_map",
]
