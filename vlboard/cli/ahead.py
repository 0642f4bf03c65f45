"""After a command-line write: the new version's status rows prepared for the readers
(vlboard.store.status_ahead), reported in one line; a failure is reported, the write stands."""

from __future__ import annotations

import sys

from vlboard.domain import formatting
from vlboard.store import snapshots, status_ahead


def prepare(data: snapshots.DataDir, sid: str) -> None:
    try:
        done = status_ahead.prepare(data, sid)
    except Exception as exc:  # a cache: the pages compute what is missing
        print(f"Chưa chuẩn bị trước được trạng thái các kỳ cho trang ({exc}); trang sẽ tự tính.", file=sys.stderr)
        return
    if done.prepared:
        print(
            f"Đã chuẩn bị trạng thái {len(done.prepared)} kỳ cho trang xem ({formatting.number(done.seconds, 1)} giây)."
        )
    if done.stopped:
        print("Dừng chuẩn bị: đã có bản dữ liệu mới hơn hoặc hết thời gian; trang sẽ tự tính phần còn lại.")
