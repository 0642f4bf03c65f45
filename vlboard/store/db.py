"""DuckDB over a snapshot: one in-memory database per snapshot, one view per table.

The views are made through DuckDB's relation API (``read_parquet(...).create_view``), so no file
path or value is ever spliced into SQL text. Nothing connects at import time.

Over 300 lines: the views of a snapshot and the status cache they feed belong together (the
cache's fill statements are fixed strings, one per approval literal and part, written out so that
no SQL text is composed in Python).
"""

from __future__ import annotations

import contextlib
import json
import threading
import weakref
from pathlib import Path
from urllib.parse import unquote

import duckdb
import numpy as np
import pyarrow as pa

from vlboard.store import schema, tables

SQL_DIR = Path(__file__).with_name("sql")
MACROS_DIR = SQL_DIR / "macros"


# the status rule and the per-result judgement: need only results_stored, indicators, targets and
# status_config; the other macros (and the status cache table) read the results view, so they
# come after it
JUDGE_MACROS = ("10_status.sql", "12_path.sql", "15_year_status.sql")
JUDGED_MACRO = "15_year_status.sql"  # defined by prepare_judging, once its table exists


def _connect(threads: int, memory_limit: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(
        database=":memory:",
        config={"threads": threads, "memory_limit": memory_limit, "preserve_insertion_order": False},
    )


def _macros(con: duckdb.DuckDBPyConnection, judge: bool) -> None:
    for macro in sorted(MACROS_DIR.glob("*.sql")):
        if (macro.name in JUDGE_MACROS) == judge and macro.name != JUDGED_MACRO:
            con.execute(macro.read_text(encoding="utf-8"))  # fixed definitions shipped with the code


JUDGED_FORMAT = 4  # the first snapshot format whose stored year_status follows today's rule


def _manifest(path: Path) -> dict:
    """The snapshot's manifest ({} when it cannot be read: format 0, judged on read)."""
    try:
        m = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return m if isinstance(m, dict) else {}


_DUCK_TYPES = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.date32(): "DATE",
    pa.timestamp("ms"): "TIMESTAMP",
    pa.bool_(): "BOOLEAN",
}


def _by_partition(files: list[str]) -> list[list[str]]:
    """The files grouped by their partition folder (``year=2025``), in order of first appearance.

    One read_parquet per partition: DuckDB takes a hive column's statistics from the first file it
    reads, so over one list of every year's files it estimated a filter on another year at 1 row
    and built hash tables on the 33 M rows of a year (100 M results: the status rows spilled, then
    ran out of memory under the 1 GB limit). Read per partition, each read knows its own year."""
    groups: dict[str, list[str]] = {}
    for f in files:
        groups.setdefault(f.rsplit("/", 2)[-2], []).append(f)
    return list(groups.values())


def _partition(con: duckdb.DuckDBPyConnection, files: list[str], want: pa.Schema) -> duckdb.DuckDBPyRelation:
    """The files of one partition folder (``year=2025``), its column a constant of the schema's type.

    Read as hive partitions, ``year`` was a BIGINT the view cast to INTEGER: a filter on it could
    not prune by folder, so every scan opened the other years' files to find no row (at 100 M
    results ~0.3 s of each scan of a status fill). A constant folds the filter: the other years'
    reads leave the plan. The folder's value is the partition's (Delta writes ``column=value``;
    ``__HIVE_DEFAULT_PARTITION__`` is NULL)."""
    column, value = files[0].rsplit("/", 2)[-2].split("=", 1)
    kind = duckdb.sqltype(_DUCK_TYPES[want.field(column).type])
    constant = None if value == "__HIVE_DEFAULT_PARTITION__" else unquote(value)
    rel = con.read_parquet(files, hive_partitioning=False)
    return rel.select(
        *[duckdb.ColumnExpression(c) for c in rel.columns if c != column],
        duckdb.ConstantExpression(constant).cast(kind).alias(column),
    )


