"""Kinh phí: QĐ 2702 Phụ lục III (174.650 triệu đồng) and the 2026 plan's 7.300 triệu, with checks."""

import streamlit as st

from vlboard import charts, ui
from vlboard.board import budget, narrative
from vlboard.domain import formatting

page = ui.start("Kinh phí", uses_results=False)
live, f, options = page.live, page.f, page.options
b = live.q("budgets")
note = ui.not_applied(
    f,
    options,
    (),
    "kinh phí ghi theo tên cơ quan và nhiệm vụ như in trong QĐ 2702 và kế hoạch "
    "2026, không gắn với mã cơ quan, chỉ tiêu hay phường, xã; trang luôn hiện toàn bộ kinh phí.",
)
if note:
    st.info(formatting.md_escape(note), icon=":material/filter_alt_off:")
date = page.date
total = budget.headline(b, "qd2702-2024")
c1, c2, c3 = st.columns(3)
c1.metric("Tổng kinh phí Đề án (QĐ 2702)", f"{formatting.number(total.get('total'))} triệu đồng")
c2.metric("Năm 2025", f"{formatting.number(total.get('su_nghiep_2025'))} triệu đồng")
c3.metric("Giai đoạn 2026–2030", f"{formatting.number(total.get('su_nghiep_2026_2030'))} triệu đồng")
for problem in budget.check_totals(b):
    st.error(formatting.md_escape(problem))
totals = budget.agency_totals(b)
ui.chart(
    charts.budget_bars(totals, title="Kinh phí Đề án chuyển đổi số theo cơ quan (QĐ 2702)", data_date=date),
    "kinh phi theo co quan qd2702",
    alt=narrative.alt_budget(totals),
)
st.subheader("Nhiệm vụ, dự án (QĐ 2702, Phụ lục III)")
ui.table(budget.task_table(b, "qd2702-2024"), "kinh phi qd2702")
vp = budget.headline(b, "kh-cds-2026-vpubnd")
st.subheader(
    f"Kế hoạch CĐS 2026 của Văn phòng UBND tỉnh: {formatting.number(vp.get('su_nghiep_2026_2030'))} triệu đồng"
)
ui.table(budget.task_table(b, "kh-cds-2026-vpubnd"), "kinh phi vp ubnd 2026")
