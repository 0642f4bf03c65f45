"""What differs between two versions of the growing tables, for what is carried from one to the other.

``between`` tells where two snapshots' versions of the results and of the reporting-cycle events
differ: the rows of the data files one version holds and the other does not, compared with
``except all`` over the columns that matter (sql/touched_units.sql, sql/touched_subjects.sql), so a
file rewritten with the same rows (a merge's neighbours, a compaction) touches nobody. Its
``Difference`` names, for each period's status rows, the units and agencies whose rows can differ
(``Difference.of``): a period's rows read the results of its year and the year before up to its
end (sql/macros/20_scorecard.sql), so an import of December 2026 leaves every earlier period's rows
as they were. Used by vlboard.store.status_kept, for each period it carries: the answer for the
same files is kept per process (``_KNOWN``), Delta data files never change.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from vlboard.domain import periods
from vlboard.store import db, queries, schema, tables

# the results columns the status rows read: a row whose other columns change touches nobody
READS = (
    "year",
    "indicator_code",
    "unit_code",
    "agency_code",
    "period",
    "period_end",
    "value",
    "value_text",
    "numerator",
    "denominator",
    "as_of",
    "source",
    "result_id",
    "precedence",
)


@dataclass(frozen=True)
class Change:
    """Results rows one version has and the other not, of one unit × agency × year × period end."""

    unit: str | None
    agency: str | None
    year: int | None
    end: dt.date | None
    real: bool  # some of them count when demo values are left out (source is not 'demo')
    balanced: bool  # each of their subjects has rows on both sides: none appears or goes
    balanced_real: bool  # the same, counting the rows that are not demo values only

    def counts_for(self, year: int, end: dt.date, demo: bool, approved: bool) -> bool:
        """Whether the rows can change the status rows of that period (sql/macros/20_scorecard.sql:
        the newest value of ``year`` up to ``end``; the year before only tells which subjects
        exist, which values replaced on both sides do not change unless the reporting cycle filters
        them)."""
        if self.year is None or self.end is None:
            return demo or self.real  # not a dated row: counted, never missed
        if self.end > end or not (demo or self.real):
            return False
        balanced = self.balanced if demo else self.balanced_real
        return self.year == year or (self.year == year - 1 and (approved or not balanced))


@dataclass(frozen=True)
class Difference:
    """Where two versions differ: results rows by ``Change``, cycle events by subject and period."""

    changes: tuple[Change, ...]
    events: tuple[tuple[str, str, str], ...]  # (subject_type, subject_code, period)
    # per indicator, the earliest period end of the real values added or removed (a path's baseline
    # is its earliest real value: vlboard.store.status_segments)
    firsts: tuple[tuple[str, dt.date], ...] = ()

    def of(self, key: tuple) -> tuple[list[str], list[str], bool]:
        """(units, agencies, anything) of the period ``key`` (year, period end, demo, approved only):
        the units and agencies whose status rows can differ, and whether any row can (also a row
        with neither, a figure for the whole province)."""
        year, end, demo, approved = int(key[0]), dt.date.fromisoformat(str(key[1])), bool(key[2]), bool(key[3])
        units: set[str] = set()
        agencies: set[str] = set()
        anything = False
        for c in self.changes:
            if c.counts_for(year, end, demo, approved):
                anything = True
                if c.unit is not None:
                    units.add(c.unit)
                if c.agency is not None:
                    agencies.add(c.agency)
        for kind, code, period in self.events:
            if _ends_by(period, end):  # the approval of that period's values
                anything = True
                (agencies if kind == "agency" else units).add(code)
        return sorted(units), sorted(agencies), anything


def _ends_by(period: str, end: dt.date) -> bool:
    try:
        return periods.parse_period(period).end <= end
    except ValueError:
        return True  # not a period code: counted, never missed


_KNOWN: dict[tuple, Difference] = {}  # the files compared → their difference
_KNOWN_MAX = 64
_KNOWN_LOCK = threading.Lock()


def _versions(m: dict, table: str) -> int | None:
    info = m.get("tables", {}).get(table) or {}
    return int(info["delta_version"]) if "delta_version" in info else None


def changed_files(data, table: str, before: int, after: int) -> tuple[list[str], list[str], int]:
    """The files one version holds and the other not (removed, added; absolute paths) and their bytes."""
    old = {a["path"]: a for a in tables._actions(data, table, before)}
    new = {a["path"]: a for a in tables._actions(data, table, after)}
    base = tables.path(data, table)
    removed = [str(base / p) for p in sorted(set(old) - set(new))]
    added = [str(base / p) for p in sorted(set(new) - set(old))]
    size = sum(int(old[p].get("size_bytes") or 0) for p in set(old) - set(new))
    size += sum(int(new[p].get("size_bytes") or 0) for p in set(new) - set(old))
    return removed, added, size


def rows_of(con: duckdb.DuckDBPyConnection, table: str, files: list[str], columns) -> duckdb.DuckDBPyRelation:
    """``columns`` of the rows of ``files`` in the schema's types (none: an empty relation)."""
    full = schema.arrow_schema(table)
    want = pa.schema([full.field(c) for c in columns])
    if not files:
        return con.from_arrow(want.empty_table())
    rel = con.read_parquet(files, hive_partitioning=bool(tables.PARTITIONS[table]), union_by_name=True)
    return rel.select(
        *[duckdb.ColumnExpression(f.name).cast(duckdb.sqltype(db._DUCK_TYPES[f.type])).alias(f.name) for f in want]
    )


def between(con: duckdb.DuckDBPyConnection, data, before: dict, after: dict, max_bytes: int) -> Difference | None:
    """Where two versions differ; None when that cannot be told cheaply (no Delta versions, too
    many bytes to compare, a file gone)."""
    plan = {}
    total = 0
    for table in ("results", "cycle_events"):
        a, b = _versions(before, table), _versions(after, table)
        if a is None or b is None:
            return None
        removed, added, size = changed_files(data, table, a, b)
        total += size
        plan[table] = (removed, added)
        if not all(os.path.exists(f) for f in removed + added):
            return None  # vacuumed
    if total > max_bytes:
        return None
    key = tuple((t, tuple(removed), tuple(added)) for t, (removed, added) in sorted(plan.items()))
    if key in _KNOWN:  # the same difference for another period: data files never change
        return _KNOWN[key]
    found = _compare(con, plan)
    with _KNOWN_LOCK:
        if len(_KNOWN) >= _KNOWN_MAX:
            _KNOWN.pop(next(iter(_KNOWN)))
        _KNOWN[key] = found
    return found


def _compare(con: duckdb.DuckDBPyConnection, plan: dict) -> Difference:
    cur = con.cursor()
    try:
        removed, added = plan["results"]
        rows_of(cur, "results", removed, READS).create_view("removed_rows", replace=True)
        rows_of(cur, "results", added, READS).create_view("added_rows", replace=True)
        changes = tuple(Change(*row) for row in cur.sql(queries.load("touched_units").text).fetchall())
        firsts = tuple((code, end) for code, end in cur.sql(queries.load("touched_firsts").text).fetchall())
        columns = schema.arrow_schema("cycle_events").names
        removed, added = plan["cycle_events"]
        rows_of(cur, "cycle_events", removed, columns).create_view("removed_events", replace=True)
        rows_of(cur, "cycle_events", added, columns).create_view("added_events", replace=True)
        events = tuple(
            (kind, code, period) for kind, code, period in cur.sql(queries.load("touched_subjects").text).fetchall()
        )
    finally:
        cur.close()
    return Difference(changes, events, firsts)