def _union(rels) -> duckdb.DuckDBPyRelation:
    out = None
    for rel in rels:
        out = rel if out is None else out.union(rel)  # UNION ALL: the relation API keeps duplicates
    assert out is not None
    return out


def _read_delta(con: duckdb.DuckDBPyConnection, path: Path, table: str, version: int) -> duckdb.DuckDBPyRelation:
    """One Delta version of a growing table through the list of its parquet files (partition
    columns from the hive folder names), columns in the schema's order and types."""
    want = schema.arrow_schema(table)
    files = tables.files(tables.data_of(path), table, version)
    if not files:  # an empty version (the imports audit before the first import)
        return _empty(con, want)
    if tables.PARTITIONS[table]:
        rel = _union(_partition(con, group, want) for group in _by_partition(files))
    else:
        rel = con.read_parquet(files)
    return rel.select(
        *[duckdb.ColumnExpression(f.name).cast(duckdb.sqltype(_DUCK_TYPES[f.type])).alias(f.name) for f in want]
    )


def _empty(con: duckdb.DuckDBPyConnection, want: pa.Schema) -> duckdb.DuckDBPyRelation:
    """No rows, the columns of ``want`` in the types a Delta table's view reads them as."""
    return con.sql("select 1 as none where false").select(
        *[duckdb.ConstantExpression(None).cast(duckdb.sqltype(_DUCK_TYPES[f.type])).alias(f.name) for f in want]
    )


def _read(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, manifest: dict | None = None
) -> duckdb.DuckDBPyRelation:
    """A table of the snapshot; a column added by a later format (schema.ADDED_IN) that an older
    snapshot lacks reads as NULL of its type."""
    info = (manifest or {}).get("tables", {}).get(table, {})
    if "delta_version" in info:
        return _read_delta(con, path, table, int(info["delta_version"]))
    if table in schema.OPTIONAL_TABLES and not (path / f"{table}.parquet").exists():
        return con.from_arrow(schema.arrow_schema(table).empty_table())  # snapshot older than the table
    rel = con.read_parquet(str(path / f"{table}.parquet"))
    have = set(rel.columns)
    missing = [f for f in schema.arrow_schema(table) if f.name not in have and (table, f.name) in schema.ADDED_IN]
    if not missing:
        return rel
    return rel.select(
        *[duckdb.ColumnExpression(c) for c in rel.columns],
        *[duckdb.ConstantExpression(None).cast(duckdb.sqltype(_DUCK_TYPES[f.type])).alias(f.name) for f in missing],
    )


def prepare_judging(con: duckdb.DuckDBPyConnection) -> None:
    """The applicable target at every period end of results_stored, as the (in-memory) table
    vl_judged() joins, then vl_judged() itself (see sql/macros/15_year_status.sql)."""
    con.execute(
        "create or replace table judge_targets as "  # in-memory database: every cursor sees it
        "select * from vl_targets_at(date '1900-01-01', date '9999-12-31')"
    )
    con.execute((MACROS_DIR / JUDGED_MACRO).read_text(encoding="utf-8"))


