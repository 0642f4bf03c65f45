"""The status rows of kept periods read from their files instead of copied into memory.

A period's status rows took ~400 MB of a page process's memory at 100 M results, and the pages ask
for up to six periods: the page process reached 2.5–3.4 GB (BENCHMARKS.md). Once a period is kept
for the snapshot (vlboard.store.status_kept), the connection reads it from those files: the views
``status_rows_store_files``, ``status_rows_meta_files`` and ``status_indicators_store_files``
(sql/macros/25_status_cache.sql, 30_indicators.sql), which the status queries read beside the
tables, are replaced with ``read_parquet`` of the files served. The tables then hold only the rows
being computed, and those of a period that could not be kept.

The files are hard links made for each connection under ``data/.status/.served/<pid>-…/``: pruning
an older snapshot's folder (``status_kept._prune``, by another process) never takes a file from
under a query. A connection's links go with it, the process's folder at exit, or with the next
process that finds its process gone. When links
cannot be made (another file system, a read-only disk), the rows are read into memory as before.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import threading
import uuid
import weakref
from pathlib import Path

import duckdb

from vlboard.store import db, status_parts

log = logging.getLogger(__name__)

SERVED = ".served"
VIEW_OF = {  # each kind of kept file (status_kept) → the view the status queries read it through
    "store": "status_rows_store_files",  # the parts store-*.parquet (vlboard.store.status_parts)
    "meta": "status_rows_meta_files",
    "indicators": "status_indicators_store_files",
}


def _kind(name: str) -> str:
    return "store" if status_parts.is_store(name) else name.removesuffix(".parquet")


# fixed statements (no SQL is composed here)
_NO_FILES = (
    "create or replace view status_rows_store_files as from status_rows_store limit 0",
    "create or replace view status_rows_meta_files as from status_rows_meta limit 0",
    "create or replace view status_indicators_store_files as from status_indicators_store limit 0",
)

_SERVED: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, dict[tuple, Path]] = weakref.WeakKeyDictionary()
_HELD: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, set[tuple]] = weakref.WeakKeyDictionary()
_DIR: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, Path] = weakref.WeakKeyDictionary()
_OWN: dict[Path, Path] = {}
_OWN_LOCK = threading.Lock()


def held(con: duckdb.DuckDBPyConnection) -> set[tuple]:
    """The periods whose rows are in the connection's tables (computed, carried, or not served)."""
    return _HELD.setdefault(con, set())


def forget(con: duckdb.DuckDBPyConnection) -> None:
    """Nothing served any more (db.forget_status empties the tables beside)."""
    _SERVED.pop(con, None)
    _HELD.pop(con, None)
    for statement in _NO_FILES:
        con.execute(statement)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        pass
    return True


def _own(root: Path) -> Path:
    """This process's folder of links under ``root`` (data/.status); the folders of processes that
    are gone are removed the first time."""
    with _OWN_LOCK:
        if root not in _OWN:
            served = root / SERVED
            served.mkdir(parents=True, exist_ok=True)
            for other in served.iterdir():
                pid = other.name.split("-")[0]
                if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                    shutil.rmtree(other, ignore_errors=True)
            own = served / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
            own.mkdir()
            atexit.register(shutil.rmtree, own, True)
            _OWN[root] = own
        return _OWN[root]


def _link(con: duckdb.DuckDBPyConnection, where: Path) -> Path:
    """Hard links to the period's files (``where``: data/.status/<snapshot>/<key>) in the
    connection's folder, which goes with the connection."""
    mine = _DIR.get(con)
    if mine is None:
        mine = _own(where.parent.parent) / uuid.uuid4().hex[:12]
        mine.mkdir()
        weakref.finalize(con, shutil.rmtree, mine, True)
        _DIR[con] = mine
    dest = mine / f"{where.parent.name}.{where.name}"
    if not dest.is_dir():
        tmp = mine / f".{dest.name}.{uuid.uuid4().hex}"
        tmp.mkdir()
        for file in where.iterdir():
            if file.suffix == ".parquet" and _kind(file.name) in VIEW_OF:
                os.link(file, tmp / file.name)
        os.rename(tmp, dest)
    return dest


def serve(con: duckdb.DuckDBPyConnection, key: tuple, where: Path, *, empty: bool = False) -> bool:
    """Read the period ``key`` from the checked files in ``where``; with ``empty``, the tables are
    emptied in the same transaction (their rows are those files'), so no query sees a period twice
    or not at all. False (nothing changed) when the files cannot be served: keep them in memory."""
    try:
        dest = _link(con, where)
    except OSError as exc:
        log.warning("status rows of %s not served from files: %s", where.name, exc)
        return False
    served = {**_SERVED.get(con, {}), key: dest}

    def switch(cur: duckdb.DuckDBPyConnection) -> None:
        files = sorted(str(f) for folder in served.values() for f in folder.iterdir() if f.suffix == ".parquet")
        for kind, view in VIEW_OF.items():
            cur.read_parquet([f for f in files if _kind(Path(f).name) == kind]).create_view(view, replace=True)
        if empty:
            for statement in db._EMPTY_CACHE:  # the tables made again, empty (as db.forget_status)
                cur.execute(statement)

    try:
        db.in_transaction(con, switch)
    except duckdb.Error as exc:
        log.warning("status rows of %s not served from files: %s", where.name, exc)
        return False
    _SERVED[con] = served
    return True


def move(con: duckdb.DuckDBPyConnection, key: tuple, where: Path) -> None:
    """The period ``key``, just kept in ``where``, is read from there and leaves the tables, when it
    is the only one they hold (another one that could not be kept stays, and this one with it)."""
    mine = held(con)
    if mine == {key} and serve(con, key, where, empty=True):
        mine.clear()


def served(con: duckdb.DuckDBPyConnection) -> dict[tuple, Path]:
    """The periods read from files, and their folders (tests)."""
    return dict(_SERVED.get(con, {}))
