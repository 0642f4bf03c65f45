"""A period no change reaches: its kept rows are the earlier version's files, linked, not computed.

A carried period computes the rows of the units a change touched (vlboard.store.status_kept). But a
period's status rows read only the results of its year and the year before, up to its end
(sql/macros/20_scorecard.sql): an import of December 2026 cannot move the rows of September 2026
or of 2025. When nothing of the difference reaches the period (``touched.Difference.of``), its rows
differ from the earlier version's only if a target or a path moved: the per-indicator rows
(status_rows_meta: the applicable target, its path, the band) are computed (~0.1 s at 100 M
results, over the path segments the connection keeps) and compared with the earlier ones. Equal:
the new folder is the earlier one's files as hard links (bytes shared, never changed in place: kept
files are never written again) and its sums, made in a hidden folder renamed into place; the
period is then read as kept. Not equal, or links not possible (another file system): the caller
carries the period the usual way.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import uuid
from pathlib import Path

import duckdb

from vlboard.store import db

log = logging.getLogger(__name__)

_EARLIER = "status_earlier_meta"
# fixed statements (no SQL is composed here): the per-indicator rows on one side only
_MOVED = (
    "select count(*) from ("
    "(select * exclude (k_year, k_end, k_demo, k_approved) from status_rows_meta"
    " where k_year = $y and k_end = $e and k_demo = $d and k_approved = $a"
    " except all select * exclude (k_year, k_end, k_demo, k_approved) from status_earlier_meta)"
    " union all "
    "(select * exclude (k_year, k_end, k_demo, k_approved) from status_earlier_meta"
    " except all select * exclude (k_year, k_end, k_demo, k_approved) from status_rows_meta"
    " where k_year = $y and k_end = $e and k_demo = $d and k_approved = $a))"
)
_DROP = "delete from status_rows_meta where k_year = $y and k_end = $e and k_demo = $d and k_approved = $a"


def targets_unchanged(con: duckdb.DuckDBPyConnection, params: dict, earlier_meta: Path) -> bool:
    """Whether the period's per-indicator rows for the connection's snapshot equal ``earlier_meta``
    (``params``: y, e, d, a). Leaves no row of the period in the cache."""
    db.keep_segments(con)
    a = "true" if params["a"] else "false"
    same: list[bool] = []

    def compare(cur: duckdb.DuckDBPyConnection) -> None:
        db.fill_meta(cur, a, {k: params[k] for k in "yed"})
        cur.read_parquet(str(earlier_meta)).create_view(_EARLIER, replace=True)
        moved = cur.execute(_MOVED, params).fetchone()
        same.append(moved is not None and moved[0] == 0)
        cur.execute(_DROP, params)

    db.in_transaction(con, compare)
    return same[0]


def link(earlier: Path, target: Path, names: list[str]) -> bool:
    """``target`` made of hard links to ``names`` in ``earlier`` (a checked folder); True when it is
    in place (also when another process put it there first)."""
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    try:
        tmp.mkdir(parents=True)
        for name in names:
            os.link(earlier / name, tmp / name)  # tmp is new: never a link written over
        with contextlib.suppress(OSError):
            os.rename(tmp, target)  # a folder there already: another process kept the period
        return target.is_dir()
    except OSError as exc:
        log.info("status rows of %s not linked from %s: %s", target.name, earlier, exc)
        return False
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
