"""Trụ cột: every indicator of one pillar against its target, grouped by status; small trends.

The three navigation entries (chính quyền số, kinh tế số, xã hội số) share this renderer; the
entry sets the pillar, the sidebar can still narrow by plan, agency and status."""

import streamlit as st

from vlboard import charts, indicator, overview, ui
from vlboard.schema import PILLARS

pillar = ui.current_pillar() or "chinh_quyen_so"
page = ui.start(f"Trụ cột {PILLARS[pillar].lower()}", pillar=pillar)
card = page.card()
if card is None or card.empty:
    st.info("Chưa có chỉ tiêu nào có số liệu với bộ lọc này.")
    st.stop()

ui.table(overview.pillar_status_table(card), "tinh trang tru cot")
ui.chart(charts.progress_bullets(card, title=f"{PILLARS[pillar]}: thực hiện so với mục tiêu — {page.period}",
                                 data_date=page.date, note=page.note), f"{PILLARS[pillar]} tien do {page.period}")
series = page.live.q("pillar_series", pillar=pillar, include_demo=page.f.include_demo)
titles = indicator.multiples_titles(card, series)
if titles:
    ui.chart(charts.small_multiples(series[series.indicator_code.isin(titles)], page.live.q("targets_numeric"),
                                    titles=titles, title=f"Xu hướng các chỉ tiêu chậm nhất — {PILLARS[pillar]}",
                                    data_date=page.date, note=page.note), f"{PILLARS[pillar]} xu huong")
st.subheader("Tất cả chỉ tiêu của trụ cột")
ui.table(overview.status_list(card), "chi tieu cua tru cot")
