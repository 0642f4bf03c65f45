"""The import commit at scale: one ward's report (one value per indicator, replacing the values
of one period) committed into a synthetic data folder, by the full-copy path (snapshot format 4:
read every table, write a whole new snapshot) and by the Delta path (format 5: merge what changed,
vlboard.store.increments), side by side in one run. Each path runs in its own process, so its peak
RSS is the writing process's own; bytes written are the bytes of the files each commit adds.

Over 300 lines: the commit benchmarks (full copy, Delta, the disk after many imports and its Delta
log) share one synthetic report, one audit row and one way of counting bytes and peak RSS."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from vlboard.bench.synthetic import synthetic_data_dir
from vlboard.bench.timing import peak_rss_mb
from vlboard.store import build, increments, schema, snapshots

# The full copy held ~2.5 GB per million results and took ~40 s per million (measured at 1 M,
# 05/12/2026): beyond this size it would need more than ~16 GB and ~10 min on the 24 GiB machine.
FULL_COPY_MAX_ROWS = 5_000_000


def full_copy_skipped(n_rows: int) -> str | None:
    """Why the full-copy path is not run at ``n_rows`` results (None: it is run)."""
    if n_rows <= FULL_COPY_MAX_ROWS:
        return None
    return (
        f"full copy skipped at {n_rows:,} results: at ~2.5 GB and ~40 s per million results (measured at "
        f"1 M) it would need ~{n_rows / 1e6 * 2.5:.0f} GB and ~{n_rows / 1e6 * 40 / 60:.0f} min"
    )


def _log_bytes(root: Path) -> int:
    """Bytes of the Delta logs (entries, checkpoints) of every table under ``root``."""
    return sum(f.stat().st_size for f in (root / "tables").glob("*/_delta_log/*") if f.is_file())


def _sizes(root: Path) -> dict[str, int]:
    return {str(p): p.stat().st_size for p in root.rglob("*") if p.is_file()}


def report_rows(data: snapshots.DataDir, k: int) -> list[dict]:
    """One synthetic commune's values of one month, changed (what a ward's import writes)."""
    _, path, _ = snapshots.current(data)
    import pyarrow.compute as pc

    month = [("period", "=", "2025-12")]
    codes = snapshots.read_table(path, "results", columns=["unit_code"], filters=month).column("unit_code")
    unit = sorted(u for u in pc.unique(codes.drop_null()).to_pylist() if u.startswith("syn-"))[k]
    # only that commune's rows are read whole and become Python objects: the month's rows would weigh
    # more than the commit itself (~470 MB as dicts at 10 M results, 2.8 M rows at 100 M) and count in
    # its peak RSS
    rows = snapshots.read_table(path, "results", filters=[*month, ("unit_code", "=", unit)]).to_pylist()
    now = dt.datetime(2026, 1, 5, 9, 0)
    stored = schema.arrow_schema("results", derived=False).names
    return [
        {c: r[c] for c in stored}
        | dict(
            result_id=f"report:{r['indicator_code']}:{unit}:{r['period']}",
            value=(r["value"] or 0) + 1 + k,
            source="report",
            reported_by="bench",
            reported_at=now,
            source_ref=f"imp-bench-{k}",
        )
        for r in rows
    ]


def _audit(k: int, n: int) -> dict:
    return dict.fromkeys(schema.arrow_schema("imports").names) | dict(
        import_id=f"imp-bench-{k}", username="bench", role="admin", n_new=0, n_changed=n, n_unchanged=0
    )


def commit_full(data: snapshots.DataDir, rows: list[dict], audit: dict) -> str:
    """What vlboard.intake.imports.commit does on a format-4 folder."""
    import pyarrow as pa

    with snapshots.write_lock(data):
        _, path, _ = snapshots.current(data)
        tables = {t: pq.read_table(path / f"{t}.parquet") for t in schema.TABLES}
        tables["results"] = build.with_reports(tables["results"].to_pylist(), rows)
        tables["imports"] = pa.concat_tables(
            [tables["imports"], pa.Table.from_pylist([audit], schema=schema.arrow_schema("imports"))]
        )
        return snapshots.write_snapshot(
            data, tables, author="bench", note="bench", event={"action": "import", "user": "bench"}
        )


def commit_delta(data: snapshots.DataDir, rows: list[dict], audit: dict) -> str:
    with snapshots.write_lock(data):
        return increments.commit_reports(
            data, rows, audit, author="bench", note="bench", event={"action": "import", "user": "bench"}
        )


def run_path(root: Path, which: str, repeat: int, first: int = 0) -> dict:
    """In this process: ``repeat`` commits by one path into the folder at ``root`` (migrated to
    format 5 beforehand, in another process, for the Delta path), the reports of synthetic communes
    ``first``, ``first + 1``, …"""
    data = snapshots.DataDir(root)
    commit = commit_full if which == "full" else commit_delta
    seconds, written = [], []
    for k in range(first, first + repeat):
        rows = report_rows(data, k)
        before = _sizes(root)
        t0 = time.perf_counter()
        commit(data, rows, _audit(k, len(rows)))
        seconds.append(time.perf_counter() - t0)
        after = _sizes(root)
        written.append(sum(v for p, v in after.items() if before.get(p) != v))
    return {
        "path": which,
        "values": len(rows),
        "seconds": seconds,
        "median": statistics.median(seconds),
        "bytes": statistics.median(written),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def one_size(base: snapshots.DataDir, n_rows: int, repeat: int, run_json) -> dict:
    """Both paths at one size, each in its own process (``run_json(root, *args)``)."""
    from vlboard.bench import synthetic

    if n_rows > synthetic.STREAM_ABOVE_ROWS:
        return _streamed_size(base, n_rows, repeat, run_json)
    with tempfile.TemporaryDirectory(prefix="vlboard-commit-") as tmp:
        made = synthetic_data_dir(base, Path(tmp) / "full", n_rows)
        skipped = full_copy_skipped(n_rows)
        if skipped:
            print(skipped, file=sys.stderr)
            made.root.rename(Path(tmp) / "delta")
        else:
            shutil.copytree(made.root, Path(tmp) / "delta")
        subprocess.run([sys.executable, "-m", "vlboard", "--data", str(Path(tmp) / "delta"), "migrate"], check=True)
        out: dict = {"rows": n_rows, "full_skipped": skipped}
        if not skipped:
            out["full"] = run_json(Path(tmp) / "full", "--commit-path", "full", "--repeat", str(repeat))
        # the first report is the first real value of the synthetic indicators: it moves their path
        # baseline, so all their rows are judged and rewritten (once in an indicator's life); its
        # own process, so that the later commits' peak RSS is theirs
        out["delta_first"] = run_json(Path(tmp) / "delta", "--commit-path", "delta", "--repeat", "1")
        out["delta"] = run_json(
            Path(tmp) / "delta", "--commit-path", "delta", "--repeat", str(repeat), "--commit-from", "1"
        )
    return out


FIRST_REPORT_SKIPPED = (
    "first report not run at {n:,} results: it judges and rewrites every row of the synthetic indicators in "
    "memory (2.35 GB at 10 M results, ~{gb:.0f} GB here); the folder is written with it already in "
    "(synthetic.stream_data_dir, reported=True)"
)


def _streamed_size(base: snapshots.DataDir, n_rows: int, repeat: int, run_json) -> dict:
    """Above STREAM_ABOVE_ROWS: the folder is written month by month on format 5 with the first report
    already in (neither the full copy nor the first report's rejudging fits in memory); ordinary reports."""
    from vlboard.bench import synthetic

    with tempfile.TemporaryDirectory(prefix="vlboard-commit-") as tmp:
        synthetic.stream_data_dir(base, Path(tmp) / "delta", n_rows, reported=True)
        out: dict = {"rows": n_rows, "full_skipped": full_copy_skipped(n_rows)}
        out["first_skipped"] = FIRST_REPORT_SKIPPED.format(n=n_rows, gb=n_rows / 1e7 * 2.35)
        out["delta"] = run_json(
            Path(tmp) / "delta", "--commit-path", "delta", "--repeat", str(repeat), "--commit-from", "1"
        )
    return out


def render(results: list[dict], machine: str) -> str:
    def mb(b):
        return f"{b / 1e6:,.2f}"

    def span(x):
        return f"{x['median']:.2f} ({min(x['seconds']):.2f}–{max(x['seconds']):.2f})"

    lines = [
        "## Import commit (write path)",
        "",
        f"`python -m vlboard bench --commit {','.join(str(r['rows']) for r in results)}`: one synthetic "
        "commune's values of one month "
        "(one per numeric indicator, each replacing a value) committed into a whole synthetic data folder, "
        "median (min–max) of the runs. *Delta, first report*: the first real value of each synthetic "
        "indicator (it moves the indicator's path baseline, so every row of those indicators is judged and "
        "written again: once in an indicator's life), in its own process; *Delta* is the reports after it "
        "(other communes, same month), in another process. *bytes* are the files the commit adds or rewrites; "
        "*peak RSS* is the writing "
        "process's (data generation and the migration to format 5 in other processes). *full copy*: snapshot format 4 (every table "
        "read into Python and written again). *Delta*: format 5 (results and the imports audit in Delta "
        f"Lake, merge of what changed). Machine: {machine}.",
        "",
        "| results | values | full copy s | full copy MB written | full copy peak RSS MB "
        "| Delta, first report s | MB written | peak RSS MB "
        "| Delta s | Delta MB written | Delta peak RSS MB | speed-up |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    notes = []
    for r in results:
        f, d = r.get("full"), r["delta"]
        full = f"{span(f)} | {mb(f['bytes'])} | {f['peak_rss_mb']:,}" if f else "not run (below) | – | –"
        speed = f"{f['median'] / d['median']:.1f}×" if f else "–"
        g = r.get("delta_first")
        skip = "not run (below) | – | –" if r.get("first_skipped") else "– | – | –"
        first = f"{g['median']:.2f} | {mb(g['bytes'])} | {g['peak_rss_mb']:,}" if g else skip
        lines.append(
            f"| {r['rows']:,} | {d['values']} | {full} | {first} "
            f"| {span(d)} | {mb(d['bytes'])} | {d['peak_rss_mb']:,} | {speed} |"
        )
        if r.get("full_skipped"):
            notes.append(f"- {r['full_skipped']}.")
        if r.get("first_skipped"):
            notes.append(f"- {r['first_skipped']}.")
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


def machine() -> str:
    import os
    import platform

    import deltalake

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores, {mem:.0f} GiB, {platform.platform()}, Python {platform.python_version()}, "
        f"deltalake {deltalake.__version__}"
    )


def main(base: snapshots.DataDir, rows: list[int], repeat: int, out: Path | None, run_json) -> str:
    from vlboard.bench import report

    results = [one_size(base, n, repeat, run_json) for n in rows]
    section = render(results, machine())
    if out is not None:
        out.write_text(report.replace_section(out.read_text(encoding="utf-8"), section), encoding="utf-8")
    return json.dumps(results)


def disk_after(base: snapshots.DataDir, root: Path, n: int) -> dict:
    """Disk use of a format-5 copy of the shipped data after ``n`` imports (each one commune's
    demo values of one period, reported), then after ``vacuum`` with every snapshot past the
    retention but the live one; next to what format 4 would hold (one whole snapshot per import)."""
    import datetime as dt_

    from vlboard.store import retention

    for part in ("source", "documents", "geo"):
        if (base.root / part).is_dir():
            shutil.copytree(base.root / part, root / part)
    data = snapshots.DataDir(root)
    build.build(data, author="bench")
    _, path, _ = snapshots.current(data)
    one_snapshot = sum(p.stat().st_size for p in path.iterdir()) + sum(
        f.stat().st_size for t in ("results", "imports") for f in snapshots.data_files(path, t)
    )
    demo = snapshots.read_table(path, "results", filters=[("source", "=", "demo")]).to_pylist()
    groups: dict[tuple, list[dict]] = {}
    for r in demo:
        groups.setdefault((r["unit_code"], r["agency_code"], r["period"]), []).append(r)
    keys = sorted(groups, key=str)
    stored = schema.arrow_schema("results", derived=False).names
    t0 = time.perf_counter()
    for k in range(n):
        rows = [
            {c: r[c] for c in stored}
            | dict(
                result_id=f"report:{r['indicator_code']}:{r['unit_code'] or r['agency_code']}:{r['period']}",
                value=(r["value"] or 0) + 1 + k // len(keys),
                source="report",
                reported_by="bench",
                reported_at=dt_.datetime(2026, 1, 5, 9, 0),
            )
            for r in {x["indicator_code"]: x for x in groups[keys[k % len(keys)]]}.values()  # one per indicator
        ]
        commit_delta(data, rows, _audit(k, len(rows)))
        if (k + 1) % 50 == 0:  # progress, and a figure to quote if a long run must be stopped
            used = sum(_sizes(root / "snapshots").values()) + sum(_sizes(root / "tables").values())
            print(
                f"{k + 1} imports, {time.perf_counter() - t0:.0f} s, {used / 1e6:.1f} MB", file=sys.stderr, flush=True
            )
    seconds = time.perf_counter() - t0
    size = sum(_sizes(root / "snapshots").values()) + sum(_sizes(root / "tables").values())
    log = _log_bytes(root)
    days = 10_000  # the vacuum runs that much later: the snapshots and the log entries are that old
    later = dt_.datetime.now(dt_.UTC) + dt_.timedelta(days=days)
    old = time.time() - days * 86400
    for f in (root / "tables").glob("*/_delta_log/*"):
        os.utime(f, (old, old))
    done = retention.vacuum(data, dry_run=False, now=later)
    after = sum(_sizes(root / "snapshots").values()) + sum(_sizes(root / "tables").values())
    return {
        "imports": n,
        "seconds": seconds,
        "bytes": size,
        "log_bytes": log,
        "log_files_removed": sum(k for k, _ in done.log.values()),
        "bytes_after_vacuum": after,
        "log_bytes_after_vacuum": _log_bytes(root),
        "snapshot_bytes_after_vacuum": sum(_sizes(root / "snapshots").values()),
        "one_snapshot_bytes": one_snapshot,
        "format4_bytes": one_snapshot * (n + 1),
        "results_files": len(snapshots.data_files(snapshots.current(data)[1], "results")),
    }
