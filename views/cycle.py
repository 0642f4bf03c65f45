"""Kỳ báo cáo: who must report for a period, in which state, how late; and, for the signed-in user,
submit / approve / return / reopen. No filter bar: the cycle counts units and agencies, never
indicators, and demo values never count as received."""

import streamlit as st

from vlboard import ui
from vlboard.domain.periods import label_vi
from vlboard.intake import cycle
from vlboard.store import snapshots
from vlboard.ui import account
from vlboard.ui import cycle as page

st.title("Kỳ báo cáo")
live = ui.live_snapshot()
if live is None:
    st.stop()
period = page.pick_period(live, st.query_params.get("period"))
if period is None:
    st.stop()
b = page.board(live, period)
events = cycle.events(live, period)  # type: ignore[arg-type]  # SnapshotRef is a Source
page.metrics(b, events)
due = sorted(set(b.due_date))
st.caption(
    f"{label_vi(period)}: hạn nộp {', '.join(f'{d:%d/%m/%Y}' for d in due)} · hôm nay {page.today():%d/%m/%Y} · "
    f"bản dữ liệu `{live.snapshot_id}`. Chỉ tính số liệu báo cáo thật (số liệu minh họa không tính). "
    "Báo cáo đã nộp bị khóa nhập cho tới khi được trả lại; đã duyệt thì chỉ quản trị viên mở lại được."
)
page.board_table(page.state_filter(b), events, period)
page.reopened(live, b, period)
page.action_form(snapshots.default_data_dir(), account.current_user(), b, period)
