"""DuckDB over a snapshot: one in-memory database per snapshot, one view per table.

The views are made through DuckDB's relation API (``read_parquet(...).create_view``), so no file
path or value is ever spliced into SQL text. Nothing connects at import time.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path

import duckdb

from vlboard import schema

MACROS_DIR = Path(__file__).with_name("sql") / "macros"


def open_snapshot(path: Path, *, threads: int = 2, memory_limit: str = "1GB") -> duckdb.DuckDBPyConnection:
    """A connection whose views (plans, indicators, targets, …, results) read ``path``'s parquet.

    Share the connection per process and take ``con.cursor()`` per thread.
    """
    con = duckdb.connect(database=":memory:", config={"threads": threads, "memory_limit": memory_limit,
                                                     "preserve_insertion_order": False})
    for table in schema.TABLES:
        con.read_parquet(str(path / f"{table}.parquet")).create_view(table, replace=True)
    for macro in sorted(MACROS_DIR.glob("*.sql")):
        con.execute(macro.read_text(encoding="utf-8"))  # fixed definitions shipped with the code
    return con


# which periods a connection's status_rows_cache holds; keyed by the connection itself (weakly), so
# a closed connection's entry goes with it and a new one never inherits it
_PREPARED: "weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, set]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def forget_status(con: duckdb.DuckDBPyConnection) -> None:
    """Empty the connection's status cache (benchmarks measure the full computation each time)."""
    with _LOCK:
        con.execute("delete from status_rows_cache")
        _PREPARED[con] = set()


def prepare_status(con: duckdb.DuckDBPyConnection, year: int, period_end, include_demo: bool) -> None:
    """Compute the status rows of one period once per snapshot connection (the heavy step of every
    scorecard query: at 10 M results it reads the year's rows once instead of once per query)."""
    key = (int(year), str(period_end), bool(include_demo))
    done = _PREPARED.setdefault(con, set())
    if key in done:
        return
    with _LOCK:
        if key in done:
            return
        cur = con.cursor()
        try:
            cur.execute("insert into status_rows_cache select $y, $e, $d, * from vl_status_rows($y, $e, $d)",
                        {"y": int(year), "e": period_end, "d": bool(include_demo)})
        finally:
            cur.close()
        done.add(key)
