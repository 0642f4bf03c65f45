"""The pillar × status roll-up written again in Polars (lazy), over the same parquet files as the
pandas baseline, for issue 23's comparison: same reading of the results, same status rule
(``baselines.numpy_status`` as Polars expressions), same applicable targets. Polars is a
benchmark-only dependency (requirements-test.txt): it is imported inside the functions, never by
the product.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from vlboard.bench.baselines import applicable_targets
from vlboard.domain.vocab import STATUSES

RESULT_COLS = ["indicator_code", "period_end", "value", "source", "as_of", "precedence", "result_id"]


def _first_values(res) -> dict:
    """indicator → (date, value) of its earliest real value, as ``baselines.first_values``."""
    import polars as pl

    first = (
        res.filter((pl.col("source") != "demo") & pl.col("value").is_not_null() & pl.col("value").is_finite())
        .sort(["period_end", "as_of", "precedence", "result_id"], nulls_last=True)
        .group_by("indicator_code", maintain_order=True)
        .first()
        .select("indicator_code", "period_end", "value")
        .collect()
    )
    return {c: (d, float(v)) for c, d, v in first.iter_rows()}


def _status(near_default: float):
    """The status rule (``baselines.numpy_status``) as one Polars expression over value, target,
    target_high, comparator, direction, kind, basis and near_band."""
    import polars as pl

    v, t, h = pl.col("value"), pl.col("target"), pl.col("target_high")
    comp = pl.col("comparator").fill_null("")
    lower = (pl.col("direction") == "lower").fill_null(False) | comp.is_in(["<=", "<"])
    met = (
        pl.when(comp == ">=")
        .then(v >= t)
        .when(comp == ">")
        .then(v > t)
        .when(comp == "<=")
        .then(v <= t)
        .when(comp == "<")
        .then(v < t)
        .when(comp == "range")
        .then(pl.when(pl.col("direction") == "lower").then(v <= h).otherwise(v >= t))
        .otherwise(False)
    )
    top = pl.when((comp == "range") & h.is_not_null()).then(h).otherwise(t)
    att = (
        pl.when(lower)
        .then(pl.when(v == 0).then(None).otherwise(top / v))
        .otherwise(pl.when(t == 0).then(None).otherwise(v / t))
    )
    return (
        pl.when(pl.col("kind").is_in(["qualitative", "referenced"]) | (comp == "done"))
        .then(pl.lit("qualitative"))
        .when((comp == "") | t.is_null())
        .then(pl.lit("no_target"))
        .when(pl.col("basis") == "next")
        .then(pl.lit("not_due"))
        .when(v.is_null())
        .then(pl.lit("no_data"))
        .when(met)
        .then(pl.lit("achieved"))
        .when(att >= pl.col("near_band").fill_null(near_default))
        .then(pl.lit("near"))
        .otherwise(pl.lit("not_achieved"))
    )


def _scan(results):
    """The results' parquet: one file (format 4), or a Delta version's files with the year in
    their hive folder names (format 5, ``snapshots.data_files``)."""
    import polars as pl

    if isinstance(results, list | tuple):
        return pl.scan_parquet([str(p) for p in results], hive_partitioning=True)
    return pl.scan_parquet(results)


def _text(x) -> str | None:
    return x if isinstance(x, str) else None


def polars_baseline(snapshot: Path, results_file: Path | list[Path]) -> pd.DataFrame:
    """Counts per pillar × status of every result row (demo included), in Polars lazy: scan, join
    the indicators and the applicable targets, the rule, group-by. NaN is read as missing, as the
    numpy rule treats it."""
    import polars as pl

    res = _scan(results_file).select(RESULT_COLS).with_columns(pl.col("value").fill_nan(None))
    ind = pl.scan_parquet(snapshot / "indicators.parquet").select(["code", "pillar", "kind", "direction"])
    tgt = pd.read_parquet(
        snapshot / "targets.parquet", columns=["indicator_code", "year", "comparator", "value", "value_high"]
    )
    cfg = pl.read_parquet(snapshot / "status_config.parquet")
    near_default = float(cfg.filter(pl.col("indicator_code").is_null())["near_band"][0])
    near = cfg.lazy().filter(pl.col("indicator_code").is_not_null()).select(["indicator_code", "near_band"])
    pairs = res.select(["indicator_code", "period_end"]).unique().collect()
    picked = applicable_targets(tgt, _first_values(res), pairs.to_pandas())  # one row per pair, same order
    applicable = pairs.with_columns(
        basis=pl.Series([_text(x) for x in picked.basis], dtype=pl.String),
        comparator=pl.Series([_text(x) for x in picked.comparator], dtype=pl.String),
        target=pl.Series(picked.target.tolist(), dtype=pl.Float64).fill_nan(None),
        target_high=pl.Series(picked.target_high.tolist(), dtype=pl.Float64).fill_nan(None),
    ).lazy()
    counts = (
        res.join(ind, left_on="indicator_code", right_on="code", how="inner")
        .join(applicable, on=["indicator_code", "period_end"], how="left")
        .join(near, on="indicator_code", how="left")
        .select(pl.col("pillar"), _status(near_default).alias("status"))
        .filter(pl.col("pillar").is_not_null())
        .group_by(["pillar", "status"])
        .len(name="n")
        .sort(["pillar", "status"])
        .collect()
    )
    return counts.to_pandas()


def unit_rollup_polars(snapshot: Path, results_file: Path | list[Path], year: int, end: dt.date) -> pd.DataFrame:
    """Counts per commune × status for ``year`` (``baselines.unit_rollup_pandas`` in Polars lazy):
    every indicator × commune that reported this year or last (the commune still existing when the
    year began), its newest value in the year, the indicator's applicable target at ``end``, the rule."""
    import polars as pl

    everything = _scan(results_file).with_columns(pl.col("value").fill_nan(None))
    key = ["indicator_code", "unit_code", "agency_code"]
    res = everything.filter(pl.col("year").is_between(year - 1, year) & (pl.col("period_end") <= end))
    units = pl.scan_parquet(snapshot / "units.parquet").select(["unit_code", "level", "valid_to"])
    agencies = pl.scan_parquet(snapshot / "agencies.parquet").select(["code", "valid_to"])
    start = dt.date(year, 1, 1)
    gone_units = units.filter(pl.col("valid_to").cast(pl.Date) < start).select("unit_code").collect().to_series()
    gone_agencies = agencies.filter(pl.col("valid_to").cast(pl.Date) < start).select("code").collect().to_series()
    subjects = (
        res.filter(
            ~pl.col("unit_code").is_in(gone_units.implode()).fill_null(False)
            & ~pl.col("agency_code").is_in(gone_agencies.implode()).fill_null(False)
        )
        .select(key)
        .unique()
    )
    cur = res.filter((pl.col("year") == year) & pl.col("value").is_not_null())
    latest = (
        cur.filter(pl.col("period_end") == pl.col("period_end").max().over(key))
        .sort(["as_of", "result_id"], descending=[True, False], nulls_last=True)
        .group_by(key, maintain_order=True)
        .first()
        .select([*key, "value"])
    )
    ind = pl.scan_parquet(snapshot / "indicators.parquet").select(["code", "kind", "direction"])
    tgt = pd.read_parquet(
        snapshot / "targets.parquet", columns=["indicator_code", "year", "comparator", "value", "value_high"]
    ).dropna(subset=["comparator"])
    codes = ind.select("code").collect().to_series()
    picked = applicable_targets(
        tgt, _first_values(everything), pd.DataFrame({"indicator_code": codes.to_list(), "period_end": end})
    )
    pick = pl.LazyFrame(
        {
            "indicator_code": codes.to_list(),
            "basis": [_text(x) for x in picked.basis],
            "comparator": [_text(x) for x in picked.comparator],
            "target": pl.Series(picked.target.tolist(), dtype=pl.Float64).fill_nan(None),
            "target_high": pl.Series(picked.target_high.tolist(), dtype=pl.Float64).fill_nan(None),
        }
    )
    cfg = pl.read_parquet(snapshot / "status_config.parquet")
    near_default = float(cfg.filter(pl.col("indicator_code").is_null())["near_band"][0])
    near = cfg.lazy().filter(pl.col("indicator_code").is_not_null()).select(["indicator_code", "near_band"])
    counts = (
        subjects.filter(pl.col("agency_code").is_null() & pl.col("unit_code").is_not_null())
        .join(units.select(["unit_code", "level"]), on="unit_code", how="left")
        .filter(~pl.col("level").is_in(["tinh", "thanh_pho"]).fill_null(False))
        .join(latest, on=key, how="left", nulls_equal=True)
        .join(ind, left_on="indicator_code", right_on="code", how="inner")
        .join(pick, on="indicator_code", how="left")
        .join(near, on="indicator_code", how="left")
        .select(pl.col("unit_code"), _status(near_default).alias("status"))
        .group_by(["unit_code", "status"])
        .len(name="n")
        .collect()
    )
    wide = counts.to_pandas().pivot(index="unit_code", columns="status", values="n")
    return wide.reindex(columns=list(STATUSES)).fillna(0).astype(int).sort_index()


def same_counts(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Two pillar × status count tables hold the same non-zero counts."""
    m = a.merge(b, on=["pillar", "status"], how="outer", suffixes=("_a", "_b")).fillna(0)
    return bool((m.n_a.astype(int) == m.n_b.astype(int)).all())
