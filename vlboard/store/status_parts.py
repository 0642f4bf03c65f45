"""A kept period's status rows cut into parts by range of units, so that a carry links the parts
it did not touch instead of writing them again.

Writing a carried period's 2.78 M status rows took ~0.7 s of its ~2.3 s at 100 M results
(BENCHMARKS.md «Kept parts»), though a carry changes the rows of the units one import touched.
``store-NN.parquet`` holds the rows of the units from one bound (included) to the next (excluded;
the bounds cut the units table's codes into ``PARTS`` equal runs, and every code, listed or not,
falls in exactly one part), ``store-nulls.parquet`` the rows without a unit. A carried period
whose earlier folder has the same bounds, and where judging again moved no row, takes each part
holding no touched unit as a hard link to the earlier file (with its recorded sha256 and rows: the
earlier folder was checked before it was carried from); the others are written. A hard link shares
the bytes, never a later change: kept files are never written in place, and pruning the earlier
folder leaves the link whole.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from vlboard.store import db, verified

PARTS = 16
NULLS = "store-nulls.parquet"
_PART = (  # fixed statements (no SQL is composed here)
    "select * from status_rows_store where k_year = $y and k_end = $e and k_demo = $d and k_approved = $a "
    "and unit_code is not null and ($lo is null or unit_code >= $lo) and ($hi is null or unit_code < $hi)"
)
_NULLS = (
    "select * from status_rows_store where k_year = $y and k_end = $e and k_demo = $d and k_approved = $a "
    "and unit_code is null"
)


@dataclass(frozen=True)
class Carried:
    """What a carry took from an earlier folder: its place and sums, the units computed again, and
    whether judging again moved any earlier row (then every part is written)."""

    where: Path
    sums: dict
    units: tuple[str, ...]
    rejudged: bool


def names(cuts: list[str]) -> list[str]:
    """The files of the store rows for these bounds: one per range of units, then the rows without one."""
    return [*(f"store-{i:02d}.parquet" for i in range(len(cuts) + 1)), NULLS]


def is_store(name: str) -> bool:
    return name.startswith("store-") and name.endswith(".parquet")


def _ranges(cuts: list[str]) -> list[tuple[str | None, str | None]]:
    lows: list[str | None] = [None, *cuts]
    highs: list[str | None] = [*cuts, None]
    return list(zip(lows, highs, strict=True))


def _holds(lo: str | None, hi: str | None, units: tuple[str, ...]) -> bool:
    return any((lo is None or u >= lo) and (hi is None or u < hi) for u in units)


def write(cur: duckdb.DuckDBPyConnection, tmp: Path, params: dict, carried: Carried | None) -> tuple[list[str], dict]:
    """The period's store rows (``params``: y, e, d, a) into ``tmp`` as parts; returns the bounds
    and each file's sha256 and rows. Parts a carry did not touch are linked from its earlier folder."""
    cuts = db.unit_bounds(cur, PARTS)
    earlier = carried.sums if carried is not None and not carried.rejudged else None
    same = earlier is not None and earlier.get("bounds") == cuts
    files: dict[str, dict] = {}
    for name, (lo, hi) in zip(names(cuts), [*_ranges(cuts), (None, None)], strict=True):
        entry = (earlier or {}).get("files", {}).get(name) if same else None
        if entry is not None and carried is not None and name != NULLS and not _holds(lo, hi, carried.units):
            try:
                os.link(carried.where / name, tmp / name)  # tmp is new: never a link written over
                files[name] = dict(entry)
                continue
            except OSError:
                pass  # another file system: written
        part = {**params, "lo": lo, "hi": hi}
        rel = cur.sql(_NULLS, params=params) if name == NULLS else cur.sql(_PART, params=part)
        rel.write_parquet(str(tmp / name), compression="zstd")
        files[name] = {"sha256": verified.sha256(tmp / name), "rows": pq.read_metadata(tmp / name).num_rows}
    return cuts, files
