"""The reminders' send log, data/reminders.jsonl: one JSON line per delivery attempt.

A line: at (Vietnam local time, ISO), key (rule × subject × period × channel:address, see
vlboard.intake.reminders), status (sent | failed | skipped_quiet), rule, subject, period, channel,
to, reason (why it failed, Vietnamese). A key is done once a line says sent; a failed or quiet key
is planned again on the next run. Appends are fsynced under an exclusive lock on the file, and a
whole run holds ``reminders.lock`` so two runs (cron and a hand-started one) never send twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class LogBusy(Exception):
    """Another run holds the lock (Vietnamese message)."""


@dataclass(frozen=True)
class LogState:
    done: set[str]  # keys sent
    failed: set[str]  # keys that failed and are not sent since


def log_path(data_root: Path) -> Path:
    return Path(data_root) / "reminders.jsonl"


def read(path: Path) -> LogState:
    """Done and failed keys of the log (empty when the file does not exist yet)."""
    done: set[str] = set()
    failed: set[str] = set()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return LogState(done, failed)
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            key, status = rec["key"], rec["status"]
        except (ValueError, KeyError, TypeError):  # a line torn by a crash: not a send
            continue
        if status == "sent":
            done.add(key)
        elif status == "failed":
            failed.add(key)
    return LogState(done, failed - done)


def records(path: Path) -> list[dict]:
    """Every readable line, oldest first (for reports and tests)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        with contextlib.suppress(ValueError):
            out.append(json.loads(line))
    return out


def last_sent(path: Path, period: str) -> dict[str, str]:
    """The time (ISO) of the last reminder sent for each subject («type:code») of ``period`` (a
    digest to an office counts for every subject it listed)."""
    out: dict[str, str] = {}
    for rec in records(path):
        if isinstance(rec, dict) and rec.get("status") == "sent" and rec.get("period") == period:
            at, many = rec.get("at"), rec.get("subjects")
            for subject in many if isinstance(many, list) else [rec.get("subject")]:
                if isinstance(subject, str) and isinstance(at, str) and at > out.get(subject, ""):
                    out[subject] = at
    return out


def append(path: Path, recs: list[dict]) -> None:
    """Append the records as JSON lines, fsynced, under an exclusive lock; a torn last line of an
    earlier crash is closed first so it cannot swallow the new ones."""
    if not recs:
        return
    data = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in recs).encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            size = fh.seek(0, os.SEEK_END)
            if size:
                fh.seek(size - 1)
                if fh.read(1) != b"\n":
                    data = b"\n" + data
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def run_lock(path: Path) -> Iterator[None]:
    """Hold <log folder>/reminders.lock for a whole run; LogBusy when another run holds it."""
    lock = Path(path).with_name("reminders.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise LogBusy("Một lần chạy nhắc báo cáo khác đang gửi; lần này dừng, không gửi gì.") from exc
        yield
    finally:
        os.close(fd)
