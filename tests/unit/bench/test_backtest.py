"""The outlook's backtest (vlboard.bench.backtest): it runs on series frames and on the shipped
snapshot, and its coverage is counted from the held-out values, not set."""

import datetime as dt

import numpy as np
import pandas as pd

from vlboard.bench import backtest
from vlboard.store.source import Snapshot


def frame(n_series: int = 12, n_points: int = 8, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ends = [pd.Timestamp(dt.date(2023, 3, 31)) + pd.offsets.QuarterEnd(i) for i in range(n_points)]
    rows = []
    for s in range(n_series):
        level = 30 + 3 * s
        for i, end in enumerate(ends):
            value = float(np.clip(level + 1.5 * i + rng.normal(0, 2), 0, 100))
            rows.append((f"X-{s:02d}", "percent", "%", "higher", f"q{i}", end, value, "demo"))
    return pd.DataFrame(
        rows,
        columns=["indicator_code", "kind", "measure_unit", "direction", "period", "period_end", "value", "source"],
    )


def test_coverage_is_counted_from_the_held_out_values():
    series = frame()
    r = backtest.run(series, "thử", 1)
    assert r.n_series == r.n_tested == 12 and r.n_short == 0
    assert r.coverage is not None and 0 <= r.coverage <= 1
    assert r.mae_percent is not None and r.median_percent is not None and r.mae_other is None
    # move held-out values far outside any range: the coverage follows the data
    last = series.groupby("indicator_code").period_end.transform("max") == series.period_end
    three = series.indicator_code.isin(["X-00", "X-01", "X-02"]) & last
    some = backtest.run(series.assign(value=series.value.where(~three, 99.9)), "thử", 1)
    every = backtest.run(series.assign(value=series.value.where(~last, 99.9)), "thử", 1)
    assert r.coverage > 0.5 and every.coverage == 0.0
    assert r.coverage - 3 / 12 - 1e-9 <= some.coverage <= r.coverage
    assert some.mae_percent > r.mae_percent
    table = backtest.section([r, every], "Machine: test.")
    assert (
        f"| {100 * r.coverage:.1f}% |" in table
        and "| 0.0% |" in table
        and "under the nominal 80% (lowest 0.0%" in table
    )


def test_short_series_are_counted_not_tested():
    series = frame(n_series=3, n_points=2)
    r = backtest.run(series, "thử", 1)
    assert (r.n_series, r.n_tested, r.n_short, r.coverage) == (0, 0, 3, None)
    assert "chưa đủ số liệu" in backtest.text([r])


def test_backtest_runs_on_the_shipped_snapshot(shipped_data):
    results = backtest.backtest(Snapshot.current(shipped_data))
    assert [r.holdout for r in results] == [1, 2, 1, 2]
    real, demo = results[0], results[2]
    assert real.label == "số liệu thật" and real.n_short > 0
    assert demo.n_tested > 0 and demo.coverage is not None
    out = backtest.text(results)
    assert "độ phủ khoảng 80%" in out and "nan" not in out.lower() and "None" not in out


def test_cli_backtest_writes_its_section(shipped_data, tmp_path, capsys):
    from vlboard.cli import main

    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\n## Load\n\nkept\n", encoding="utf-8")
    assert main(["--data", str(shipped_data.root), "backtest", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "## Load\n\nkept" in text and "## Outlook backtest" in text and "Machine:" in text
    assert "Kiểm tra lại dự báo đến hạn" in capsys.readouterr().out
