"""Synthetic data at national size for the benchmark: the shipped catalogue's shape, many more
communes and results (``sql/bench_synthetic_results.sql``)."""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow.parquet as pq

from vlboard.store import db, queries, snapshots

MONTHS = 36  # 2023-01 … 2025-12


def make_synthetic(snapshot: Path, out_dir: Path, n_rows: int) -> Path:
    """Synthetic results with the real catalogue's shape: numeric indicators × units × months."""
    con = db.open_snapshot(snapshot)
    n_ind = con.execute("""select count(*) from indicators where kind in ('percent', 'count') and code in
                           (select indicator_code from targets where comparator in ('>=','>','<=','<','range'))""").fetchall()[
        0
    ][0]
    n_units = max(1, math.ceil(n_rows / (n_ind * MONTHS)))
    table = queries.load("bench_synthetic_results")
    arrow = con.sql(table.text, params={"n_units": n_units, "n_rows": n_rows}).to_arrow_table()
    arrow = arrow.sort_by([("year", "ascending"), ("indicator_code", "ascending")])
    path = out_dir / f"results-{n_rows}.parquet"
    pq.write_table(arrow, path, compression="zstd", row_group_size=1 << 20)
    return path


def synthetic_data_dir(base: snapshots.DataDir, root: Path, n_rows: int) -> snapshots.DataDir:
    """A whole data folder at national size: the real catalogue, synthetic communes ('syn-…') and
    ``n_rows`` synthetic monthly results next to the shipped ones, as one ordinary snapshot."""
    import pyarrow as pa

    from vlboard.store import schema

    _, snap, _ = snapshots.current(base)
    tables = snapshots.read_tables(snap)  # format 4 or 5
    root.mkdir(parents=True, exist_ok=True)
    results_file = make_synthetic(snap, root, n_rows)
    stored = schema.arrow_schema("results", derived=False)  # year_status is judged by write_snapshot
    synthetic = pq.read_table(results_file).cast(stored)
    codes = sorted(set(synthetic.column("unit_code").to_pylist()))
    units = [
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
    tables["units"] = pa.concat_tables(
        [tables["units"], pa.Table.from_pylist(units, schema=schema.arrow_schema("units"))]
    )
    merged = pa.concat_tables([tables["results"].select(stored.names).cast(stored), synthetic])
    tables["results"] = merged.sort_by(
        [("year", "ascending"), ("indicator_code", "ascending"), ("period_end", "ascending")]
    )
    results_file.unlink()
    data = snapshots.DataDir(root)
    snapshots.write_snapshot(data, tables, author="bench", note=f"{n_rows} synthetic results")
    return data
