"""The benchmark runs on small data and the DuckDB path equals the pandas baseline (no timings)."""

from vlboard import bench


def test_small_bench_agrees_with_pandas(shipped_data):
    out = bench.one_size(shipped_data, 20_000, repeat=1)
    assert out["checked_equal"] and out["n_units"] > 0
    assert out["rows_counted"] > 20_000  # the shipped results plus the synthetic ones
    text = bench.render([out])
    assert "| 20,000 |" in text and "pandas baseline" in text
    assert out["n_subjects"] > 124 and "Reporting completeness" in text  # communes, synthetic ones too
