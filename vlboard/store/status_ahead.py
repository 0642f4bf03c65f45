"""A writer prepares the status rows of its new version ahead of the readers.

Every page reads the status rows of the periods it shows (``db.prepare_status``). A version a
writer just made has none kept yet: the first page process to open it carries each period from an
earlier version (vlboard.store.status_kept), ~2 s a period at 100 M results, and the wall shows six.
That was the first visit of every reader after an import (BENCHMARKS.md «Goals»).

After its commit, with the write lock released, a command-line writer (``import``, ``cycle``)
prepares the periods readers asked of the version it replaced (those kept for the parent, newest
period first, at most ``MAX_KEYS``) for the new version, and the result summary with them: readers
find them kept. It stops as soon as CURRENT names another version (that version's writer prepares
its own). A cache of what the version determines: a failure is reported and costs readers the time
only, never the write.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from vlboard.store import db, snapshots, status_kept, summary

MAX_KEYS = 8  # the wall shows six periods; the indicator page and the overview the newest ones
BUDGET_SECONDS = 60.0  # no further period is begun after this (a bulk change the readers compute whole)


def key_of(name: str) -> tuple | None:
    """The key (year, period end, demo, approved only) of a kept folder's name, or None."""
    parts = name.split("_")
    if len(parts) != 4 or parts[2] not in ("demo", "real") or parts[3] not in ("approved", "all"):
        return None
    try:
        key = (int(parts[0]), dt.date.fromisoformat(parts[1]), parts[2] == "demo", parts[3] == "approved")
    except ValueError:
        return None
    return key if status_kept._name((key[0], key[1].isoformat(), key[2], key[3])) == name else None


def kept_keys(snapshot: Path) -> list[tuple]:
    """The periods kept for ``snapshot`` (a folder of data/snapshots), newest period first."""
    where = snapshot.parent.parent / status_kept.FOLDER / snapshot.name
    try:
        names = [p.name for p in where.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return []
    keys = [k for k in map(key_of, names) if k is not None]
    return sorted(keys, key=lambda k: (k[1], k[0], k[2], k[3]), reverse=True)


@dataclass
class Ahead:
    """What :func:`prepare` did: the periods prepared and the seconds it took."""

    prepared: list[tuple] = field(default_factory=list)
    seconds: float = 0.0
    stopped: bool = False  # CURRENT moved to another version before every period was prepared


def prepare(data: snapshots.DataDir, sid: str, *, max_keys: int = MAX_KEYS, budget_s: float = BUDGET_SECONDS) -> Ahead:
    """Prepare for snapshot ``sid`` the periods kept for its parent, and the result summary; no
    period after the first is begun once ``budget_s`` seconds have passed. Raises what opening or computing raises
    (the caller reports it; the version is already live)."""
    t0 = time.perf_counter()
    out = Ahead()
    path = snapshots.snapshot_dir(data, sid)
    parent = db._manifest(path).get("parent")
    keys = kept_keys(snapshots.snapshot_dir(data, parent))[:max_keys] if parent else []
    if not keys or snapshots.current_id(data) != sid:
        out.stopped = bool(keys)
        return out
    con = db.open_snapshot(path)
    try:
        summary.prepare(con)
        for key in keys:
            late = bool(out.prepared) and time.perf_counter() - t0 > budget_s  # the newest always
            if late or snapshots.current_id(data) != sid:  # a newer version: its writer prepares it
                out.stopped = True
                break
            db.prepare_status(con, *key)
            out.prepared.append(key)
    finally:
        con.close()
    out.seconds = time.perf_counter() - t0
    return out