def open_snapshot(
    path: Path, *, threads: int = 2, memory_limit: str = "1GB", judge_on_read: bool = False
) -> duckdb.DuckDBPyConnection:
    """A connection whose views (plans, indicators, targets, …, results) read ``path``'s parquet.

    A snapshot written before the current status rule (format 2 has no ``results.year_status``,
    format 3 stored it under the rule without the path) gets a results view that computes it with
    the macro the writer uses now (``judge_on_read`` forces that path, for the benchmark). Formats
    2 and 3 lack the format-4 columns (quote_anchor, precedence): they read as NULL.
    Share the connection per process and take ``con.cursor()`` per thread.
    """
    con = _connect(threads, memory_limit)
    # A page reads the same data files again and again (a 100 M folder: ~3,000 files of ~1 MB, the size
    # that keeps an import's rewrite small): their footers are parsed once, not by every scan (a
    # carried period's scans 1.3 → 0.9 s). Delta files never change; DuckDB checks each one's time.
    con.execute("set parquet_metadata_cache = true")
    manifest = _manifest(path)
    judge = judge_on_read or int(manifest.get("format") or 0) < JUDGED_FORMAT
    # DuckDB binds a macro when it is created: over the results' ~3,000 files that took ~0.8 s of every
    # opening. A Delta results table's view has the schema's columns and types, so the macros are
    # made over an empty stand-in of the same columns, then the views read the files (a macro is
    # bound again at each use).
    stand_in = not judge and "delta_version" in (manifest.get("tables", {}).get("results") or {})
    for table in schema.TABLES:
        if table != "results":
            _read(con, path, table, manifest).create_view(table, replace=True)
    results = _read(con, path, "results", manifest)  # its Delta log is read once
    stored = schema.arrow_schema("results", derived=False).names
    bound = _empty(con, schema.arrow_schema("results")) if stand_in else results  # what the macros bind over
    bound.create_view("results", replace=True)
    bound.select(*stored).create_view("results_stored", replace=True)
    _macros(con, judge=True)
    if judge:
        prepare_judging(con)
        con.execute("create or replace view results as select * from vl_judged()")
    _macros(con, judge=False)
    if stand_in:
        results.create_view("results", replace=True)
        results.select(*stored).create_view("results_stored", replace=True)
    if not judge_on_read:  # its status rows can be kept for other processes (vlboard.store.status_kept)
        _SNAPSHOT_OF[con] = path
    series_file = "series.parquet"  # vlboard.store.series.FILE
    if "series" in manifest:  # the series kept with the snapshot (vlboard.store.series), verified with it
        con.read_parquet(str(path / series_file)).create_view("series_stored")
        con.execute((MACROS_DIR / "stored" / "series.sql").read_text(encoding="utf-8"))
    return con


def judge_results(tables: dict[str, pa.Table]) -> pa.Table:
    """``tables["results"]`` with ``year_status`` computed (any value it came with is replaced):
    each result's status against its own year's target, by the one status macro. Runs once per
    snapshot written; the row order is kept."""
    want = schema.arrow_schema("results", derived=False)
    stored = tables["results"].select(want.names).cast(want)
    keys = stored.select(
        ["indicator_code", "year", "period_end", "value", "source", "as_of", "precedence", "result_id"]
    ).append_column("row_index", pa.array(np.arange(stored.num_rows, dtype=np.int64)))
    con = _connect(threads=2, memory_limit="2GB")
    try:
        for name in ("indicators", "targets", "status_config"):
            con.register(name, tables[name].cast(schema.arrow_schema(name)))
        con.register("results_stored", keys)
        _macros(con, judge=True)
        prepare_judging(con)
        judged = con.sql("select year_status from vl_judged() order by row_index").to_arrow_table()
    finally:
        con.close()
    if judged.num_rows != stored.num_rows:  # a duplicated target or default row would multiply rows
        raise ValueError(f"judge_results: {judged.num_rows} rows out of {stored.num_rows}")
    return stored.append_column(schema.arrow_schema("results").field("year_status"), judged.column(0))


def path_segments(tables: dict[str, pa.Table]) -> dict[str, list[tuple]]:
    """Each indicator's path (vl_path_segments of sql/macros/12_path.sql) over ``tables["results"]``:
    what a new real value can change in other rows' stored status (the baseline before the first
    target). The import commit compares it before and after (vlboard.store.increments)."""
    want = schema.arrow_schema("results", derived=False)
    con = _connect(threads=1, memory_limit="1GB")
    try:
        for name in ("indicators", "targets", "status_config"):
            con.register(name, tables[name].cast(schema.arrow_schema(name)))
        con.register("results_stored", tables["results"].select(want.names).cast(want))
        _macros(con, judge=True)
        rows = con.sql("select * from vl_path_segments() order by all").fetchall()
    finally:
        con.close()
    out: dict[str, list[tuple]] = {}
    for r in rows:
        out.setdefault(r[0], []).append(tuple(r))
    return out


