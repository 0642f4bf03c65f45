"""``python -m vlboard migrate``: a data folder of snapshot format 2–4 onto format 5.

Under the write lock the live snapshot's tables are written again as a format-5 snapshot (the
growing tables become the first version of their Delta tables under data/tables/) and CURRENT
switches to it, one transaction of the history like a build. The older snapshots stay as they are,
readable, and a rollback to one of them still works (the next write then makes a whole new version
of the Delta tables). A migration that fails leaves the folder on its old format (data/tables/
removed when it made it)."""

from __future__ import annotations

import shutil

from vlboard.store import snapshots, tables

NOTE = "Chuyển sang định dạng 5 (bảng Delta Lake trong data/tables)"


def migrate(data: snapshots.DataDir, *, author: str = "migrate") -> str | None:
    """Convert; returns the new live id, or None when the folder is already on format 5."""
    with snapshots.write_lock(data):
        _, path, manifest = snapshots.current(data)
        if manifest.get("format") == snapshots.FORMAT_DELTA and tables.enabled(data):
            return None
        made = not tables.enabled(data)
        tables.root(data).mkdir(parents=True, exist_ok=True)
        try:
            return snapshots.write_snapshot(
                data,
                snapshots.read_tables(path),
                author=author,
                note=NOTE,
                extra={"action": "migrate", "migrated_from": manifest["id"]},
                event={"action": "migrate", "user": author, "summary": NOTE},
            )
        except BaseException:
            if made and snapshots.current(data)[2].get("format") != snapshots.FORMAT_DELTA:
                shutil.rmtree(tables.root(data), ignore_errors=True)
            raise
