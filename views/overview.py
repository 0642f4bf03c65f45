"""Tổng quan: status per pillar for the latest period, what is off track, and the catalogue."""

import streamlit as st

from vlboard import formatting, overview, periods, ui

st.title("Chuyển đổi số tỉnh Vĩnh Long")
st.caption("Chính quyền số · Kinh tế số · Xã hội số — theo dõi chỉ tiêu của 5 kế hoạch")

live = ui.live_snapshot()
if live is None:
    st.stop()

include_demo = st.toggle("Gồm số liệu minh họa", value=True, key="include_demo",
                         help="Số liệu theo phường/quý không có trong văn bản; bản demo được sinh tất định.")
counts = live.q("indicator_counts", include_demo=include_demo)
dates = overview.data_dates(live.q("data_date"))
period = overview.default_period(live.q("latest_period", include_demo=include_demo))

c1, c2, c3, c4 = st.columns(4)
c1.metric("Chỉ tiêu trong danh mục", formatting.number(counts.n_indicators.sum()))
c2.metric("Chỉ tiêu định lượng", formatting.number(counts.n_numeric.sum()))
c3.metric("Có số liệu", formatting.number(counts.n_with_results.sum()))
c4.metric("Kỳ mới nhất có mục tiêu và số liệu", overview.period_label(period))

if period is None:
    st.caption("Chưa có kỳ nào vừa có mục tiêu vừa có số liệu: số liệu trong văn bản là hiện trạng "
               "trước năm mục tiêu.")
line = f"Số liệu văn bản đến ngày **{dates.real}**"
if include_demo and dates.demo:
    line += f" · số liệu **minh họa** (demo) đến ngày {dates.demo}"
st.markdown(line + f" · bản dữ liệu `{live.snapshot_id}`")
if include_demo:
    st.info("Đang hiển thị cả số liệu **minh họa** (demo) theo phường và cơ quan: không phải số liệu báo cáo thật.",
            icon="ℹ️")

if period is not None:
    p = periods.parse_period(period)
    card = overview.scorecard(
        live.q("status_indicators", year=p.year, period_end=p.end, include_demo=include_demo),
        live.q("targets_numeric"), live.q("baselines"), p.end)
    st.subheader(f"Tình trạng chỉ tiêu theo trụ cột — {overview.period_label(period)}")
    st.dataframe(overview.pillar_status_table(card), hide_index=True, width="stretch")
    st.subheader("Chỉ tiêu chậm nhất")
    st.dataframe(overview.off_track(card), hide_index=True, width="stretch")

st.subheader("Số chỉ tiêu theo kế hoạch và trụ cột")
st.dataframe(overview.pivot_counts(counts), hide_index=True, width="stretch")

st.subheader("Văn bản nguồn")
st.dataframe(overview.plans_table(live.q("plans")), hide_index=True, width="stretch")

no_lead = live.q("indicators_without_lead")
with st.expander(f"Chỉ tiêu chưa giao cơ quan chủ trì: {formatting.number(len(no_lead))}"):
    st.dataframe(overview.no_lead_table(no_lead), hide_index=True, width="stretch")

figures = live.q("document_figures")
with st.expander(f"Số liệu nêu trong văn bản: {formatting.number(len(figures))} (kèm mục và trích dẫn)"):
    st.dataframe(overview.figures_table(figures), hide_index=True, width="stretch")
