"""The headline series of every indicator, kept per snapshot and written with it.

``vl_series_all()`` (sql/macros/40_series.sql) gives one value per indicator × period × source kind:
the whole province's figure, or the units combined (sum, ratio of sums, median). The trends, the
outlook and the wall read it for every period of every indicator. Computed from every result at a
page's first visit, it is the slowest step at national scale (a median over 100 M rows does not
fit the page's 1 GB), and each import made every reader compute it again.

So a snapshot keeps these rows in ``series.parquet`` (a few thousand rows; the manifest's ``series``
entry records its rows and sha256, ``snapshots.verify`` checks them), and its connection reads
them (sql/macros/stored/series.sql) instead of computing them:

- a full write (``build``, ``migrate``) computes them from the results it writes (``from_arrow``);
- an import or any change of the results Delta table recomputes only the periods it touched: the
  periods of the rows in the data files the new version added or removed (a merge rewrites the
  files holding a replaced row, so a group that lost all its rows is found in a removed file), read
  from the new version with those periods only, then put in place of the parent's rows of those
  periods (``changed``). A group is one indicator × period × source kind, so every group of a
  touched period is recomputed whole, from the same rows a full computation would read;
- a change that leaves the results alone carries the parent's file over;
- a parent without the file (written before it existed), or a change whose added and removed files
  exceed ``DIFF_BYTES`` (a bulk load, a compaction), gets the whole series computed, one period at
  a time (the median holds every value of its groups).

A snapshot without the file is read as before: the macro computes the series from the results.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vlboard.store import queries, tables, touched
from vlboard.store.datadir import DataDir, SnapshotError

FILE = "series.parquet"
MACROS = Path(__file__).with_name("sql") / "macros"
SCHEMA = pa.schema(
    [
        ("indicator_code", pa.string()),
        ("period", pa.string()),
        ("period_end", pa.date32()),
        ("source", pa.string()),
        ("value", pa.float64()),
        ("aggregation", pa.string()),
        ("n_units", pa.int32()),
    ]
)
ORDER = [("indicator_code", "ascending"), ("period_end", "ascending"), ("period", "ascending"), ("source", "ascending")]
CATALOGUE = ("indicators", "units")  # what the series reads besides the results


def _connect(catalogue: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB", "preserve_insertion_order": False})
    for t in CATALOGUE:
        con.read_parquet(str(catalogue / f"{t}.parquet")).create_view(t)
    return con


def _compute(con: duckdb.DuckDBPyConnection, results: duckdb.DuckDBPyRelation) -> pa.Table:
    results.create_view("results", replace=True)
    con.execute((MACROS / "40_series.sql").read_text(encoding="utf-8"))  # fixed definitions
    return con.sql(queries.load("series_all").text).to_arrow_table().cast(SCHEMA)


def from_arrow(catalogue: dict[str, pa.Table], results: pa.Table) -> pa.Table:
    """The series of a whole results table held in memory (a full write)."""
    con = duckdb.connect(config={"threads": 2, "memory_limit": "2GB", "preserve_insertion_order": False})
    try:
        for t in CATALOGUE:
            con.from_arrow(catalogue[t]).create_view(t)
        return _compute(con, con.from_arrow(results))
    finally:
        con.close()


def _in(column: str, values: list) -> duckdb.Expression:
    return duckdb.ColumnExpression(column).isin(*[duckdb.ConstantExpression(v) for v in values])


def _of_periods(con: duckdb.DuckDBPyConnection, files: list[str], periods: list[tuple[int, str]]) -> pa.Table:
    """The series of ``periods`` ((year, period) pairs) from the results ``files``: the year prunes
    the partitions and the period the row groups (files are in period order within a year)."""
    if not periods or not files:
        return SCHEMA.empty_table()
    rel = con.read_parquet(files, hive_partitioning=True)
    rel = rel.filter(_in("year", sorted({y for y, _ in periods}))).filter(
        _in("period", sorted({p for _, p in periods}))
    )
    return _compute(con, rel)


def _periods(con: duckdb.DuckDBPyConnection, files: list[str]) -> set[tuple[int, str]]:
    if not files:
        return set()
    rel = con.read_parquet(files, hive_partitioning=True).select(
        duckdb.ColumnExpression("year").cast(duckdb.sqltype("INTEGER")), duckdb.ColumnExpression("period")
    )
    return {(int(y), str(p)) for y, p in rel.distinct().fetchall()}


# the results columns vl_series_all() reads: a row whose other columns change moves no series
READS = (
    "year",
    "indicator_code",
    "period",
    "period_end",
    "unit_code",
    "agency_code",
    "source",
    "value",
    "numerator",
    "denominator",
    "as_of",
    "precedence",
    "result_id",
)


def _touched(con: duckdb.DuckDBPyConnection, removed: list[str], added: list[str]) -> set[tuple[int, str]]:
    """The (year, period) of every row the change added or removed (sql/changed_periods.sql): a
    merge rewrites a file of about 30,000 rows spanning two months to replace 222; only the
    replaced rows' period is touched."""
    touched.rows_of(con, "results", removed, READS).create_view("removed_rows", replace=True)
    touched.rows_of(con, "results", added, READS).create_view("added_rows", replace=True)
    return {(int(y), str(p)) for y, p in con.sql(queries.load("changed_periods").text).fetchall()}