# which periods a connection's status_rows_cache holds; keyed by the connection itself (weakly), so
# a closed connection's entry goes with it and a new one never inherits it
_PREPARED: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, set] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


# the snapshot folder of each connection (its status rows are kept under its id), and the
# connections told not to use kept rows (benchmarks of the full computation)
_SNAPSHOT_OF: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, Path] = weakref.WeakKeyDictionary()
_NOT_KEPT: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()


def snapshot_of(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The snapshot folder whose results may be kept for other processes; None when told not to."""
    return None if con in _NOT_KEPT else _SNAPSHOT_OF.get(con)


def forget_status(con: duckdb.DuckDBPyConnection, *, kept: bool = True) -> None:
    """Empty the connection's status cache (benchmarks measure the computation each time); with
    ``kept=False`` the rows kept for the snapshot are not read either (the full computation). The
    tables are made again, not deleted from: deleted rows keep their memory in an in-memory database,
    so each repetition would start with less of the 1 GB limit."""
    from vlboard.store import status_files  # it runs this module's transactions

    with _LOCK:
        for statement in _EMPTY_CACHE:
            con.execute(statement)
        status_files.forget(con)
        _PREPARED[con] = set()
        _SEGMENTS_READY.discard(con)  # the full computation includes them
        if kept:
            _NOT_KEPT.discard(con)
        else:
            _NOT_KEPT.add(con)


# The statements filling the cache (sql/macros/25_status_cache.sql over vl_status_rows_part of
# 20_scorecard.sql), per ``approved_only`` and part: literals, not parameters, so that DuckDB folds the
# reporting-cycle check and the other parts' conditions away. The headline rows go last: those of the
# indicators no subject has.
_FILL_META = {
    "false": "insert into status_rows_meta select $y, $e, $d, false, * from vl_status_meta_rows($y, $e, $d, false)",
    "true": "insert into status_rows_meta select $y, $e, $d, true, * from vl_status_meta_rows($y, $e, $d, true)",
}
_FILL_PART = {
    ("false", "range"): (
        "insert into status_rows_store select $y, $e, $d, false, * from "
        "vl_status_store_rows($y, $e, $d, false, $lo, $hi, 'range')"
    ),
    ("false", "from"): (
        "insert into status_rows_store select $y, $e, $d, false, * from "
        "vl_status_store_rows($y, $e, $d, false, $lo, $hi, 'from')"
    ),
    ("false", "nulls"): (
        "insert into status_rows_store select $y, $e, $d, false, * from "
        "vl_status_store_rows($y, $e, $d, false, $lo, $hi, 'nulls')"
    ),
    ("true", "range"): (
        "insert into status_rows_store select $y, $e, $d, true, * from "
        "vl_status_store_rows($y, $e, $d, true, $lo, $hi, 'range')"
    ),
    ("true", "from"): (
        "insert into status_rows_store select $y, $e, $d, true, * from "
        "vl_status_store_rows($y, $e, $d, true, $lo, $hi, 'from')"
    ),
    ("true", "nulls"): (
        "insert into status_rows_store select $y, $e, $d, true, * from "
        "vl_status_store_rows($y, $e, $d, true, $lo, $hi, 'nulls')"
    ),
    ("false", "touched"): (  # 'nulls' and the units in status_touched_units (vlboard.store.status_kept)
        "insert into status_rows_store select $y, $e, $d, false, * from "
        "vl_status_store_rows($y, $e, $d, false, $lo, $hi, 'touched')"
    ),
    ("true", "touched"): (
        "insert into status_rows_store select $y, $e, $d, true, * from "
        "vl_status_store_rows($y, $e, $d, true, $lo, $hi, 'touched')"
    ),
}
# the headline rows of the indicators no subject has: after every part
_FILL_HEADLINES = {
    "false": (
        "insert into status_rows_store select $y, $e, $d, false, * from "
        "vl_status_store_rows($y, $e, $d, false, $lo, $hi, 'headlines')"
        " where indicator_code not in (select indicator_code from status_rows_store "
        "where k_year = $y and k_end = $e and k_demo = $d and k_approved = false)"
    ),
    "true": (
        "insert into status_rows_store select $y, $e, $d, true, * from "
        "vl_status_store_rows($y, $e, $d, true, $lo, $hi, 'headlines')"
        " where indicator_code not in (select indicator_code from status_rows_store "
        "where k_year = $y and k_end = $e and k_demo = $d and k_approved = true)"
    ),
}
_FILL_INDICATORS = (  # the headline of each indicator, from the rows above (sql/macros/30_indicators.sql)
    "insert into status_indicators_store select $y, $e, $d, $a, * from vl_status_indicators_of($y, $e, $d, $a)"
)
_EMPTY_CACHE = (  # fixed statements: each table made again, empty
    "create or replace table status_rows_store as from status_rows_store limit 0",
    "create or replace table status_rows_meta as from status_rows_meta limit 0",
    "create or replace table status_indicators_store as from status_indicators_store limit 0",
)
_FILL_TARGETS = (  # over the segments kept for the connection (_SEGMENTS)
    "insert into status_fill_targets select indicator_code, target_year, comparator, target, target_high, "
    "target_raw, basis from vl_targets_at($e, $e, p_segments_ready := true)"
)
# Each indicator's path (sql/macros/12_path.sql) depends on the snapshot's results only: computed once
# per connection, not once per period filled (its baselines scan every result: ~0.8 s at 100 M).
_SEGMENTS = ("delete from status_path_segments", "insert into status_path_segments select * from vl_path_segments()")
_SEGMENTS_READY: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()
# period_end, not count(*): a count of no column reads each file's first column (result_id: ~1.5 s at
# 100 M); the fill reads the rows whose period_end is set, so these are the rows to cut into parts
_FILL_ROWS = "select count(period_end) from results where year between $y - 1 and $y"
_UNIT_CODES = "select distinct unit_code from units where unit_code is not null order by unit_code"

# Results rows (the two years read) per part of the fill: at 100 M results the 67 M rows of two years
# in one statement spilled gigabytes under the 1 GB limit (hash tables of 2.8 M subjects), parts
# of a range of units each fit in memory and read only their row groups (sorted by unit in a month).
ROWS_PER_PART = 10_000_000


def unit_bounds(cur: duckdb.DuckDBPyConnection, k: int) -> list[str]:
    """Codes of the units table that cut its sorted codes into ``k`` equal runs (fewer when codes
    repeat a bound): every code, listed or not, falls in exactly one range between them."""
    codes = [c for (c,) in cur.execute(_UNIT_CODES).fetchall()]
    return sorted({codes[len(codes) * i // k] for i in range(1, k)}) if codes else []


def _parts(cur: duckdb.DuckDBPyConnection, year: int) -> list[tuple[str, str | None, str | None]]:
    """(mode, lo, hi) of each part: ranges of unit codes (bounds from the units table, so every code,
    listed or not, falls in exactly one), then the rows without a unit."""
    n = int(cur.execute(_FILL_ROWS, {"y": year}).fetchone()[0])  # type: ignore[index]
    bounds = unit_bounds(cur, max(1, -(-n // ROWS_PER_PART)))
    lows = ["", *bounds]
    parts: list[tuple[str, str | None, str | None]] = [("range", lo, hi) for lo, hi in zip(lows, bounds)]
    return [*parts, ("from", lows[-1], None), ("nulls", None, None)]


def prepare_status(
    con: duckdb.DuckDBPyConnection, year: int, period_end, include_demo: bool, approved_only: bool = False
) -> None:
    """Compute the status rows of one period once per snapshot connection (the heavy step of every
    scorecard query: at 10 M results it reads the year's rows once instead of once per query), a
    range of units at a time (``_parts``), in one transaction: a failed part leaves nothing behind.
    The rows kept for the snapshot by another process, or carried from an earlier version's, are
    read instead when there are any (vlboard.store.status_kept), and rows computed here are kept."""
    from vlboard.store import status_files, status_kept  # they run this module's statements

    key = (int(year), str(period_end), bool(include_demo), bool(approved_only))
    done = _PREPARED.setdefault(con, set())
    if key in done:
        return
    with _LOCK:
        if key in done:
            return
        a = "true" if approved_only else "false"
        p = {"y": int(year), "e": period_end, "d": bool(include_demo)}
        path = snapshot_of(con)
        with status_kept.computing(path, key) if path is not None else contextlib.nullcontext():
            how = status_kept.restore(con, path, key) if path is not None else None
            if how is None:
                fill_status(con, a, p, _parts)
            if how != "kept":
                status_files.held(con).add(key)
                if path is not None and status_kept.keep(con, path, key):  # then read from the kept files
                    status_files.move(con, key, status_kept.folder(path, key))
        done.add(key)


def fill_status(con: duckdb.DuckDBPyConnection, a: str, p: dict, parts, before=None, after=None) -> None:
    """One period's status rows into the cache, in one transaction: the per-indicator rows, the
    parts ``parts(cursor, year)`` names, the headline rows of indicators no part had, then each
    indicator's headline value and status (status_indicators_store).
    ``before(cursor)`` and ``after(cursor)`` run inside the transaction, before the parts and last
    (status_kept puts an earlier version's rows there, then judges again what a moved target moves).
    The connection's path segments are kept first, once (``_SEGMENTS``)."""
    keep_segments(con)

    def fill(cur: duckdb.DuckDBPyConnection) -> None:
        fill_meta(cur, a, p)
        if before is not None:
            before(cur)
        for mode, lo, hi in parts(cur, int(p["y"])):
            cur.execute(_FILL_PART[a, mode], {**p, "lo": lo, "hi": hi})
        cur.execute(_FILL_HEADLINES[a], {**p, "lo": None, "hi": None})
        if after is not None:
            after(cur)
        cur.execute(_FILL_INDICATORS, {**p, "a": a == "true"})

    in_transaction(con, fill)


def keep_segments(con: duckdb.DuckDBPyConnection) -> str:
    """Each indicator's path segments into the connection's cache, once: read back or carried when
    kept for the snapshot (vlboard.store.status_segments), else computed (``_SEGMENTS``) and kept."""
    from vlboard.store import status_segments  # it runs this module's statements

    if con in _SEGMENTS_READY:
        return "ready"
    how = status_segments.fill(con, lambda: in_transaction(con, lambda cur: [cur.execute(q) for q in _SEGMENTS]))
    _SEGMENTS_READY.add(con)
    return how


def fill_meta(cur: duckdb.DuckDBPyConnection, a: str, p: dict) -> None:
    """The period's targets (status_fill_targets) and per-indicator rows (status_rows_meta), inside
    the caller's transaction, over the segments kept (``keep_segments``)."""
    cur.execute("delete from status_fill_targets")
    cur.execute(_FILL_TARGETS, {"e": p["e"]})
    cur.execute(_FILL_META[a], p)


def in_transaction(con: duckdb.DuckDBPyConnection, work) -> None:
    """``work(cursor)`` in one transaction of its own cursor: all of it, or nothing."""
    cur = con.cursor()
    try:
        cur.execute("begin transaction")
        work(cur)
        cur.execute("commit")
    except BaseException:
        cur.execute("rollback")
        raise
    finally:
        cur.close()
