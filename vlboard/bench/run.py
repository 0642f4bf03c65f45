"""Running the benchmark: every figure at one size (each path asserted equal to its pandas
baseline), the exports, and the whole run with each step in its own process so that peak RSS
belongs to that step alone."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from vlboard.bench import report
from vlboard.bench.baselines import agency_rollup_pandas, completeness_pandas, pandas_baseline, unit_rollup_pandas
from vlboard.bench.polars_path import polars_baseline, same_counts, unit_rollup_polars
from vlboard.bench.project import (
    agency_rollup_project,
    bare_scan,
    completeness_project,
    project_path,
    unit_rollup_project,
)
from vlboard.bench.synthetic import synthetic_data_dir
from vlboard.bench.timing import peak_rss_mb, timed
from vlboard.store import db, queries, snapshots


def one_size(base: snapshots.DataDir, n_rows: int, repeat: int) -> dict:
    """All roll-up figures at one size, on a whole synthetic data folder (real catalogue, synthetic
    communes, ``n_rows`` results), each path checked equal to its pandas baseline."""
    end = dt.date(2025, 12, 31)
    with tempfile.TemporaryDirectory(prefix="vlboard-bench-") as tmp:
        t0 = time.perf_counter()
        data = synthetic_data_dir(base, Path(tmp), n_rows)
        gen = time.perf_counter() - t0
        _, snapshot, _ = snapshots.current(data)
        results = snapshot / "results.parquet"
        con = db.open_snapshot(snapshot)
        on_read = db.open_snapshot(snapshot, judge_on_read=True)  # a format-2 snapshot: rule at read time
        ours, base_counts = project_path(con), pandas_baseline(snapshot, results)
        merged = ours.merge(base_counts, on=["pillar", "status"], how="outer", suffixes=("_duckdb", "_pandas"))
        if not (merged.n_duckdb == merged.n_pandas).all():
            raise AssertionError(f"DuckDB and pandas disagree:\n{merged}")
        if not same_counts(ours, polars_baseline(snapshot, results)):
            raise AssertionError("DuckDB and Polars disagree")
        if not project_path(on_read).equals(ours):
            raise AssertionError("the stored year_status and the rule at read time disagree")
        inputs = {
            t: pq.read_table(snapshot / f"{t}.parquet") for t in ("results", "indicators", "targets", "status_config")
        }
        a, b = unit_rollup_project(con, 2025, end), unit_rollup_pandas(snapshot, 2025, end)
        if not a.astype(int).to_numpy().tolist() == b.astype(int).to_numpy().tolist() or list(a.index) != list(b.index):
            raise AssertionError("per-unit roll-ups disagree between DuckDB and pandas")
        if unit_rollup_polars(snapshot, results, 2025, end).to_numpy().tolist() != a.astype(int).to_numpy().tolist():
            raise AssertionError("per-unit roll-ups disagree between DuckDB and Polars")
        e, f = agency_rollup_project(con, 2025, end), agency_rollup_pandas(snapshot, 2025, end)
        if not e.astype(int).equals(f.astype(int)):
            raise AssertionError(f"per-agency roll-ups disagree between DuckDB and pandas:\n{e.compare(f)}")
        c, d = completeness_project(con, "2025"), completeness_pandas(snapshot, "2025")
        if c.astype(str).to_numpy().tolist() != d.astype(str).to_numpy().tolist():
            raise AssertionError(f"completeness disagrees between DuckDB and pandas:\n{c.compare(d)}")
        out = {
            "rows": n_rows,
            "generate_s": gen,
            "checked_equal": True,
            "n_units": len(a),
            "duckdb": timed(lambda: project_path(con), repeat),
            "pandas": timed(lambda: pandas_baseline(snapshot, results), repeat),
            "polars": timed(lambda: polars_baseline(snapshot, results), repeat),
            "bare_scan": timed(lambda: bare_scan(con), repeat),
            "on_read": timed(lambda: project_path(on_read), repeat),
            "judge_write": timed(lambda: db.judge_results(inputs), repeat),
            "units_duckdb": timed(lambda: unit_rollup_project(con, 2025, end), repeat),
            "units_pandas": timed(lambda: unit_rollup_pandas(snapshot, 2025, end), repeat),
            "units_polars": timed(lambda: unit_rollup_polars(snapshot, results, 2025, end), repeat),
            "agencies_duckdb": timed(lambda: agency_rollup_project(con, 2025, end), repeat),
            "agencies_pandas": timed(lambda: agency_rollup_pandas(snapshot, 2025, end), repeat),
            "n_agencies": len(e),
            "agency_rows_counted": int(e.to_numpy().sum()),
            "completeness_duckdb": timed(lambda: completeness_project(con, "2025"), repeat),
            "completeness_pandas": timed(lambda: completeness_pandas(snapshot, "2025"), repeat),
            "n_subjects": len(c),
            "scorecard": timed(
                lambda: (
                    db.forget_status(con),
                    queries.run(con, "status_indicators", year=2025, period_end=end, include_demo=True),
                ),
                repeat,
            ),
            "rows_counted": int(ours.n.sum()),
        }
    out["peak_rss_mb"] = peak_rss_mb()
    return out


# The 10 M roll-up process peaked at 7.9 GB with its pandas baselines (05/12/2026): at ten times the
# rows pandas would need several times the machine's 24 GiB.
PANDAS_MAX_ROWS = 10_000_000


def pandas_skipped(n_rows: int) -> str | None:
    """Why the pandas baselines are not run at ``n_rows`` results (None: they are run)."""
    if n_rows <= PANDAS_MAX_ROWS:
        return None
    return (
        f"pandas not run at {n_rows:,} results: the 10 M roll-up process peaked at 7.9 GB with its pandas "
        f"baselines, ~{n_rows / 1e7 * 7.9:.0f} GB at this size"
    )


def rollups_here(data: snapshots.DataDir, repeat: int) -> dict:
    """The roll-ups on this data folder (format 5, e.g. ``stream_data_dir``'s 100 M results): vlboard
    against Polars (lazy) over the same Delta files, asserted equal; pandas is not run above
    PANDAS_MAX_ROWS (``pandas_skipped``)."""
    end = dt.date(2025, 12, 31)
    _, snapshot, manifest = snapshots.current(data)
    n_rows = int(manifest["tables"]["results"]["rows"])
    files = snapshots.data_files(snapshot, "results")
    con = db.open_snapshot(snapshot)
    ours = project_path(con)
    if not same_counts(ours, polars_baseline(snapshot, files)):
        raise AssertionError("DuckDB and Polars disagree")
    a = unit_rollup_project(con, 2025, end).astype(int)
    b = unit_rollup_polars(snapshot, files, 2025, end)
    if b.to_numpy().tolist() != a.to_numpy().tolist() or list(a.index) != list(b.index):
        raise AssertionError("per-unit roll-ups disagree between DuckDB and Polars")
    unit_rollup_project(con, 2025, end, kept=True)  # computes the rows and keeps them for the snapshot
    c = unit_rollup_project(con, 2025, end, kept=True).astype(int)  # read back from what was kept
    if c.to_numpy().tolist() != a.to_numpy().tolist() or list(a.index) != list(c.index):
        raise AssertionError("per-unit roll-ups disagree between kept and computed status rows")
    out = {
        "rows": n_rows,
        "files": len(files),
        "checked_equal": True,
        "pandas": pandas_skipped(n_rows) or "run it with --one",
        "n_units": len(a),
        "rows_counted": int(ours.n.sum()),
        "duckdb": timed(lambda: project_path(con), repeat),
        "polars": timed(lambda: polars_baseline(snapshot, files), repeat),
        "bare_scan": timed(lambda: bare_scan(con), repeat),
        "units_duckdb": timed(lambda: unit_rollup_project(con, 2025, end), repeat),
        "units_polars": timed(lambda: unit_rollup_polars(snapshot, files, 2025, end), repeat),
        # the rows kept for the snapshot read back, as a page process opening it does
        "units_duckdb_kept": timed(lambda: unit_rollup_project(con, 2025, end, kept=True), repeat),
        "agencies_duckdb": timed(lambda: agency_rollup_project(con, 2025, end), repeat),
        "completeness_duckdb": timed(lambda: completeness_project(con, "2025"), repeat),
    }
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def export_times(data: snapshots.DataDir, repeat: int) -> dict:
    """Server-side PNG of one chart (first call starts Chromium: cold; then warm) and full packs."""
    from vlboard import charts
    from vlboard.board import screens
    from vlboard.domain import filters
    from vlboard.export import pack, pdf, png, pptx
    from vlboard.store.source import Snapshot

    ok, reason = png.available()
    src = Snapshot.current(data)
    options = screens.filter_options(src, True)
    f, _ = filters.parse({}, options)
    out = {"png_ok": ok, "png_reason": reason}
    if ok:
        fig = charts.pillar_gauge(72.5, 3, 8, pillar_label="Chính quyền số", data_date="30/09/2025")
        t0 = time.perf_counter()
        png.figure_png(fig, width=700, height=420)
        out["png_cold"] = time.perf_counter() - t0
        out["png_warm"] = timed(lambda: png.figure_png(fig, width=700, height=420), max(repeat, 5))
    out["pack_pdf"] = timed(lambda: pdf.render(pack.build(src, f, options, snapshot_id=src.snapshot_id)), repeat)
    out["pack_pptx"] = timed(lambda: pptx.render(pack.build(src, f, options, snapshot_id=src.snapshot_id)), repeat)
    return out


def _json_run(data_root: Path, *args: str):
    """Run one benchmark step in its own process (clean memory figures) and read its JSON line."""
    proc = subprocess.run(
        [sys.executable, "-m", "vlboard", "--data", str(data_root), "bench", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(rows: list[int], out: Path | None, repeat: int, data: snapshots.DataDir) -> list[dict]:
    snapshots.current(data)  # no snapshot: fail before any step starts
    pages = _json_run(data.root, "--pages", "--repeat", str(max(repeat, 5)))
    large = None
    if rows:
        with tempfile.TemporaryDirectory(prefix="vlboard-national-") as tmp:
            _json_run(data.root, "--make-data", str(max(rows)), "--into", tmp)
            large = _json_run(Path(tmp), "--pages", "--repeat", str(repeat))
    exports = _json_run(data.root, "--exports", "--repeat", str(repeat))
    results = []
    for n in rows:
        results.append(_json_run(data.root, "--one", str(n), "--repeat", str(repeat)))
        print(
            f"{n:>12,} rows: duckdb {results[-1]['duckdb']['median']:.3f}s, "
            f"pandas {results[-1]['pandas']['median']:.3f}s, polars {results[-1]['polars']['median']:.3f}s",
            file=sys.stderr,
        )
    if out is not None:
        report.write(out, results, pages, large, max(rows) if rows else None, exports)
        from vlboard.bench import backtest  # the outlook's backtest: under a second on the shipped data
        from vlboard.store.source import Snapshot

        backtest.write(Snapshot.current(data), out)
    return results
