"""Lịch sử dữ liệu: every snapshot with what changed, compare two, roll back (admin)."""

import streamlit as st

from vlboard.intake import history
from vlboard.store import snapshots
from vlboard.ui import account
from vlboard.ui import intake as page

st.title("Lịch sử dữ liệu")
data = snapshots.default_data_dir()
st.caption(
    "Mỗi lần dựng hoặc nhập số liệu tạo một bản dữ liệu mới. Bản cũ chỉ được người vận hành dọn theo chính sách "
    "lưu giữ; bản hiện hành và các bản đã từng được khôi phục tới luôn được giữ. "
    "Khôi phục chỉ chuyển bản hiện hành về một bản cũ và được ghi vào nhật ký."
)
table = page.snapshots_section(data)
page.compare_section(data, table)
page.rollback_section(data, account.current_user(), table)
st.subheader("Nhật ký thay đổi")
log = history.log(data)
log["at"] = log["at"].map(page.when)
log = log.astype(object).where(log.notna(), "").astype(str)  # text only: no "NaN", no Arrow fallback
if log.empty:
    st.caption("Chưa có lần dựng, nhập hay khôi phục nào được ghi vào nhật ký.")
else:
    st.dataframe(
        log.rename(
            columns={
                "at": "Thời gian",
                "action": "Thao tác",
                "user": "Người thực hiện",
                "snapshot": "Bản dữ liệu",
                "from": "Từ bản",
                "file": "Tệp",
                "summary": "Nội dung",
            }
        ),
        hide_index=True,
        width="stretch",
    )
