"""What differs between two versions of the growing tables, for what is carried from one to the other.

``between`` names the units and agencies whose rows differ between two snapshots' versions of the
results and of the reporting-cycle events: the rows of the data files one version holds and the
other does not, compared with ``except all`` over the columns that matter (sql/touched_units.sql,
sql/touched_subjects.sql), so a file rewritten with the same rows (a merge's neighbours, a
compaction) touches nobody. Used by vlboard.store.status_kept, for each period it carries: the
answer for the same files is kept per process (``_KNOWN``), Delta data files never change.
"""

from __future__ import annotations

import os
import threading

import duckdb
import pyarrow as pa

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


_KNOWN: dict[tuple, tuple[list[str], list[str]]] = {}  # the files compared → (units, agencies)
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


def between(
    con: duckdb.DuckDBPyConnection, data, before: dict, after: dict, max_bytes: int
) -> tuple[list[str], list[str]] | None:
    """(units, agencies) whose status rows can differ between two versions; None when that cannot
    be told cheaply (no Delta versions, too many bytes to compare, a file gone)."""
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
        units_, agencies_ = _KNOWN[key]
        return list(units_), list(agencies_)
    found = _compare(con, plan)
    with _KNOWN_LOCK:
        if len(_KNOWN) >= _KNOWN_MAX:
            _KNOWN.pop(next(iter(_KNOWN)))
        _KNOWN[key] = found
    return list(found[0]), list(found[1])


def _compare(con: duckdb.DuckDBPyConnection, plan: dict) -> tuple[list[str], list[str]]:
    cur = con.cursor()
    try:
        removed, added = plan["results"]
        rows_of(cur, "results", removed, READS).create_view("removed_rows", replace=True)
        rows_of(cur, "results", added, READS).create_view("added_rows", replace=True)
        units, agencies = set(), set()
        for unit, agency in cur.sql(queries.load("touched_units").text).fetchall():
            if unit is not None:
                units.add(unit)
            if agency is not None:
                agencies.add(agency)
        columns = schema.arrow_schema("cycle_events").names
        removed, added = plan["cycle_events"]
        rows_of(cur, "cycle_events", removed, columns).create_view("removed_events", replace=True)
        rows_of(cur, "cycle_events", added, columns).create_view("added_events", replace=True)
        for kind, code in cur.sql(queries.load("touched_subjects").text).fetchall():
            (agencies if kind == "agency" else units).add(code)
    finally:
        cur.close()
    return sorted(units), sorted(agencies)
