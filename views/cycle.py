"""Kỳ báo cáo: who must report for a period, in which state, how late; and, for the signed-in user,
submit / approve / return / reopen."""

import streamlit as st

from vlboard import ui
from vlboard.domain.periods import label_vi
from vlboard.intake import cycle
from vlboard.store import snapshots
from vlboard.ui import account
from vlboard.ui import cycle as page

ctx = ui.start("Kỳ báo cáo", uses_results=False)
period = page.pick_period(ctx.live, ctx.f.period)
if period is None:
    st.stop()
b = page.board(ctx.live, period)
events = cycle.events(ctx.live, period)  # type: ignore[arg-type]  # SnapshotRef is a Source
page.metrics(b, events)
due = sorted(set(b.due_date))
st.caption(
    f"{label_vi(period)}: hạn nộp {', '.join(f'{d:%d/%m/%Y}' for d in due)} · hôm nay {page.today():%d/%m/%Y}. "
    "Báo cáo đã nộp bị khóa nhập cho tới khi được trả lại; đã duyệt thì chỉ quản trị viên mở lại được."
)
page.board_table(page.state_filter(b), period)
page.reopened(ctx.live, b, period)
page.action_form(snapshots.default_data_dir(), account.current_user(), b, period)
