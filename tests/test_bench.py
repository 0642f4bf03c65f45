"""The benchmark runs on small data and the DuckDB path equals the pandas baseline (no timings)."""

from vlboard import bench, snapshots


def test_small_bench_agrees_with_pandas(shipped_data):
    _, snapshot, _ = snapshots.current(shipped_data)
    out = bench.one_size(snapshot, 20_000, repeat=1)
    assert out["checked_equal"] and out["rows_counted"] == 20_000
    text = bench.render([out])
    assert "| 20,000 |" in text and "pandas baseline" in text
