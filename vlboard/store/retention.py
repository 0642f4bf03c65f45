"""Retention: which snapshots (and which Delta files) ``python -m vlboard vacuum`` removes.

Kept: the live snapshot, every snapshot younger than ``VLBOARD_KEEP_DAYS`` days, every snapshot a
rollback went to or came from (data/history.jsonl), every snapshot an approval of the reporting
cycle was made on (the ``base_snapshot`` of each approve event of the live ``cycle_events``: the
reference of «n giá trị đã thay đổi từ khi duyệt», so a closed reporting period keeps the snapshot
of each of its approvals), and every snapshot whose manifest carries ``"keep": true`` (set by hand). The others' folders go, and then the Delta files
no kept snapshot's version reads (Delta ``vacuum`` with those versions kept), and the Delta log
before the oldest version a kept snapshot reads (``_clean_log``). Runs under the write
lock; a folder is renamed to a hidden name before it is deleted, so a vacuum killed midway never
leaves a half-deleted snapshot that looks whole (the next writer removes the leftover).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from deltalake import DeltaTable
from deltalake.exceptions import DeltaError

from vlboard import settings
from vlboard.store import snapshots, tables


@dataclass
class Vacuum:
    kept: list[str]
    removed: list[str]  # snapshot ids
    files: dict[str, list[str]] = field(default_factory=dict)  # Delta table → data files removed
    bytes_freed: int = 0
    dry_run: bool = True
    log: dict[str, tuple[int, int]] = field(default_factory=dict)  # Delta table → (log files, bytes) removed
    unreadable: dict[str, list[str]] = field(default_factory=dict)  # Delta table → kept snapshots it can't open

    def lines(self) -> list[str]:
        verb = "Sẽ xóa" if self.dry_run else "Đã xóa"
        n_files = sum(len(v) for v in self.files.values())
        mb = _mb(self.bytes_freed)
        return [
            f"Giữ {len(self.kept)} bản dữ liệu; {verb.lower()} {len(self.removed)} bản cũ.",
            f"{verb} {n_files} tệp dữ liệu không bản nào còn đọc ({mb} MB).",
            self._log_line(),
            *[f"  - {sid}" for sid in self.removed],
            *[
                f"Bảng «{table}»: {len(sids)} bản được giữ không còn mở được (nhật ký Delta của chúng đã bị xóa "
                f"trước đây); chưa xóa tệp hay nhật ký nào của bảng này: {', '.join(sids)}."
                for table, sids in self.unreadable.items()
            ],
        ]

    def _log_line(self) -> str:
        if self.dry_run:
            return "Nhật ký Delta: khi chạy thật, dọn phần trước bản cũ nhất còn giữ và cũ hơn 30 ngày."
        n, size = (sum(x) for x in zip((0, 0), *self.log.values()))
        return f"Đã dọn {n} tệp nhật ký Delta trước bản cũ nhất còn giữ ({_mb(size)} MB)."


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f}".replace(".", ",")


def _created(m: dict) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(str(m.get("created_at")))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def approved_on(data: snapshots.DataDir, live: str | None) -> set[str]:
    """The snapshots the live snapshot's approve events were made on (empty before the table existed)."""
    if live is None:
        return set()
    ev = snapshots.read_table(snapshots.snapshot_dir(data, live), "cycle_events", columns=["action", "base_snapshot"])
    return {b for a, b in zip(ev["action"].to_pylist(), ev["base_snapshot"].to_pylist()) if a == "approve" and b}


