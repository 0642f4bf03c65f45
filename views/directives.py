"""Chỉ đạo: leaders' directives on an indicator, an agency or a ward — overdue first — each with what
the data did since it was issued and the owner's progress notes; issue (leader, admin), report
progress (the owner agency's clerk), mark done (only with movement in the data or a written
reason) or reopen."""

import streamlit as st

from vlboard import ui
from vlboard.board import directives as frames
from vlboard.store import snapshots
from vlboard.ui import account
from vlboard.ui import directives as page

ctx = ui.start("Chỉ đạo và theo dõi thực hiện")
live, f = ctx.live, ctx.f
everything = page.listing(live)
data, user = snapshots.default_data_dir(), account.current_user()
if everything.empty:
    st.info(
        "Chưa có chỉ đạo nào. Lãnh đạo hoặc quản trị viên ban hành chỉ đạo về một chỉ tiêu, một cơ quan "
        "hay một phường, xã ở khung bên dưới; cơ quan chủ trì báo cáo tiến độ, và trang theo dõi số liệu "
        "đã chuyển biến thế nào kể từ ngày ban hành.",
        icon=":material/flag:",
    )
else:
    page.metrics(everything)
    st.caption(
        f"So với hôm nay {page.today():%d/%m/%Y}: chỉ đạo quá hạn lên đầu (trễ nhiều ngày nhất trước), rồi theo hạn. "
        "Số liệu trước và sau ngày ban hành lấy từ bảng chỉ tiêu "
        + ("(có số liệu minh họa)." if f.include_demo else "(chỉ số liệu thật).")
    )
    shown = page.pick(everything)
    focus = st.query_params.get("id")  # a notice's link: that directive's card first
    if focus in set(shown.directive_id):
        shown = shown.iloc[sorted(range(len(shown)), key=lambda i: shown.directive_id.iloc[i] != focus)]
    ui.table(frames.display(shown), "chi dao", empty="Không có chỉ đạo nào với bộ lọc này.", title="Chỉ đạo")
    page.cards(live, shown, f.include_demo)
    page.action_form(data, user, everything)
page.issue_form(live, data, user)
