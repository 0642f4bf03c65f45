"""Nhập số liệu: download a report template, upload it filled in, check the preview, write it."""

import streamlit as st

from vlboard import ui
from vlboard.store import snapshots
from vlboard.ui import account
from vlboard.ui import intake as page

st.title("Nhập số liệu")
live = ui.live_snapshot()
if live is None:
    st.stop()
user = account.current_user()
st.caption(
    f"Bản dữ liệu hiện hành `{live.snapshot_id}` · mỗi lần ghi tạo một bản dữ liệu mới; "
    "bản cũ được giữ nguyên (xem Lịch sử dữ liệu)."
)
if not user.can_edit:
    st.info(
        "Cần đăng nhập bằng tài khoản cán bộ nhập liệu hoặc quản trị (khung «Tài khoản» bên trái) "
        "để tải mẫu và nhập số liệu.",
        icon=":material/lock:",
    )
else:
    page.template_section(live, user)
    page.upload_section(snapshots.default_data_dir(), live, user)
page.recent_imports(live)
