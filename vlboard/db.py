"""DuckDB over a snapshot: one in-memory database per snapshot, one view per table.

The views are made through DuckDB's relation API (``read_parquet(...).create_view``), so no file
path or value is ever spliced into SQL text. Nothing connects at import time.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from vlboard import schema

MACROS_DIR = Path(__file__).with_name("sql") / "macros"


def open_snapshot(path: Path, *, threads: int = 2) -> duckdb.DuckDBPyConnection:
    """A connection whose views (plans, indicators, targets, …, results) read ``path``'s parquet.

    Share the connection per process and take ``con.cursor()`` per thread.
    """
    con = duckdb.connect(database=":memory:", config={"threads": threads})
    for table in schema.TABLES:
        con.read_parquet(str(path / f"{table}.parquet")).create_view(table, replace=True)
    for macro in sorted(MACROS_DIR.glob("*.sql")):
        con.execute(macro.read_text(encoding="utf-8"))  # fixed definitions shipped with the code
    return con
