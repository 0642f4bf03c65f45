"""The overview's words around its charts: the summary paragraph (board.narrative) and the block of
indicators at risk of missing their next target (board.outlook). Kept here so the page stays thin."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vlboard.board import narrative, outlook, screens
from vlboard.domain import approval, formatting, sentences
from vlboard.ui import data
from vlboard.ui.frame import PageContext
from vlboard.ui.widgets import indicator_links, table


def summary(page: PageContext, card: pd.DataFrame, before_card: pd.DataFrame | None, before: str | None) -> None:
    """3–5 sentences generated from the same frames as the charts; nothing when there is no data."""
    lines = narrative.overview_summary(
        card, page.f.period, screens.completeness(page.live, page.f), before_card, before
    )
    if lines:
        st.markdown(formatting.md_escape(sentences.paragraph(lines)))
    unapproved(card)


def unapproved(card: pd.DataFrame | None) -> None:
    """«n giá trị báo cáo chưa duyệt trong kỳ» under a page whose statuses rest on unapproved reports."""
    line = approval.caption(approval.count(card))
    if line:
        st.caption(line)


def at_risk(page: PageContext, card: pd.DataFrame) -> None:
    """On track now but under 50% likely to meet the next dated target (board.outlook.at_risk)."""
    chances = data.outlook(page.live, page.f, card)
    st.subheader(f"Có nguy cơ không đạt — {page.period}")
    st.caption(outlook.summary(chances))
    risky, why = outlook.at_risk(card, chances), outlook.risk_text(card, chances)
    table(risky, "co nguy co khong dat", links=indicator_links(page.f), empty=why)


OUTLOOK_RULE = (
    "«Khả năng đạt»: xác suất đạt mục tiêu gần nhất có năm, dự báo theo xu hướng (khoảng 80% hiệu chỉnh từ sai "
    "số kiểm tra lại); «—»: không dự báo, lý do ở cột «Triển vọng đến hạn». "
)


def with_outlook(
    page: PageContext,
    card: pd.DataFrame,
    rows: pd.DataFrame,
    filename: str,
    empty: str = "Không có dòng nào với bộ lọc này.",
) -> None:
    """A table of indicators (column "Mã") with the «Khả năng đạt» and «Triển vọng đến hạn» columns of
    board.outlook, under the rule and a summary of what could be forecast among these rows."""
    chances = data.outlook(page.live, page.f, card)
    unapproved(card)
    st.caption(OUTLOOK_RULE + outlook.summary(chances[chances.indicator_code.isin(rows["Mã"])]))
    table(outlook.with_column(rows, chances), filename, links=indicator_links(page.f), empty=empty)
