"""Giải trình: the misses («Gần đạt», «Chưa đạt») still without an explanation, per agency or
ward, the explanations on record, and the form for a signed-in clerk, reviewer or admin (issue 20)."""

import streamlit as st

from vlboard import ui
from vlboard.domain import formatting
from vlboard.ui import account
from vlboard.ui import commentary as page

ctx = ui.start("Giải trình chỉ tiêu chưa đạt")
live, f, options = ctx.live, ctx.f, ctx.options
note = ui.not_applied(
    f, options, ("period", "source"), "giải trình gắn với từng chỉ tiêu × kỳ × đơn vị báo cáo; trang lọc theo kỳ."
)
if note:
    st.info(formatting.md_escape(note), icon=":material/filter_alt_off:")
st.caption(
    "Chỉ tiêu chưa đạt hoặc gần đạt phải có giải trình (nguyên nhân, giải pháp, dự kiến đạt) trước khi nộp báo cáo. "
    "Số liệu văn bản của tỉnh, thành phố được tính cho cơ quan chủ trì chỉ tiêu."
)
page.overview(live, f.period or "", f.include_demo, account.current_user())
