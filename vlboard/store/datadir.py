"""The data folder: its layout (DataDir), the CURRENT pointer, snapshot ids and manifests, and the
Vietnamese errors and disk-fault drills every reader and writer of snapshots shares."""

from __future__ import annotations

import errno
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from vlboard import settings

MANIFEST = "manifest.json"
HISTORY = "history.jsonl"
LOCK = ".write.lock"


class SnapshotError(Exception):
    """A snapshot cannot be used; the message is Vietnamese and names the table or file."""


class WriteFault(SnapshotError):
    """A write failed on the disk (full, read-only, no permission…); nothing was switched, the
    temporary files are gone and the live data is as it was. The message is Vietnamese."""


_FAULTS = {
    errno.ENOSPC: "ổ đĩa đầy",
    errno.EDQUOT: "vượt hạn mức dung lượng đĩa",
    errno.EROFS: "thư mục dữ liệu chỉ đọc",
    errno.EACCES: "không có quyền ghi vào thư mục dữ liệu",
    errno.EPERM: "không có quyền ghi vào thư mục dữ liệu",
    errno.EIO: "lỗi đọc/ghi của ổ đĩa",
    errno.EMFILE: "mở quá nhiều tệp cùng lúc",
    errno.ENAMETOOLONG: "đường dẫn quá dài",
}


def fault_message(exc: OSError, what: str = "bản dữ liệu", data: DataDir | None = None) -> str:
    """«Không ghi được bản dữ liệu: ổ đĩa đầy (…)» for an OSError of a write; the file is named
    relative to the data folder (no server path on a page)."""
    code = exc.errno
    reason = (_FAULTS.get(code) if code is not None else None) or exc.strerror or str(exc)
    where = ""
    if exc.filename:
        path = Path(os.fsdecode(exc.filename))
        root = data.root if data is not None else None
        where = (
            f"data/{path.relative_to(root)}: " if root is not None and path.is_relative_to(root) else f"{path.name}: "
        )
    return (
        f"Không ghi được {what}: {reason} ({where}mã lỗi {errno.errorcode.get(code, code) if code is not None else None}). "
        "Dữ liệu hiện hành không đổi; chưa ghi gì."
    )


def drill(step: str) -> None:
    """Crash and fault drills for the tests, at each named write step: VLBOARD_FAULT_AT=<step> dies
    there (os._exit, like a kill), VLBOARD_ENOSPC_AT=<step> fails there as a full disk would,
    VLBOARD_PAUSE_AT=<step> prints «PAUSED <step>» on stderr and waits (for an aimed SIGKILL)."""
    if settings.get("VLBOARD_FAULT_AT") == step:
        os._exit(70)
    if settings.get("VLBOARD_ENOSPC_AT") == step:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    if settings.get("VLBOARD_PAUSE_AT") == step:
        os.write(2, f"PAUSED {step}\n".encode())
        time.sleep(float(settings.get("VLBOARD_PAUSE_SECONDS") or "60"))


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def documents(self) -> Path:
        return self.root / "documents"

    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    @property
    def current_file(self) -> Path:
        return self.root / "CURRENT"

    @property
    def history_file(self) -> Path:
        return self.root / HISTORY


def default_data_dir() -> DataDir:
    return DataDir(settings.path("VLBOARD_DATA"))


# ---------------------------------------------------------------------------------- reading


def current_id(data: DataDir) -> str | None:
    try:
        text = data.current_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:  # garbled by a crash of the disk, not by vlboard (atomic writes)
        raise SnapshotError(f"Tệp CURRENT bị hỏng (không phải văn bản UTF-8: {exc.reason})") from exc
    return text or None


_SNAPSHOT_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,127}")


def snapshot_dir(data: DataDir, snapshot_id: str) -> Path:
    """The folder of a snapshot id; refuses anything but a plain folder name of letters, digits,
    '.', '_' and '-' (no path, no control or NUL character: a CURRENT file garbled by a power
    loss is a SnapshotError, not a crash)."""
    if not isinstance(snapshot_id, str) or not _SNAPSHOT_ID.fullmatch(snapshot_id) or snapshot_id in (".", ".."):
        raise SnapshotError(f"Mã bản dữ liệu không hợp lệ: {snapshot_id[:80]!r}")
    return data.snapshots / snapshot_id


def read_manifest(path: Path) -> dict:
    try:
        return json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SnapshotError(f"Bản dữ liệu {path.name}: thiếu tệp {MANIFEST}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"Bản dữ liệu {path.name}: tệp {MANIFEST} bị hỏng ({exc})") from exc
