"""The Polars (lazy) roll-up of the benchmark gives vlboard's counts; Polars stays out of the product;
the commit benchmark skips the full copy where it cannot run, saying why."""

import ast
from pathlib import Path

from vlboard.bench import baselines, commit, polars_path, project
from vlboard.bench.synthetic import synthetic_data_dir
from vlboard.store import db, snapshots

ROOT = Path(__file__).resolve().parents[3]


def test_polars_rollup_equals_vlboard_and_pandas(shipped_data, tmp_path):
    data = synthetic_data_dir(shipped_data, tmp_path / "syn", 5_000)
    _, snap, _ = snapshots.current(data)
    con = db.open_snapshot(snap)
    try:
        ours = project.project_path(con)
    finally:
        con.close()
    theirs = polars_path.polars_baseline(snap, snap / "results.parquet")
    assert polars_path.same_counts(ours, theirs)
    assert polars_path.same_counts(theirs, baselines.pandas_baseline(snap, snap / "results.parquet"))
    assert int(theirs.n.sum()) > 5_000  # the shipped results and the synthetic ones
    assert {"achieved", "near", "not_achieved", "no_data", "not_due"} <= set(theirs.status)


def test_same_counts_sees_a_difference():
    a = polars_path.pd.DataFrame({"pillar": ["p", "p"], "status": ["achieved", "near"], "n": [3, 1]})
    assert polars_path.same_counts(a, a.copy())
    assert not polars_path.same_counts(a, a.assign(n=[3, 2]))
    assert not polars_path.same_counts(a, a.iloc[:1])  # a status missing on one side


def test_polars_is_a_benchmark_only_dependency():
    """Only bench/polars_path.py uses Polars, inside its functions; it is pinned for the tests only."""
    users = []
    for path in (ROOT / "vlboard").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n.split(".")[0] == "polars" for n in names):
                users.append(path.relative_to(ROOT).as_posix())
                assert node not in tree.body, f"{path}: polars imported at module level"
    assert users and set(users) == {"vlboard/bench/polars_path.py"}
    assert "polars==2.1.0" in (ROOT / "requirements-test.txt").read_text().splitlines()
    assert "polars" not in (ROOT / "requirements.txt").read_text()


def test_full_copy_is_skipped_beyond_its_limit_with_the_reason():
    assert commit.full_copy_skipped(1_000_000) is None
    reason = commit.full_copy_skipped(10_000_000)
    assert reason and "10,000,000" in reason and "25 GB" in reason
    delta = {"values": 222, "seconds": [0.5, 0.7], "median": 0.6, "bytes": 1.5e6, "peak_rss_mb": 700}
    first = {"values": 222, "seconds": [9.0], "median": 9.0, "bytes": 2.0e8, "peak_rss_mb": 3000}
    row = {"rows": 10_000_000, "full_skipped": reason, "delta_first": first, "delta": delta}
    text = commit.render([row], "test machine")
    assert (
        "| 10,000,000 | 222 | not run (below) | – | – | 9.00 | 200.00 | 3,000 | 0.60 (0.50–0.70) | 1.50 | 700 | – |"
        in text
    )
    assert reason in text


def test_polars_unit_rollup_equals_vlboard(shipped_data, tmp_path):
    import datetime as dt

    data = synthetic_data_dir(shipped_data, tmp_path / "syn", 5_000)
    _, snap, _ = snapshots.current(data)
    end = dt.date(2025, 12, 31)
    con = db.open_snapshot(snap)
    try:
        ours = project.unit_rollup_project(con, 2025, end).astype(int)
    finally:
        con.close()
    theirs = polars_path.unit_rollup_polars(snap, snap / "results.parquet", 2025, end)
    assert list(theirs.index) == list(ours.index) and len(ours) > 10
    assert theirs.to_numpy().tolist() == ours.to_numpy().tolist()
    assert list(theirs.columns) == list(ours.columns) and theirs.to_numpy().sum() > len(ours)
    earlier = polars_path.unit_rollup_polars(snap, snap / "results.parquet", 2024, dt.date(2024, 12, 31))
    assert earlier.to_numpy().tolist() != theirs.to_numpy().tolist()  # the year and date are used


def test_peak_rss_is_the_process_own_not_its_parents():
    """A child started by subprocess reports its own peak (ru_maxrss would report the parent's)."""
    import subprocess
    import sys

    from vlboard.bench.timing import peak_rss_mb

    big = bytearray(400 * 2**20)
    big[::4096] = b"\x01" * len(big[::4096])  # touch every page: the parent's RSS grows by 400 MB
    assert peak_rss_mb() > 400
    code = (
        "import importlib.util as u; s = u.spec_from_file_location('t', r'%s'); m = u.module_from_spec(s); "
        "s.loader.exec_module(m); print(m.peak_rss_mb())" % (ROOT / "vlboard" / "bench" / "timing.py")
    )
    child = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    del big
    assert 0 < child < 200
