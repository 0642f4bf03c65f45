"""Việc của tôi: what the signed-in user must report, fix or review."""

import streamlit as st

from vlboard import ui
from vlboard.domain import formatting
from vlboard.ui import account
from vlboard.ui import commentary as commentary_ui
from vlboard.ui import directives as directives_ui
from vlboard.ui import my_work as page

st.title("Việc của tôi")
live = ui.live_snapshot()
if live is None:
    st.stop()
user = account.current_user()
if user.via == "anonymous":
    st.info(
        "Đăng nhập (khung «Tài khoản» bên trái) để xem báo cáo bạn phải nộp, báo cáo bị trả lại "
        "và báo cáo chờ bạn duyệt.",
        icon=":material/lock:",
    )
    st.stop()
what = {
    "editor": "báo cáo của quý này, quý trước, năm nay và năm trước, và báo cáo bị trả lại của các kỳ gần đây",
    "reviewer": "báo cáo chờ duyệt của các kỳ gần đây",
    "admin": "báo cáo chờ duyệt và đã duyệt của các kỳ gần đây",
}.get(user.role, "")
st.caption(f"{formatting.md_escape(user.describe())}" + (f" · {what}." if what else ""))
if user.role == "editor":
    page.clerk(live, user)
elif user.role in ("reviewer", "admin"):
    page.reviewer(live, user)
else:
    st.info("Tài khoản chỉ có quyền xem: không có báo cáo nào phải nộp hay duyệt.")
if user.role in ("editor", "reviewer", "admin"):
    commentary_ui.mine(live, user)  # misses still without an explanation, and the form (issue 20)
directives_ui.mine(live, user)  # the directives the user's agency owns (issue 20)