def _files_of(data: DataDir, version: int, periods: list[tuple[int, str]]) -> list[str]:
    """The version's files that can hold rows of ``periods``: their year's partition, and the
    period's range in the file's statistics (Delta log), so that DuckDB opens a month's files of a
    year instead of all of them."""
    wanted = {p for _, p in periods}
    years = {y for y, _ in periods}
    base = tables.path(data, "results")
    log = tables._actions(data, "results", version)  # kept per process: the writer has just listed it
    if log and not {"min.period", "max.period"} <= set(log[0]):  # a log without statistics
        return tables.files(data, "results", version)
    out = []
    for a in log:
        part = a["path"].split("/", 1)[0]
        if part.startswith("year=") and part[5:].isdigit() and int(part[5:]) not in years:
            continue
        lo, hi = a["min.period"], a["max.period"]
        if lo is None or hi is None or any(lo <= p <= hi for p in wanted):
            out.append(str(base / a["path"]))
    return out


def _years(data: DataDir, version: int) -> list[int]:
    found = {a["path"].split("/", 1)[0] for a in tables._actions(data, "results", version)}
    return sorted(int(p.removeprefix("year=")) for p in found if p.startswith("year="))


# Files a change added or removed beyond which their rows are not compared (a bulk load, a
# compaction): every period is computed again. The comparison holds both sides' rows in hash
# tables under the writer's 1 GB; a 100 M load (2.3 GB of files) ran it out of memory.
DIFF_BYTES = 64 << 20


def _by_period(con: duckdb.DuckDBPyConnection, data: DataDir, version: int, periods) -> list[pa.Table]:
    """The series of ``periods``, one period at a time: a median holds every value of its groups,
    and a year's groups at national scale (33 M values) did not fit the writer's 1 GB."""
    return [_of_periods(con, _files_of(data, version, [p]), [p]) for p in sorted(periods)]


def _whole(con: duckdb.DuckDBPyConnection, data: DataDir, version: int) -> pa.Table:
    """Every period of a version, one at a time (bounded memory at national scale)."""
    files = tables.files(data, "results", version)
    periods: set[tuple[int, str]] = set()
    for year in _years(data, version):
        periods |= _periods(con, [f for f in files if f"/year={year}/" in f])
    return pa.concat_tables([SCHEMA.empty_table(), *_by_period(con, data, version, periods)]).sort_by(ORDER)


def changed(data: DataDir, catalogue: Path, parent: Path | None, before: int, after: int) -> pa.Table:
    """The series of results version ``after``, from the parent snapshot's (``parent``: its
    series.parquet, or None when it has none) for version ``before``: only the touched periods are
    read again. ``catalogue``: a folder with the snapshot's indicators and units."""
    con = _connect(catalogue)
    try:
        if parent is None:
            return _whole(con, data, after)
        # the removed files stay on disk until a vacuum
        removed, added, size = touched.changed_files(data, "results", before, after)
        if size > DIFF_BYTES:  # a bulk load, a compaction
            return _whole(con, data, after)
        periods = _touched(con, removed, added)
        kept = pq.read_table(parent).cast(SCHEMA)
        if periods:  # a period names its year: the period alone says which rows are replaced
            gone = pc.is_in(kept.column("period"), pa.array(sorted({p for _, p in periods})))
            kept = kept.filter(pc.invert(gone))
        return pa.concat_tables([kept, *_by_period(con, data, after, periods)]).sort_by(ORDER)
    except duckdb.Error as exc:
        raise SnapshotError(f"Không tính được chuỗi số liệu của phiên bản {after} ({exc})") from exc
    finally:
        con.close()


def carry(parent: Path, folder: Path) -> None:
    """The parent's file, unchanged (a change that leaves the results alone)."""
    shutil.copyfile(parent, folder / FILE)


def write(folder: Path, rows: pa.Table) -> dict:
    """``rows`` as the snapshot's series.parquet; returns the manifest's ``series`` entry."""
    file = folder / FILE
    pq.write_table(rows.cast(SCHEMA), file, compression="zstd")
    return {"file": FILE, "rows": rows.num_rows}
