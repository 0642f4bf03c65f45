"""One table kept per snapshot as a parquet file beside its sums (vlboard.store.summary, the results
counted per group; vlboard.store.status_segments, each indicator's path segments).

The file goes to ``data/.status/<snapshot id>/<name>.parquet``: written to a hidden temporary name,
synced and renamed, then ``<name>.json`` (sha256, rows, the fingerprint of the SQL that made it)
written and renamed last, so the file counts only once whole. A reader takes it only when the sums
are there, of its fingerprint, and the bytes match.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb

from vlboard.store import verified
from vlboard.store.datadir import SnapshotError

log = logging.getLogger(__name__)


def sums(file: Path, fingerprint: str) -> dict | None:
    """The file's sums when they are there and of ``fingerprint``; None otherwise."""
    try:
        found = json.loads(file.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and found.get("fingerprint") == fingerprint else None


def checked(file: Path, found: dict) -> None:
    """Raises SnapshotError when the file's bytes are not those its sums recorded."""
    if verified.sha256(file) != found.get("sha256"):
        raise SnapshotError(f"tệp «{file}» sai mã kiểm tra")


def drop(file: Path) -> None:
    """Remove the file and its sums (the sums first: the file no longer counts)."""
    for f in (file.with_suffix(".json"), file):
        with contextlib.suppress(OSError):
            f.unlink()


def restore(file: Path, read: Callable[[], bool], carry: Callable[[], bool], what: str) -> str | None:
    """``"kept"`` when ``read()`` takes the kept ``file``, else ``"carried"`` when ``carry()``
    derives the table from an earlier version's, else None (the caller computes). A kept file that
    fails is logged and removed; a carry that fails is logged. Never raises."""
    try:
        if read():
            return "kept"
    except (OSError, duckdb.Error, SnapshotError) as exc:
        log.warning("%s: kept file not used, removed: %s", what, exc)
        drop(file)
    try:
        return "carried" if carry() else None
    except Exception as exc:  # a cache: computed instead, the reason logged
        log.warning("%s: not carried: %s", what, exc, exc_info=True)
        return None


def write(con: duckdb.DuckDBPyConnection, table: str, file: Path, fingerprint: str) -> bool:
    """Keep the connection's ``table`` as ``file`` for other processes; True when written. Best
    effort: a read-only or full disk is logged, the caller goes on."""
    tmp = file.with_name(f".{file.stem}.{uuid.uuid4().hex}.tmp")
    side = file.with_name(f".{file.stem}.{uuid.uuid4().hex}.json.tmp")
    cur = con.cursor()
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        rel = cur.table(table)
        rel.write_parquet(str(tmp), compression="zstd")
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        ((rows,),) = rel.count("*").fetchall()
        found = {"fingerprint": fingerprint, "sha256": verified.sha256(tmp), "rows": rows}
        os.rename(tmp, file)
        side.write_text(json.dumps(found), encoding="utf-8")
        os.rename(side, file.with_suffix(".json"))  # last: the file counts from here on
        return True
    except (OSError, duckdb.Error) as exc:
        log.warning("%s not kept: %s", file, exc)
        for f in (tmp, side):
            with contextlib.suppress(OSError):
                f.unlink()
        return False
    finally:
        cur.close()
