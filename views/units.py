"""Theo phường/xã: map of the 124 units of 2025, heat table, ranking, reporting, 2025 crosswalk."""

import streamlit as st

from vlboard import access, breakdowns, charts, ui

page = ui.start("Theo phường, xã")
live, f, card = page.live, page.f, page.card()
if card is None:
    st.info("Chưa có kỳ nào có số liệu để đánh giá.")
    st.stop()
p = ui.period_of(f)
units = access.unit_rows(live, f, card)
fig = ui.unit_map(live.snapshot_id, live.path, f, f"Tình trạng theo phường, xã (đơn vị 2025) — {page.period}",
                  page.date, page.note)
if fig is None:
    st.warning("Không đọc được ranh giới hành chính: hiển thị dạng bảng.")
    ui.table(breakdowns.unit_ranking(units), "xep hang phuong xa bang")
else:
    ui.chart(fig, f"ban do phuong xa {page.period}")
st.caption("11 phường của TP Vĩnh Long (2023) không có ranh giới riêng: trên bản đồ chúng hiện qua phường "
           "năm 2025 mà chúng sáp nhập vào.")
if units.empty:
    st.info("Chưa có số liệu theo phường/xã với bộ lọc này.")
    st.stop()
ui.chart(charts.status_matrix(breakdowns.unit_matrix(units, card), row_col="row", col_col="col",
                              title=f"Chỉ tiêu × phường/xã — {page.period}", data_date=page.date, note=page.note),
         f"chi tieu phuong xa {page.period}")
st.subheader("Xếp hạng phường, xã")
ui.table(breakdowns.unit_ranking(units), "xep hang phuong xa")
st.subheader(f"Tình hình báo cáo — {page.period}")
c = live.q("completeness", period=f.period, period_type=p.kind, period_end=p.end, include_demo=f.include_demo)
ui.table(breakdowns.completeness_table(c[c.subject_type == "unit"]), "tinh hinh bao cao phuong xa")
with st.expander("Phường cũ → phường mới (sắp xếp 2024, 2025)"):
    ui.table(live.q("unit_crosswalk"), "phuong cu phuong moi")
