"""The results of a snapshot counted per group, kept per snapshot and carried to the next version.

A few queries read every result to answer with a few rows: the periods with data and what can be
judged in them (``latest_period``, ``periods_available``), the counts per plan
(``indicator_counts``), the date of the data (``data_date``). At 100 M results they took 7.3 s of
a page process's cold start, again on every new version. They read ``results_summary`` instead
(``-- needs: results_summary``): the results counted per period, year, indicator, source, value or
not, stored status and as_of date (sql/results_summary.sql; 26,598 rows at 100 M results), made
once per connection by ``prepare``:

- **Kept**: the process that makes it writes it under ``data/.status/<snapshot id>/summary.parquet``
  (beside the status rows kept there: vlboard.store.status_kept, pruned with them) with
  ``summary.json`` written last (its sha256, rows, the fingerprint of the SQL that makes it); any
  process opening the snapshot later reads it after checking.
- **Carried**: a version without one is derived from the nearest earlier version that has one (up
  to ``status_kept.MAX_DEPTH`` back): its counts, plus the rows of the results data files the new
  version holds and the earlier one not, minus those of the files it no longer holds
  (sql/results_summary_carried.sql; vlboard.store.touched lists the files). Every count is a
  function of the results rows alone, so this is exact; an import adds a few MB to read, not 2.3 GB.
- **Doubt computes**: no Delta versions, more than ``status_kept.MAX_DIFF_BYTES`` to read, a
  vacuumed file, a damaged or foreign file, a negative count. A cache: never served unchecked,
  losing it costs time only.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
import weakref
from pathlib import Path

import duckdb

from vlboard.store import db, kept_file, queries, schema, status_kept, tables, touched
from vlboard.store.datadir import SnapshotError

FILE = "summary.parquet"
TABLE = "results_summary"
# fixed statements (no SQL is composed here)
_DROP = "drop table if exists results_summary"
_FROM_FILE = "create or replace table results_summary as select * from read_parquet($f)"
_CHECK = "select count(*) filter (where n <= 0) from results_summary"

_READY: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()
_LOCK = threading.Lock()


@functools.cache
def fingerprint() -> str:
    """The SQL that makes the summary (any change makes kept summaries foreign)."""
    h = hashlib.sha256()
    for name in ("results_summary", "results_summary_carried"):
        h.update(queries.load(name).text.encode())
    return h.hexdigest()[:20]


def _where(snapshot: Path) -> Path:
    return snapshot.parent.parent / status_kept.FOLDER / snapshot.name / FILE


def prepare(con: duckdb.DuckDBPyConnection) -> str:
    """Make ``results_summary`` in the connection once: ``"kept"`` (read back), ``"carried"``
    (from an earlier version's) or ``"computed"`` (from every result; kept for other processes)."""
    if con in _READY:
        return "ready"
    with _LOCK:
        if con in _READY:
            return "ready"
        snapshot = db.snapshot_of(con)
        how = _restore(con, snapshot) if snapshot is not None else None
        if how is None:
            _make(con, "results_summary")
            how = "computed"
        if snapshot is not None and how != "kept":
            _keep(con, snapshot)
        _READY.add(con)
        return how


def _make(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """``results_summary`` as the named query's rows."""
    con.execute(_DROP)
    con.sql(queries.load(query).text).create(TABLE)


def forget(con: duckdb.DuckDBPyConnection) -> None:
    """The next ``prepare`` makes the summary again (benchmarks, tests)."""
    with _LOCK:
        _READY.discard(con)


def _read(con: duckdb.DuckDBPyConnection, file: Path) -> bool:
    """The kept summary ``file`` into the connection, when it checks out."""
    sums = kept_file.sums(file, fingerprint())
    if sums is None:
        return False
    kept_file.checked(file, sums)
    con.execute(_FROM_FILE, {"f": str(file)})
    return True


def _restore(con: duckdb.DuckDBPyConnection, snapshot: Path) -> str | None:
    own = _where(snapshot)
    return kept_file.restore(own, lambda: _read(con, own), lambda: _carry(con, snapshot), f"summary of {snapshot.name}")


def _carry(con: duckdb.DuckDBPyConnection, snapshot: Path) -> bool:
    manifest = db._manifest(snapshot)
    after = touched._versions(manifest, "results") if manifest else None
    if after is None:
        return False
    for path, m in status_kept._earlier(snapshot, manifest):
        file = _where(path)
        sums = kept_file.sums(file, fingerprint())
        before = touched._versions(m, "results")
        if sums is None or before is None:
            continue
        data = tables.data_of(snapshot)
        removed, added, size = touched.changed_files(data, "results", before, after)
        if size > status_kept.MAX_DIFF_BYTES or not all(os.path.exists(f) for f in removed + added):
            return False
        kept_file.checked(file, sums)
        columns = [f.name for f in schema.arrow_schema("results")]
        cur = con.cursor()
        try:
            cur.read_parquet(str(file)).create_view("summary_earlier", replace=True)
            touched.rows_of(cur, "results", removed, columns).create_view("removed_rows", replace=True)
            touched.rows_of(cur, "results", added, columns).create_view("added_rows", replace=True)
            _make(cur, "results_summary_carried")
            ((negative,),) = cur.execute(_CHECK).fetchall()
        finally:
            cur.close()
        if negative:  # rows removed that the earlier summary did not count: not the same lineage
            raise SnapshotError(f"{negative} nhóm có số dòng âm")
        return True
    return False


def _keep(con: duckdb.DuckDBPyConnection, snapshot: Path) -> None:
    """Write the connection's summary for ``snapshot`` (best effort: a read-only or full disk is
    logged, the page goes on)."""
    if not status_kept.is_version(snapshot):
        return
    file = _where(snapshot)
    if kept_file.write(con, TABLE, file, fingerprint()):
        status_kept._prune(file.parent.parent)
