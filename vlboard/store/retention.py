"""Retention: which snapshots (and which Delta files) ``python -m vlboard vacuum`` removes.

Kept: the live snapshot, every snapshot younger than ``VLBOARD_KEEP_DAYS`` days, every snapshot a
rollback went to or came from (data/history.jsonl), every snapshot an approval of the reporting
cycle was made on (the ``base_snapshot`` of each approve event of the live ``cycle_events``: the
reference of «n giá trị đã thay đổi từ khi duyệt», so a closed reporting period keeps the snapshot
of each of its approvals), and every snapshot whose manifest carries ``"keep": true`` (set by hand). The others' folders go, and then the Delta files
no kept snapshot's version reads (Delta ``vacuum`` with those versions kept). Runs under the write
lock; a folder is renamed to a hidden name before it is deleted, so a vacuum killed midway never
leaves a half-deleted snapshot that looks whole (the next writer removes the leftover).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field

from deltalake import DeltaTable

from vlboard import settings
from vlboard.store import snapshots, tables


@dataclass
class Vacuum:
    kept: list[str]
    removed: list[str]  # snapshot ids
    files: dict[str, list[str]] = field(default_factory=dict)  # Delta table → data files removed
    bytes_freed: int = 0
    dry_run: bool = True

    def lines(self) -> list[str]:
        verb = "Sẽ xóa" if self.dry_run else "Đã xóa"
        n_files = sum(len(v) for v in self.files.values())
        mb = f"{self.bytes_freed / 1e6:.1f}".replace(".", ",")
        return [
            f"Giữ {len(self.kept)} bản dữ liệu; {verb.lower()} {len(self.removed)} bản cũ.",
            f"{verb} {n_files} tệp dữ liệu không bản nào còn đọc ({mb} MB).",
            *[f"  - {sid}" for sid in self.removed],
        ]


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


def _versions(manifests: list[dict], table: str) -> list[int]:
    return sorted(
        {int(m["tables"][table]["delta_version"]) for m in manifests if "delta_version" in m["tables"].get(table, {})}
    )


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
            files = DeltaTable(str(base)).vacuum(
                retention_hours=0, dry_run=True, enforce_retention_duration=False, keep_versions=versions
            )
            out.files[table] = files
            out.bytes_freed += sum((base / f).stat().st_size for f in files if (base / f).exists())
            if not dry_run and files:
                DeltaTable(str(base)).vacuum(
                    retention_hours=0, dry_run=False, enforce_retention_duration=False, keep_versions=versions
                )
        return out
