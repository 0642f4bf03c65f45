"""The streamed synthetic data folder (bench/synthetic.stream_data_dir, the 100 M benchmark's input) is a
genuine format-5 folder: it verifies, holds every row, stores the same year_status as the in-memory
path, and takes an import."""

import pyarrow.compute as pc
import pytest

from vlboard.bench import commit, synthetic
from vlboard.store import db, schema, snapshots


def _status_by_id(data: snapshots.DataDir) -> dict:
    _, snap, _ = snapshots.current(data)
    t = snapshots.read_table(snap, "results", columns=["result_id", "year_status"])
    return dict(zip(t["result_id"].to_pylist(), t["year_status"].to_pylist(), strict=True))


def test_streamed_folder_equals_the_in_memory_one(shipped_data, tmp_path):
    streamed = synthetic.stream_data_dir(shipped_data, tmp_path / "stream", 10_000)
    sid, snap, manifest = snapshots.current(streamed)  # verifies every Delta file's checksum
    assert manifest["format"] == snapshots.FORMAT_DELTA
    con = db.open_snapshot(snap)
    try:
        n_units = synthetic.n_units_for(con, 10_000)
        n_ind = synthetic._n_indicators(con)
        got = con.execute("select count(*) from results where unit_code like 'syn-%'").fetchone()[0]
    finally:
        con.close()
    # every commune gets every month: 10,000 rounded up to whole communes
    assert got == n_ind * n_units * synthetic.MONTHS and 10_000 <= got < 10_000 + n_ind * synthetic.MONTHS
    shipped = snapshots.read_table(snapshots.current(shipped_data)[1], "results", columns=["result_id"]).num_rows
    assert manifest["tables"]["results"]["rows"] == shipped + got
    in_memory = synthetic.synthetic_data_dir(shipped_data, tmp_path / "memory", got)  # the same grid, whole
    a, b = _status_by_id(streamed), _status_by_id(in_memory)
    assert len(a) == len(b) == shipped + got and a == b
    assert {"achieved", "near", "not_achieved", "no_data"} <= set(a.values())


def test_streamed_folder_with_the_first_report_is_judged_whole_and_takes_an_import(shipped_data, tmp_path):
    data = synthetic.stream_data_dir(shipped_data, tmp_path / "stream", 10_000, reported=True)
    _, snap, _ = snapshots.current(data)
    catalogue = {t: snapshots.read_table(snap, t) for t in ("indicators", "targets", "status_config")}
    results = snapshots.read_table(snap, "results")
    reports = results.filter(pc.equal(results.column("source"), "report"))
    assert reports.num_rows > 100 and set(reports["unit_code"].to_pylist()) == {synthetic.FIRST_UNIT}
    whole = db.judge_results({**catalogue, "results": results})  # every row judged at once
    assert whole.column("year_status").equals(results.column("year_status"))
    stored = schema.arrow_schema("results", derived=False).names
    assert whole.select(stored).equals(results.select(stored))
    before = snapshots.current_id(data)
    out = commit.run_path(data.root, "delta", 1, first=1)  # an ordinary report, as the benchmark's
    assert out["values"] > 100 and snapshots.current_id(data) != before
    _, after, manifest = snapshots.current(data)
    assert manifest["tables"]["results"]["rows"] == results.num_rows


def test_rollups_on_a_streamed_folder_agree_with_polars_and_skip_pandas_at_scale(shipped_data, tmp_path):
    from vlboard.bench import run

    data = synthetic.stream_data_dir(shipped_data, tmp_path / "stream", 10_000, reported=True)
    out = run.rollups_here(data, 1)
    assert out["checked_equal"] and out["n_units"] > 2 and out["files"] >= 3  # one folder per year at least
    assert out["rows_counted"] == out["rows"] and out["pandas"] == "run it with --one"
    assert run.pandas_skipped(10_000_000) is None
    assert "pandas not run at 100,000,000 results" in run.pandas_skipped(100_000_000)


def test_commit_table_says_why_the_first_report_is_not_run():
    d = {"values": 218, "median": 1.0, "seconds": [1.0], "bytes": 2e6, "peak_rss_mb": 500}
    row = {"rows": 100_000_000, "full_skipped": commit.full_copy_skipped(100_000_000), "delta": d}
    row["first_skipped"] = commit.FIRST_REPORT_SKIPPED.format(n=100_000_000, gb=23.5)
    text = commit.render([row], "test machine")
    assert "| 100,000,000 | 218 | not run (below) | – | – | not run (below) | – | – |" in text
    assert "- first report not run at 100,000,000 results" in text and "~24 GB here" in text


def test_synthetic_rows_labelled_as_reports_for_the_real_deployment_commit(shipped_data, tmp_path):
    """`bench --make-data N --synthetic-source report`: the rows a real deployment holds (reports,
    not demo), so the commit benchmark reads what a real import reads; in memory only."""
    made = synthetic.make_data_dir(shipped_data, tmp_path / "real", 10_000, source="report")
    data = snapshots.DataDir(tmp_path / "real")
    t = snapshots.read_table(snapshots.current(data)[1], "results", columns=["unit_code", "source"])
    syn = t.filter(pc.starts_with(t.column("unit_code"), "syn-"))
    assert made["root"] == str(data.root) and syn.num_rows >= 10_000
    assert set(syn.column("source").to_pylist()) == {"report"}
    with pytest.raises(ValueError, match="synthetic-source report"):
        synthetic.make_data_dir(shipped_data, tmp_path / "big", synthetic.STREAM_ABOVE_ROWS + 1, source="report")


def test_disk_after_imports_counts_the_log_and_leaves_the_live_version_whole(shipped_data, tmp_path):
    root = tmp_path / "disk"
    root.mkdir()
    got = commit.disk_after(shipped_data, root, 3)
    assert got["imports"] == 3 and got["bytes_after_vacuum"] < got["bytes"]
    assert got["log_bytes"] > 0 and got["log_files_removed"] == 0, "no checkpoint yet (one every 100 commits)"
    assert got["snapshot_bytes_after_vacuum"] < got["bytes_after_vacuum"]
    data = snapshots.DataDir(root)
    _, snap, manifest = snapshots.current(data)  # verifies every file the live version reads
    assert len(snapshots.list_snapshots(data)) == 1 and manifest["format"] == snapshots.FORMAT_DELTA
