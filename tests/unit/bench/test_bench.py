"""The benchmark runs on small data and the DuckDB path equals the pandas baseline (no timings)."""

import datetime as dt

from vlboard import bench
from vlboard.bench import baselines, project
from vlboard.store import db, snapshots


def test_small_bench_agrees_with_pandas(shipped_data):
    out = bench.one_size(shipped_data, 20_000, repeat=1)
    assert out["checked_equal"] and out["n_units"] > 0
    assert out["rows_counted"] > 20_000  # the shipped results plus the synthetic ones
    text = bench.render([out])
    assert "| 20,000 |" in text and "pandas baseline" in text
    assert out["n_subjects"] > 124 and "Reporting completeness" in text  # communes, synthetic ones too
    assert out["n_agencies"] > 20 and out["agency_rows_counted"] > out["n_agencies"] and "Per-agency" in text
    goals = bench.render_goals([out], {"pages": [{"warm": out["scorecard"]}]}, None)
    assert "rule at read would be" in goals and "judge at write" in text
    assert out["on_read"]["median"] > 0 and out["judge_write"]["median"] > 0


def test_agency_baseline_disagrees_when_an_answer_is_wrong(shipped_data, monkeypatch):
    """The pandas baseline is computed independently: with every headline status forced to
    'achieved' it no longer matches the project's counts."""
    _, path, _ = snapshots.current(shipped_data)
    con = db.open_snapshot(path)
    try:
        end = dt.date(2025, 12, 31)
        right = project.agency_rollup_project(con, 2025, end).astype(int)
        assert right.equals(baselines.agency_rollup_pandas(path, 2025, end).astype(int))
        real = baselines.headline_status
        monkeypatch.setattr(baselines, "headline_status", lambda rows, cfg: real(rows, cfg).assign(status="achieved"))
        assert not right.equals(baselines.agency_rollup_pandas(path, 2025, end).astype(int))
    finally:
        con.close()
