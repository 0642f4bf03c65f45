"""Each indicator's path segments, kept per snapshot and carried to the next version.

An indicator's path (sql/macros/12_path.sql) starts at its baseline, its earliest real value before
its first dated target: finding it scans every result (~0.7 s at 100 M results). It is made once
per connection (``db.keep_segments``), so once by every page process on every new version, and
once more by the writer that prepares a version (vlboard.store.status_ahead).

- **Kept**: the segments (a few hundred rows) go to ``data/.status/<snapshot id>/segments.parquet``
  with ``segments.json`` written last (sha256, rows, the fingerprint of the macros); any later
  connection of the snapshot reads them back once checked. Pruned with the status rows.
- **Carried**: a version without them takes those of the nearest earlier version that has them
  (up to ``status_kept.MAX_DEPTH`` back) when the targets are the same and no real value the
  difference adds or removes can be a baseline: for every indicator, the earliest such value
  (``touched.Difference.firsts``) is on or after its first dated target, or after its baseline
  (``_moved``). A value at the baseline's date, or before it, computes.
- **Doubt computes**, as for the status rows: a damaged or foreign file, no Delta versions, too
  large a difference, other targets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from vlboard.store import db, kept_file, status_kept, tables, touched

FILE = "segments.parquet"
# fixed statements (no SQL is composed here)
_FIRST_TARGETS = "select indicator_code, min(point_date) from vl_dated_targets() group by indicator_code"
_CLEAR = "delete from status_path_segments"
_FROM_FILE = "insert into status_path_segments select * from read_parquet($f)"


def fill(con: duckdb.DuckDBPyConnection, compute: Callable[[], None]) -> str:
    """The connection's ``status_path_segments``: ``"kept"`` (read back), ``"carried"`` (an
    earlier version's) or ``"computed"`` (by ``compute``; then kept for other processes)."""
    snapshot = db.snapshot_of(con)
    how = _restore(con, snapshot) if snapshot is not None else None
    if how is None:
        compute()
        how = "computed"
    if snapshot is not None and how != "kept":
        _keep(con, snapshot)
    return how


def _where(snapshot: Path) -> Path:
    return snapshot.parent.parent / status_kept.FOLDER / snapshot.name / FILE


def _load(con: duckdb.DuckDBPyConnection, file: Path) -> bool:
    """The kept segments ``file`` into the connection, when it checks out."""
    sums = kept_file.sums(file, status_kept.fingerprint())
    if sums is None:
        return False
    kept_file.checked(file, sums)
    db.in_transaction(con, lambda cur: [cur.execute(_CLEAR), cur.execute(_FROM_FILE, {"f": str(file)})])
    return True


def _restore(con: duckdb.DuckDBPyConnection, snapshot: Path) -> str | None:
    own = _where(snapshot)
    what = f"path segments of {snapshot.name}"
    return kept_file.restore(own, lambda: _load(con, own), lambda: _carry(con, snapshot), what)


def _targets(m: dict) -> str | None:
    return ((m.get("tables") or {}).get("targets") or {}).get("content_sha256")


def _carry(con: duckdb.DuckDBPyConnection, snapshot: Path) -> bool:
    manifest = db._manifest(snapshot)
    if not manifest:
        return False
    for path, m in status_kept._earlier(snapshot, manifest):
        file = _where(path)
        if kept_file.sums(file, status_kept.fingerprint()) is None:
            continue
        if _targets(m) is None or _targets(m) != _targets(manifest):
            return False
        difference = touched.between(con, tables.data_of(snapshot), m, manifest, status_kept.MAX_DIFF_BYTES)
        if difference is None:
            return False
        firsts = dict(con.execute(_FIRST_TARGETS).fetchall())
        starts: dict[str, dt.date] = {}
        for code, start in zip(*pq.read_table(file, columns=["indicator_code", "seg_start"]).columns, strict=True):
            code, start = code.as_py(), start.as_py()
            if start is not None and (code not in starts or start < starts[code]):
                starts[code] = start
        if moved(dict(difference.firsts), firsts, starts):
            return False
        return _load(con, file)
    return False


def moved(changed: dict[str, dt.date], first_targets: dict[str, dt.date], starts: dict[str, dt.date]) -> list[str]:
    """The indicators whose path a change can move: ``changed``, the earliest real value the
    change adds or removes per indicator; ``first_targets``, each indicator's first dated target;
    ``starts``, the earlier path's first point (its baseline when before the first target)."""
    out = []
    for code, first in sorted(changed.items()):
        target = first_targets.get(code)
        if target is None or first >= target:
            continue  # no path, or not before the first target: never a baseline
        start = starts.get(code)
        if start is not None and start < target and first > start:
            continue  # after the baseline: the earliest real value stays
        out.append(code)
    return out


def _keep(con: duckdb.DuckDBPyConnection, snapshot: Path) -> None:
    """Write the connection's segments for ``snapshot`` (best effort)."""
    if not status_kept.is_version(snapshot):
        return
    file = _where(snapshot)
    if kept_file.write(con, "status_path_segments", file, status_kept.fingerprint()):
        status_kept._prune(file.parent.parent)
