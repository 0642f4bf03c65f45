"""Read an uploaded results file (the .xlsx template or a CSV) into plain rows, safely.

Nothing here knows about indicators: :func:`read_upload` checks that the bytes are a sane
spreadsheet, finds the header and returns the rows, or problems in Vietnamese naming the sheet, the
row (as Excel shows it) and the column. Any problem means the upload must not be accepted.
File-level problems (size, format, macros, zip bomb, missing sheet or header, no or too many rows)
return no :class:`Upload`; cell-level ones (formulas without a stored result, merged cells, missing or repeated columns,
over-long text) still return it, so the validation can show every problem in one go.
The page and the CLI call :func:`read_upload_isolated`: the same reading in a child process with a
time and memory limit, so that no upload can slow down or starve the server's other visitors.
This module picks the reader by the bytes: :mod:`.xlsxfile` or :mod:`.csvfile`, which share :mod:`.upload`.
"""

from __future__ import annotations

import hashlib
import math

from vlboard.intake import isolation
from vlboard.intake.csvfile import read_csv
from vlboard.intake.upload import (
    COLUMNS,
    DATA_SHEET,
    META_SHEET,
    REQUIRED_XLSX,
    TEMPLATE_VERSION,
    UTF16_BOMS,
    Problem,
    Upload,
    file_problem,
    header_labels,
    ods_message,
)
from vlboard.intake.xlsxfile import read_xlsx

# the upload's shapes re-exported: callers name them workbook.X next to the entry points
__all__ = [
    "COLUMNS",
    "DATA_SHEET",
    "META_SHEET",
    "REQUIRED_XLSX",
    "TEMPLATE_VERSION",
    "Problem",
    "Upload",
    "header_labels",
    "read_upload",
    "read_upload_isolated",
    "refusal",
]

MAX_BYTES = 5 * 1024 * 1024  # default upload limit
WORKER_SECONDS = 30  # wall clock (and CPU) of one upload's reading in its child process
WORKER_MB = 768  # resident memory the reading may add in that process (the largest xlsx read adds ~120 MB)
_MB = 1024 * 1024
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


def _mb(n: int, up: bool) -> str:
    x = (math.ceil if up else math.floor)(n / _MB * 10) / 10
    return f"{x:.1f}".removesuffix(".0").replace(".", ",")


def _num(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def read_upload(file_name: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> tuple[Upload | None, list[Problem]]:
    """Read an uploaded .xlsx template or CSV; see the module docstring for what comes back."""
    name = file_name or "không tên"
    ext = file_name.lower().rpartition(".")[2] if "." in file_name else ""
    if not data:
        return None, [file_problem(f"Tệp «{name}» trống, không có dòng số liệu nào")]
    if len(data) > max_bytes:
        return None, [file_problem(f"Tệp {_mb(len(data), True)} MB vượt giới hạn {_mb(max_bytes, False)} MB")]
    if data.startswith(b"PK"):
        kind, (parsed, problems) = "xlsx", read_xlsx(data, name)
    elif data.startswith(b"\xd0\xcf\x11\xe0") or ext == "xls":
        return None, [
            file_problem(
                f"Tệp «{name}» là Excel đời cũ (.xls) hoặc có đặt mật khẩu; hãy mở bằng Excel, "
                "bỏ mật khẩu nếu có và lưu lại thành .xlsx (Excel Workbook)"
            )
        ]
    elif ext == "ods":
        return None, [file_problem(ods_message(name))]
    elif (
        ext in ("xlsx", "xlsm")
        or data.startswith(_BINARY_MAGIC)
        or (b"\x00" in data and not data.startswith(UTF16_BOMS))
    ):
        return None, [file_problem(f"Tệp «{name}» không phải Excel (.xlsx) hoặc CSV")]
    else:
        kind, (parsed, problems) = "csv", read_csv(data)
    if parsed is None:
        return None, problems
    meta, columns, extra, rows = parsed
    return Upload(
        file_name,
        kind,
        hashlib.sha256(data).hexdigest(),
        len(data),
        DATA_SHEET if kind == "xlsx" else "CSV",
        meta,
        columns,
        extra,
        rows,
    ), problems


def read_upload_isolated(
    file_name: str, data: bytes, *, max_bytes: int = MAX_BYTES
) -> tuple[Upload | None, list[Problem]]:
    """:func:`read_upload` in a child process (:mod:`vlboard.intake.isolation`) with a CPU-time limit
    (WORKER_SECONDS; the wall clock only bounds a starved child's wait) and a memory limit (WORKER_MB): the page and the CLI read uploads this way,
    so that no file, however built, can hold the server's CPU (and with it every other visitor) or
    its memory. Over a limit: a Vietnamese refusal."""
    if not data or len(data) > max_bytes:  # answered at once, without a process
        return read_upload(file_name, data, max_bytes=max_bytes)
    status, answer = isolation.run(
        "read", (file_name, data), {"max_bytes": max_bytes}, seconds=WORKER_SECONDS, mb=WORKER_MB, label=file_name
    )
    return answer if status == "ok" else (None, [file_problem(refusal(status, file_name, "đọc"))])


def refusal(status: str, file_name: str, step: str) -> str:
    """The Vietnamese refusal of an isolated step (``step``: "đọc", "kiểm tra") that did not answer."""
    name = file_name or "không tên"
    fix = (
        f"Hãy chỉ giữ trang «{DATA_SHEET}» với các dòng số liệu rồi tải lên lại"
        if step == "đọc"
        else "Hãy chia tệp thành nhiều tệp nhỏ hơn rồi tải lên lại"
    )
    if status == "busy":
        return "Hệ thống đang xử lý nhiều tệp khác cùng lúc; hãy tải tệp lên lại sau ít phút"
    if status == "timeout":
        return (
            f"Tệp «{name}» cần hơn {_num(WORKER_SECONDS)} giây để {step}; hệ thống dừng {step} để không làm "
            f"chậm người dùng khác. {fix}"
        )
    if status == "memory":
        return (
            f"Tệp «{name}» cần quá nhiều bộ nhớ hoặc thời gian để {step} (giới hạn {WORKER_MB} MB, "
            f"{_num(WORKER_SECONDS)} giây); hệ thống từ chối để không ảnh hưởng người dùng khác. {fix}"
        )
    return (
        f"Không {step} được tệp «{name}» do lỗi của hệ thống (đã ghi vào nhật ký máy chủ); "
        "chưa ghi gì. Hãy báo quản trị viên"
    )
