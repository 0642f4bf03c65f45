"""Synthetic data at national size for the benchmark: the shipped catalogue's shape, many more
communes and results (``sql/bench_synthetic_results.sql``).

Two ways to a whole data folder: ``synthetic_data_dir`` holds every result in memory and writes one
snapshot (format 4, up to ~10 M results); ``stream_data_dir`` writes a format-5 folder month by
month, judging each month's rows with the store's own judge (``db.judge_results``) and appending
them to the results Delta table as one commit (``tables.append_chunks``), so that only one month
(~2.8 M rows at 100 M results) is in memory at a time."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vlboard.store import db, queries, schema, snapshots
from vlboard.store import tables as tables_mod

MONTHS = 36  # 2023-01 … 2025-12
STREAM_ABOVE_ROWS = 10_000_000  # larger folders are written month by month (stream_data_dir)
FIRST_UNIT = "syn-00000"  # the commune whose report the commit benchmark writes first (k = 0)


def _n_indicators(con) -> int:
    return con.execute("""select count(*) from indicators where kind in ('percent', 'count') and code in
                           (select indicator_code from targets where comparator in ('>=','>','<=','<','range'))""").fetchall()[
        0
    ][0]


def n_units_for(con, n_rows: int) -> int:
    """Synthetic communes needed for ``n_rows`` results (each: every numeric indicator × 36 months)."""
    return max(1, math.ceil(n_rows / (_n_indicators(con) * MONTHS)))


def _generate(con, n_units: int, n_rows: int, m_from: int, m_to: int, source: str = "demo") -> pa.Table:
    table = queries.load("bench_synthetic_results")
    params = {"n_units": n_units, "n_rows": n_rows, "m_from": m_from, "m_to": m_to, "source": source}
    return con.sql(table.text, params=params).to_arrow_table()


def make_synthetic(snapshot: Path, out_dir: Path, n_rows: int, source: str = "demo") -> Path:
    """Synthetic results with the real catalogue's shape: numeric indicators × units × months,
    labelled ``source`` ('demo'; 'report': as a real deployment's, for the commit benchmark)."""
    con = db.open_snapshot(snapshot)
    arrow = _generate(con, n_units_for(con, n_rows), n_rows, 0, MONTHS, source)
    arrow = arrow.sort_by([("year", "ascending"), ("indicator_code", "ascending")])
    path = out_dir / f"results-{n_rows}.parquet"
    pq.write_table(arrow, path, compression="zstd", row_group_size=1 << 20)
    return path


def _units(codes: list[str]) -> pa.Table:
    rows = [
        dict(
            unit_code=c,
            official_code=None,
            name_vi=f"Xã mô phỏng {c[4:]}",
            type="xã",
            level="xa",
            parent_code="tinh-86",
            valid_from=None,
            valid_to=None,
            former_province=None,
            note="đơn vị mô phỏng cho phép đo",
        )
        for c in codes
    ]
    return pa.Table.from_pylist(rows, schema=schema.arrow_schema("units"))


def synthetic_data_dir(base: snapshots.DataDir, root: Path, n_rows: int, source: str = "demo") -> snapshots.DataDir:
    """A whole data folder at national size: the real catalogue, synthetic communes ('syn-…') and
    ``n_rows`` synthetic monthly results next to the shipped ones, as one ordinary snapshot."""
    _, snap, _ = snapshots.current(base)
    tables = snapshots.read_tables(snap)  # format 4 or 5
    root.mkdir(parents=True, exist_ok=True)
    results_file = make_synthetic(snap, root, n_rows, source)
    stored = schema.arrow_schema("results", derived=False)  # year_status is judged by write_snapshot
    synthetic = pq.read_table(results_file).cast(stored)
    codes = sorted(set(synthetic.column("unit_code").to_pylist()))
    tables["units"] = pa.concat_tables([tables["units"], _units(codes)])
    merged = pa.concat_tables([tables["results"].select(stored.names).cast(stored), synthetic])
    tables["results"] = merged.sort_by(
        [("year", "ascending"), ("indicator_code", "ascending"), ("period_end", "ascending")]
    )
    results_file.unlink()
    data = snapshots.DataDir(root)
    snapshots.write_snapshot(data, tables, author="bench", note=f"{n_rows} synthetic results")
    return data


def first_report(rows: pa.Table) -> pa.Table:
    """FIRST_UNIT's rows of ``rows`` as the commit benchmark's first report writes them
    (``commit.report_rows(data, 0)``: each value + 1, source 'report')."""
    mine = rows.filter(pc.equal(rows.column("unit_code"), FIRST_UNIT))
    n = mine.num_rows

    def put(t: pa.Table, name: str, values) -> pa.Table:
        i = t.schema.get_field_index(name)
        return t.set_column(i, t.schema.field(name), pa.array(values, type=t.schema.field(name).type))

    ids = [
        f"report:{c}:{FIRST_UNIT}:{p}" for c, p in zip(mine["indicator_code"].to_pylist(), mine["period"].to_pylist())
    ]
    mine = put(mine, "result_id", ids)
    mine = put(mine, "value", [(v or 0) + 1 for v in mine["value"].to_pylist()])
    mine = put(mine, "source", ["report"] * n)
    mine = put(mine, "reported_by", ["bench"] * n)
    mine = put(mine, "reported_at", [dt.datetime(2026, 1, 5, 9, 0)] * n)
    return put(mine, "source_ref", ["imp-bench-0"] * n)


def stream_data_dir(
    base: snapshots.DataDir, root: Path, n_rows: int, *, reported: bool = False, progress=None
) -> snapshots.DataDir:
    """The folder ``synthetic_data_dir`` makes, on format 5 and without holding the results in
    memory: the catalogue (with the synthetic communes) and the shipped results as a first snapshot,
    then the synthetic results month by month as one Delta commit (a second snapshot,
    ``snapshots.write_change``). Every unit gets all 36 months (``n_rows`` rounded up to whole
    communes). Each month is judged by ``db.judge_results`` next to the shipped rows (and the first
    report), which is all a row's status depends on besides its own value: the path's baseline is
    the earliest real value, and the synthetic rows are demo. ``reported``: FIRST_UNIT's December
    2025 values arrive as reports (``first_report``), as after the commit benchmark's first import,
    whose in-memory rejudging of whole indicators cannot run at 100 M results."""
    _, snap, _ = snapshots.current(base)
    tables = snapshots.read_tables(snap)
    con = db.open_snapshot(snap)
    n_units = n_units_for(con, n_rows)
    per_month = _n_indicators(con) * n_units
    tables["units"] = pa.concat_tables([tables["units"], _units([f"syn-{u:05d}" for u in range(n_units)])])
    stored = schema.arrow_schema("results", derived=False)
    shipped = tables["results"].select(stored.names).cast(stored)
    if reported:  # written with the shipped rows: a first real value moves their path too
        report = first_report(_generate(con, n_units, per_month, MONTHS - 1, MONTHS).cast(stored))
        shipped = tables["results"] = pa.concat_tables([shipped, report])
    data = snapshots.DataDir(root)
    tables_mod.root(data).mkdir(parents=True)  # format 5 from the first write
    with snapshots.write_lock(data):
        snapshots.write_snapshot(data, tables, author="bench", note="catalogue and shipped results")
    catalogue = {t: tables[t] for t in ("indicators", "targets", "status_config")}
    order = [(c, "ascending") for c in tables_mod.ORDER["results"]]

    def months():
        for m in range(MONTHS):
            rows = _generate(con, n_units, per_month, m, m + 1).cast(stored)
            if reported and m == MONTHS - 1:  # FIRST_UNIT's rows of this month are its report, written
                rows = rows.filter(pc.not_equal(rows.column("unit_code"), FIRST_UNIT))
            judged = db.judge_results({**catalogue, "results": pa.concat_tables([rows, shipped])})
            if progress:
                progress(m, rows.num_rows)
            yield judged.slice(0, rows.num_rows).sort_by(order)

    def change(manifest: dict) -> dict:
        version = tables_mod.append_chunks(data, "results", months())
        return {"results": {"rows": tables_mod.count(data, "results", version), "delta_version": version}}

    with snapshots.write_lock(data):
        snapshots.write_change(data, change, author="bench", note=f"{n_rows} synthetic results, streamed")
    con.close()
    return data


def make_data_dir(base: snapshots.DataDir, root: Path, n_rows: int, source: str = "demo") -> dict:
    """``bench --make-data``: the folder by the path that fits its size (streamed, with the first
    report in, above STREAM_ABOVE_ROWS), progress on stderr; its root and the seconds it took.
    ``source='report'`` (synthetic rows labelled as reports) only in memory: the streamed path judges
    each month apart, which only holds while the synthetic rows are demo."""
    import sys
    import time

    t0 = time.perf_counter()

    def progress(m: int, n: int) -> None:
        print(f"month {m + 1}/{MONTHS}: {n:,} rows, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)

    if n_rows > STREAM_ABOVE_ROWS and source != "demo":
        raise ValueError(f"--synthetic-source {source}: at most {STREAM_ABOVE_ROWS:,} rows")
    if n_rows > STREAM_ABOVE_ROWS:
        made = stream_data_dir(base, root, n_rows, reported=True, progress=progress)
    else:
        made = synthetic_data_dir(base, root, n_rows, source)
    return {"root": str(made.root), "seconds": time.perf_counter() - t0}
