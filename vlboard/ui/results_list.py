"""The indicator page's list of results: the newest ones shown, every one in the downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vlboard.board import commentary, indicator
from vlboard.domain import filters, formatting
from vlboard.ui.widgets import table

SHOWN = 2000  # the newest results listed; the downloads hold every one


def results_list(live, f: filters.Filters, code: str, unit: str | None, targets: pd.DataFrame, total: int) -> None:
    """«Số liệu thực hiện»: the newest ``SHOWN`` of the indicator's ``total`` results with their
    sources (sql/indicator_results_newest.sql: at 100 M results one indicator has ~1 M), every
    result read only when a download asks for it."""
    st.markdown(f"**Số liệu thực hiện** ({formatting.number(total, 0)} giá trị, kèm nguồn)")
    shown = live.q("indicator_results_newest", code=code, include_demo=f.include_demo, limit=SHOWN)

    def every_result() -> pd.DataFrame:
        newest = indicator.newest_first(live.q("indicator_results", code=code), f.include_demo)
        return indicator.results_table(newest, unit, targets, commentary.for_results(live, newest))

    table(
        indicator.results_table(shown, unit, targets, commentary.for_results(live, shown)),
        "so lieu thuc hien",
        max_rows=SHOWN,
        total=total,
        full=every_result,
    )