def keep(data: snapshots.DataDir, now: dt.datetime | None = None) -> tuple[list[dict], list[dict]]:
    """(kept manifests, removable manifests) by the policy of the module docstring."""
    now = now or dt.datetime.now(dt.UTC)
    days = int(settings.get("VLBOARD_KEEP_DAYS") or "30")
    live = snapshots.current_id(data)
    named = set()
    for e in snapshots.events(data):
        if e.get("action") == "rollback":
            named |= {e.get("snapshot"), e.get("from")}
    named |= approved_on(data, live)
    kept: list[dict] = []
    gone: list[dict] = []
    for m in snapshots.list_snapshots(data):
        born = _created(m)
        young = born is None or now - born < dt.timedelta(days=days)
        (kept if m["id"] == live or young or m["id"] in named or m.get("keep") else gone).append(m)
    return kept, gone


def _version(m: dict, table: str) -> int | None:
    entry = m["tables"].get(table, {})
    return int(entry["delta_version"]) if "delta_version" in entry else None


def _versions(manifests: list[dict], table: str) -> list[int]:
    return sorted({v for v in (_version(m, table) for m in manifests) if v is not None})


def vacuum(data: snapshots.DataDir, *, dry_run: bool = True, now: dt.datetime | None = None) -> Vacuum:
    with snapshots.write_lock(data):
        kept, gone = keep(data, now)
        out = Vacuum([m["id"] for m in kept], [m["id"] for m in gone], dry_run=dry_run)
        for m in gone:
            folder = snapshots.snapshot_dir(data, m["id"])
            if dry_run:
                continue
            trash = data.snapshots / f".tmp-vacuum-{m['id']}"
            os.rename(folder, trash)
            shutil.rmtree(trash, ignore_errors=True)
        if not tables.enabled(data):
            return out
        for table in tables.GROWING:
            if tables.latest(data, table) is None:
                continue
            base = tables.path(data, table)
            versions = _versions(kept, table)
            lost = _unopened(base, versions)
            if lost:  # Delta's vacuum cannot keep what it cannot open: nothing of this table is removed
                out.unreadable[table] = sorted(m["id"] for m in kept if _version(m, table) in lost)
                continue
            files = DeltaTable(str(base)).vacuum(
                retention_hours=0, dry_run=True, enforce_retention_duration=False, keep_versions=versions
            )
            out.files[table] = files
            out.bytes_freed += sum((base / f).stat().st_size for f in files if (base / f).exists())
            if not dry_run and files:
                DeltaTable(str(base)).vacuum(
                    retention_hours=0,
                    dry_run=False,
                    enforce_retention_duration=False,
                    keep_versions=versions,
                    post_commithook_properties=tables.HOOKS,
                )
            if not dry_run:
                out.log[table] = _clean_log(base, versions[0] if versions else None)
        return out


def _log_files(base: Path) -> dict[str, int]:
    log = base / "_delta_log"
    return {e.name: e.stat().st_size for e in os.scandir(log) if e.is_file()}


def _unopened(base: Path, kept: list[int]) -> set[int]:
    """The kept versions (ascending) the table cannot open: those whose log delta-rs's earlier
    default removed (vlboard.store.tables.HOOKS). Only a prefix of the log goes, so the oldest are
    tried until one opens."""
    lost: set[int] = set()
    for version in kept:
        try:
            DeltaTable(str(base), version=version)
        except DeltaError:  # TableNotFoundError among them
            lost.add(version)
            continue
        break
    return lost


def _clean_log(base: Path, oldest: int | None) -> tuple[int, int]:
    """Delta's own log clean-up (``cleanup_metadata``) on the table opened at ``oldest``, the oldest
    version a kept snapshot reads: it removes the log entries and checkpoints before the newest
    checkpoint at or below that version, and only those older than the table's
    ``delta.logRetentionDuration`` (30 days unless set). Every kept version stays readable from that
    checkpoint on. A log opened at each commit stays short (delta-rs writes a checkpoint every 100
    commits). Returns the (files, bytes) removed."""
    before = _log_files(base)
    (DeltaTable(str(base)) if oldest is None else DeltaTable(str(base), version=oldest)).cleanup_metadata()
    after = _log_files(base)
    gone = [name for name in before if name not in after]
    return len(gone), sum(before[name] for name in gone)
