"""Nhiệm vụ: tasks with deadlines from the plans, overdue ones first (relative to today)."""

import datetime as dt

import streamlit as st

from vlboard import ui
from vlboard.board import milestones
from vlboard.domain import formatting

page = ui.start("Nhiệm vụ và thời hạn", uses_results=False)
live, f, options = page.live, page.f, page.options
m = live.q("milestones")
note = ui.not_applied(
    f,
    options,
    ("plan",),
    "cơ quan chủ trì nhiệm vụ ghi theo văn bản, không gắn với mã cơ quan; trang chỉ lọc theo kế hoạch.",
)
if note:
    st.info(formatting.md_escape(note), icon=":material/filter_alt_off:")
if f.plan:
    m = m[m.plan == f.plan]
today = dt.date.today()
table = milestones.table(m, options.plans, today)
counts = table["Tình trạng"].value_counts()
c1, c2, c3 = st.columns(3)
c1.metric("Quá hạn", int(counts.get("Quá hạn", 0)))
c2.metric("Sắp đến hạn (90 ngày)", int(counts.get("Sắp đến hạn", 0)))
c3.metric("Tổng số nhiệm vụ", len(table))
st.caption(
    f"So với hôm nay {today:%d/%m/%Y}. Văn bản không báo cáo hoàn thành nhiệm vụ nào: "
    "«quá hạn» nghĩa là đã qua thời hạn ghi trong kế hoạch."
)
ui.table(table, "nhiem vu")
