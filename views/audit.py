"""Đối chiếu chỉ tiêu: the targets several plans set for one concept, side by side, with conflicts
flagged and the indicator the dashboard judges by (vlboard/board/audit.py)."""

import streamlit as st

from vlboard import ui
from vlboard.board import audit, screens
from vlboard.domain import formatting

page = ui.start("Đối chiếu chỉ tiêu giữa các kế hoạch", uses_results=False)
live, f, options = page.live, page.f, page.options
note = ui.not_applied(
    f,
    options,
    ("plan", "pillar"),
    "trang so sánh các mục tiêu in trong kế hoạch, không theo cơ quan, phường, xã hay tình trạng.",
)
if note:
    st.info(formatting.md_escape(note), icon=":material/filter_alt_off:")
items = screens.target_audit(live)
if not items:
    st.info(
        "Danh mục chưa ghép chỉ tiêu nào của các kế hoạch vào cùng một khái niệm "
        "(data/source/concepts.csv và indicator_concepts.csv): chưa có gì để đối chiếu.",
        icon=":material/info:",
    )
    st.stop()
st.markdown(formatting.md_escape(audit.summary_line(items)))
flag = st.segmented_control("Lọc theo cờ", audit.FLAG_CHOICES, default=audit.ANY_CONFLICT, key="audit_flag")
shown = audit.select(items, pillar=f.pillar, flag=flag, plan=f.plan)
st.caption(formatting.md_escape(audit.RULE))
if not shown:
    st.info("Không có khái niệm nào với bộ lọc và cờ đã chọn.", icon=":material/info:")
for c in shown:
    flags = " · ".join(c.flags) if c.flags else "thống nhất"
    with st.expander(formatting.md_escape(f"{c.label} — {flags}"), expanded=c.conflict and len(shown) <= 8):
        st.markdown(
            formatting.md_escape(f"Trụ cột: {formatting.pillar(c.pillar)}. Bảng điều hành đánh giá theo ")
            + f"**{formatting.md_escape(c.judged_by)}**: {formatting.md_escape(c.reason)}."
        )
        for flag_name, text in c.findings:
            st.markdown(f"- **{formatting.md_escape(flag_name)}**: {formatting.md_escape(text)}")
        if c.note:
            st.caption(formatting.md_escape(c.note))
        ui.table(
            c.members.drop(columns="Trích dẫn"),
            f"doi chieu {c.code}",
            full=lambda c=c: c.members,
            links=ui.indicator_links(f),
        )
        st.markdown("**Trích dẫn văn bản**")
        for code, plan, quote in audit.quotes(c.members):
            st.markdown(
                f"- **{formatting.md_escape(code)}** ({formatting.md_escape(plan)}): «{formatting.md_escape(quote)}»"
            )
