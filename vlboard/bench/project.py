"""The project's own path for each benchmarked figure: the SQL in ``vlboard/store/sql`` through
DuckDB, then the same roll-ups the pages use."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from vlboard.domain import rollups
from vlboard.domain.periods import parse_period
from vlboard.domain.vocab import STATUSES
from vlboard.store import db, queries

COMPLETENESS_COLS = ["subject_type", "subject_code", "expected", "received", "on_time"]


def project_path(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return queries.run(con, "status_all_results", include_demo=True)


def unit_rollup_project(con: duckdb.DuckDBPyConnection, year: int, end: dt.date, kept: bool = False) -> pd.DataFrame:
    """The project's path: status rows of the year (SQL, cached per period) → counts per unit and
    status in SQL over every indicator (``status_unit_counts``, as the units page counts) → the
    page's roll-up (rollups.by_unit). Each call starts from an empty cache: the full computation,
    or with ``kept`` the rows kept for the snapshot (vlboard.store.status_kept) read back, as a
    page process opening it does."""
    db.forget_status(con, kept=kept)
    codes = tuple(sorted(queries.run(con, "indicator_list").code))
    params = {"year": year, "period_end": end, "include_demo": True}
    counts = rollups.by_unit(queries.run(con, "status_unit_counts", **params, codes=codes, unit=None))
    return counts.set_index("unit_code")[list(STATUSES)].sort_index()


def agency_rollup_project(con: duckdb.DuckDBPyConnection, year: int, end: dt.date) -> pd.DataFrame:
    """The project's path: status per assignment (own figure, else the indicator's headline status,
    sql/status_agencies.sql) → counts per lead agency (rollups.by_agency)."""
    db.forget_status(con, kept=False)  # measure the full computation each time, not the cache
    rows = queries.run(con, "status_agencies", year=year, period_end=end, include_demo=True)
    counts = rollups.by_agency(rows, role="lead")
    return counts.set_index("agency_code")[list(STATUSES)].sort_index()


def completeness_project(con: duckdb.DuckDBPyConnection, period: str) -> pd.DataFrame:
    """The project's path: reports expected (vl_expected), received and on time per subject."""
    p = parse_period(period)
    out = queries.run(con, "completeness", period=period, period_type=p.kind, period_end=p.end, include_demo=True)
    return out[COMPLETENESS_COLS].sort_values(["subject_type", "subject_code"], ignore_index=True)


def bare_scan(con: duckdb.DuckDBPyConnection) -> None:
    """The floor: one pass over the same columns as the roll-up (indicator, year, value and the
    source it filters on), grouped, with no join and no rule."""
    con.execute("select indicator_code, year, count(value), count(source) from results group by all").fetchall()
