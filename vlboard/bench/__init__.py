"""``python -m vlboard bench``: status roll-ups at scale, the project's DuckDB path against a plain
pandas baseline computing the same numbers in the same run; figures go to BENCHMARKS.md.

Each size runs in its own process so that peak RSS belongs to that size alone.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from vlboard.store import db, queries, snapshots
from vlboard.domain.status import STATUSES
from vlboard.domain.periods import parse_period

MONTHS = 36  # 2023-01 … 2025-12


def make_synthetic(snapshot: Path, out_dir: Path, n_rows: int) -> Path:
    """Synthetic results with the real catalogue's shape: numeric indicators × units × months."""
    con = db.open_snapshot(snapshot)
    n_ind = con.execute("""select count(*) from indicators where kind in ('percent', 'count') and code in
                           (select indicator_code from targets where comparator in ('>=','>','<=','<','range'))"""
                        ).fetchall()[0][0]
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
    tables = {t: pq.read_table(snap / f"{t}.parquet") for t in schema.TABLES}
    root.mkdir(parents=True, exist_ok=True)
    results_file = make_synthetic(snap, root, n_rows)
    stored = schema.arrow_schema("results", derived=False)  # year_status is judged by write_snapshot
    synthetic = pq.read_table(results_file).cast(stored)
    codes = sorted(set(synthetic.column("unit_code").to_pylist()))
    units = [dict(unit_code=c, official_code=None, name_vi=f"Xã mô phỏng {c[4:]}", type="xã", level="xa",
                  parent_code="tinh-86", valid_from=None, valid_to=None, former_province=None,
                  note="đơn vị mô phỏng cho phép đo") for c in codes]
    tables["units"] = pa.concat_tables([tables["units"], pa.Table.from_pylist(units, schema=schema.arrow_schema("units"))])
    merged = pa.concat_tables([tables["results"].select(stored.names).cast(stored), synthetic])
    tables["results"] = merged.sort_by([("year", "ascending"), ("indicator_code", "ascending"),
                                        ("period_end", "ascending")])
    results_file.unlink()
    data = snapshots.DataDir(root)
    snapshots.write_snapshot(data, tables, author="bench", note=f"{n_rows} synthetic results")
    return data


def connect_with(snapshot: Path, results_file: Path) -> duckdb.DuckDBPyConnection:
    con = db.open_snapshot(snapshot)
    con.read_parquet(str(results_file)).create_view("results", replace=True)
    return con


def project_path(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return queries.run(con, "status_all_results", include_demo=True)


def _numpy_status(df: pd.DataFrame, cfg: pd.DataFrame) -> np.ndarray:
    """The status rule written again with numpy, for the baselines (the product's rule is the SQL
    macro; the benchmark asserts both give the same counts). ``df``: value, target, target_high,
    comparator, direction, kind, indicator_code and, optionally, basis ('same'/'next'/'previous')."""
    default = float(cfg[cfg.indicator_code.isna()].near_band.iloc[0])
    near = df.indicator_code.map(cfg.dropna(subset=["indicator_code"]).set_index("indicator_code").near_band)
    v, t, h = df.value.to_numpy(float), df.target.to_numpy(float), df.target_high.to_numpy(float)
    comp = df.comparator.fillna("").to_numpy(object)
    lower = (df.direction == "lower").to_numpy() | np.isin(comp, ["<=", "<"])
    with np.errstate(divide="ignore", invalid="ignore"):
        met = np.select([comp == ">=", comp == ">", comp == "<=", comp == "<", comp == "range"],
                        [v >= t, v > t, v <= t, v < t, np.where(df.direction == "lower", v <= h, v >= t)], False)
        top = np.where((comp == "range") & ~np.isnan(h), h, t)
        att = np.where(lower, np.where(v == 0, np.nan, top / v), np.where(t == 0, np.nan, v / t))
    nxt = (df.basis == "next").to_numpy() if "basis" in df else np.zeros(len(df), bool)
    return np.select(
        [df.kind.isin(["qualitative", "referenced"]).to_numpy() | (comp == "done"), (comp == "") | np.isnan(t),
         nxt, np.isnan(v), met, att >= near.fillna(default).to_numpy(float)],
        ["qualitative", "no_target", "not_due", "no_data", "achieved", "near"], "not_achieved")


def _pandas_baselines(res: pd.DataFrame) -> dict:
    """indicator → (date, value) of its earliest real value (where its path starts)."""
    real = res[(res.source != "demo") & res.value.notna() & np.isfinite(res.value.astype(float))]
    first = real.sort_values(["period_end", "as_of", "precedence", "result_id"], na_position="last").drop_duplicates(
        "indicator_code")
    return {c: (pd.Timestamp(d).date(), float(v)) for c, d, v in zip(first.indicator_code, first.period_end, first.value)}


def _pandas_applicable(tgt: pd.DataFrame, bases: dict, pairs: pd.DataFrame) -> pd.DataFrame:
    """The applicable target (year's, else the path, else next/previous) for each (indicator_code,
    period_end) pair, through the rule's Python form (``status.applicable_target``)."""
    from vlboard.domain import status as rule

    points = {code: rule.path_points(t, bases.get(code)) for code, t in tgt.groupby("indicator_code")}
    rows = []
    for code, end in zip(pairs.indicator_code, pairs.period_end):
        a = rule.applicable_at(points[code], pd.Timestamp(end).date()) if code in points else None
        rows.append((code, end, None, None, np.nan, np.nan) if a is None else
                    (code, end, a.basis, a.comparator, a.target, np.nan if a.target_high is None else a.target_high))
    return pd.DataFrame(rows, columns=["indicator_code", "period_end", "basis", "comparator", "target", "target_high"])


def pandas_baseline(snapshot: Path, results_file: Path) -> pd.DataFrame:
    """What a careful analyst would write in pandas: read, merge, vectorised rule, group-by."""
    res = pd.read_parquet(results_file, columns=["indicator_code", "period_end", "value", "source", "as_of",
                                                 "precedence", "result_id"])
    ind = pd.read_parquet(snapshot / "indicators.parquet", columns=["code", "pillar", "kind", "direction"])
    tgt = pd.read_parquet(snapshot / "targets.parquet",
                          columns=["indicator_code", "year", "comparator", "value", "value_high"])
    cfg = pd.read_parquet(snapshot / "status_config.parquet")
    pairs = res[["indicator_code", "period_end"]].drop_duplicates()
    applicable = _pandas_applicable(tgt, _pandas_baselines(res), pairs)
    df = res.merge(ind, left_on="indicator_code", right_on="code").merge(
        applicable, on=["indicator_code", "period_end"], how="left")
    status = _numpy_status(df, cfg)
    out = pd.DataFrame({"pillar": df.pillar.to_numpy(), "status": status})
    return out.groupby(["pillar", "status"]).size().rename("n").reset_index()


def unit_rollup_project(con: duckdb.DuckDBPyConnection, year: int, end: dt.date) -> pd.DataFrame:
    """The project's path: status rows of the year (SQL, cached per period) → counts per unit."""
    from vlboard.domain import rollups

    db.forget_status(con)  # measure the full computation each time, not the cache
    units = queries.run(con, "status_units", year=year, period_end=end, include_demo=True)
    counts = rollups.by_unit(units)
    return counts.set_index("unit_code")[list(STATUSES)].sort_index()


def _pandas_status_rows(snapshot: Path, year: int, end: dt.date) -> pd.DataFrame:
    """vl_status_rows (sql/macros/20_scorecard.sql) written again in pandas, demo included: one row
    per indicator × subject that reported this year or last (and still existed when the year began),
    plus one headline row for every indicator nobody reported; the newest value in the year, the
    applicable target (same year, else the path, else next, else previous), the status."""
    res = pd.read_parquet(snapshot / "results.parquet", columns=[
        "indicator_code", "unit_code", "agency_code", "year", "period_end", "value", "numerator", "denominator",
        "as_of", "source", "result_id"])
    res = res[(res.year >= year - 1) & (res.year <= year) & (pd.to_datetime(res.period_end) <= pd.Timestamp(end))]
    units = pd.read_parquet(snapshot / "units.parquet", columns=["unit_code", "level", "valid_to"])
    agencies = pd.read_parquet(snapshot / "agencies.parquet", columns=["code", "valid_to"])
    ind = pd.read_parquet(snapshot / "indicators.parquet", columns=["code", "kind", "direction"])
    tgt = pd.read_parquet(snapshot / "targets.parquet", columns=["indicator_code", "year", "comparator", "value",
                                                                  "value_high"]).dropna(subset=["comparator"])
    cfg = pd.read_parquet(snapshot / "status_config.parquet")
    start = pd.Timestamp(year, 1, 1)
    gone_units = units[pd.to_datetime(units.valid_to) < start].unit_code
    gone_agencies = agencies[pd.to_datetime(agencies.valid_to) < start].code
    key = ["indicator_code", "unit_code", "agency_code"]
    subjects = res[~res.unit_code.isin(gone_units) & ~res.agency_code.isin(gone_agencies)][key].drop_duplicates()
    cur = res[(res.year == year) & res.value.notna()]
    last = cur.groupby(key, dropna=False).period_end.transform("max")
    latest = (cur[cur.period_end == last].sort_values(["as_of", "result_id"], ascending=[False, True])
              .drop_duplicates(key)[[*key, "value", "numerator", "denominator", "period_end", "source"]])
    nobody = ind[~ind.code.isin(subjects.indicator_code)].code
    grid = pd.concat([subjects, pd.DataFrame({"indicator_code": nobody, "unit_code": None, "agency_code": None})])
    everything = pd.read_parquet(snapshot / "results.parquet", columns=[
        "indicator_code", "period_end", "value", "source", "as_of", "precedence", "result_id"])
    pick = _pandas_applicable(tgt, _pandas_baselines(everything),
                              pd.DataFrame({"indicator_code": ind.code, "period_end": end})).set_index("indicator_code")
    df = grid.merge(latest, on=key, how="left").merge(ind, left_on="indicator_code", right_on="code")
    df = df.join(pick[["comparator", "target", "target_high", "basis"]], on="indicator_code")
    level = df.unit_code.map(units.set_index("unit_code").level)
    df["level"] = np.where(df.agency_code.notna(), "agency",
                           np.where(df.unit_code.isna() | level.isin(["tinh", "thanh_pho"]), "headline", "unit"))
    df["status"] = _numpy_status(df, cfg)
    return df


def unit_rollup_pandas(snapshot: Path, year: int, end: dt.date) -> pd.DataFrame:
    """The same counts per unit in plain pandas: every commune's status rows, counted."""
    rows = _pandas_status_rows(snapshot, year, end)
    rows = rows[rows.level == "unit"]
    out = pd.crosstab(rows.unit_code, rows.status)
    return out.reindex(columns=list(STATUSES), fill_value=0).sort_index()


def _headline(rows: pd.DataFrame, cfg: pd.DataFrame) -> pd.DataFrame:
    """vl_status_indicators in pandas: per indicator the province/city figure, else the units'
    figures by kind (count: sum; rate with parts: ratio of sums; else median), else the one agency's."""
    head = (rows[(rows.level == "headline") & rows.value.notna()]
            .sort_values(["period_end", "source", "unit_code"], ascending=[False, True, True], na_position="last")
            .drop_duplicates("indicator_code").set_index("indicator_code").value)
    u = rows[rows.level == "unit"]
    g = u.groupby("indicator_code")
    n_rep = g.value.count()
    parts = (g.numerator.count() == n_rep) & (g.denominator.count() == n_rep) & (g.denominator.sum() > 0) & (n_rep > 0)
    kind = g.kind.first()
    ratio = g.numerator.sum() / g.denominator.sum().where(g.denominator.sum() != 0) * np.where(kind == "percent", 100, 1)
    units_value = pd.Series(np.where(kind == "count", g.value.sum(), np.where(parts, ratio, g.value.median())),
                            index=n_rep.index).where(n_rep > 0)
    a = rows[(rows.level == "agency") & rows.value.notna()].groupby("indicator_code").value
    single = a.first().where(a.count() == 1).dropna()
    meta = rows.drop_duplicates("indicator_code").set_index("indicator_code")[
        ["kind", "direction", "comparator", "target", "target_high", "basis"]]
    value = head.reindex(meta.index).fillna(units_value.reindex(meta.index)).fillna(single.reindex(meta.index))
    out = meta.assign(value=value).reset_index()
    out["status"] = _numpy_status(out, cfg)
    return out[["indicator_code", "status"]]


def agency_rollup_project(con: duckdb.DuckDBPyConnection, year: int, end: dt.date) -> pd.DataFrame:
    """The project's path: status per assignment (own figure, else the indicator's headline status,
    sql/status_agencies.sql) → counts per lead agency (rollups.by_agency)."""
    from vlboard.domain import rollups

    db.forget_status(con)  # measure the full computation each time, not the cache
    rows = queries.run(con, "status_agencies", year=year, period_end=end, include_demo=True)
    counts = rollups.by_agency(rows, role="lead")
    return counts.set_index("agency_code")[list(STATUSES)].sort_index()


def agency_rollup_pandas(snapshot: Path, year: int, end: dt.date) -> pd.DataFrame:
    """The same counts per lead agency in plain pandas: status rows, headline per indicator, the
    agency's own figure where it has one, counted per agency."""
    cfg = pd.read_parquet(snapshot / "status_config.parquet")
    rows = _pandas_status_rows(snapshot, year, end)
    headline = _headline(rows, cfg).set_index("indicator_code").status
    own = rows[rows.level == "agency"].set_index(["indicator_code", "agency_code"]).status
    asg = pd.read_parquet(snapshot / "assignments.parquet", columns=["indicator_code", "agency_code", "role"])
    asg = asg[asg.role == "lead"]
    known = pd.read_parquet(snapshot / "agencies.parquet", columns=["code"]).code
    asg = asg[asg.agency_code.isin(known) & asg.indicator_code.isin(headline.index)]
    mine = pd.Series(list(zip(asg.indicator_code, asg.agency_code)), index=asg.index).map(own)
    status = mine.fillna(asg.indicator_code.map(headline))
    out = pd.crosstab(asg.agency_code, status)
    return out.reindex(columns=list(STATUSES), fill_value=0).sort_index()


COMPLETENESS_COLS = ["subject_type", "subject_code", "expected", "received", "on_time"]


def completeness_project(con: duckdb.DuckDBPyConnection, period: str) -> pd.DataFrame:
    """The project's path: reports expected (vl_expected), received and on time per subject."""
    p = parse_period(period)
    out = queries.run(con, "completeness", period=period, period_type=p.kind, period_end=p.end, include_demo=True)
    return out[COMPLETENESS_COLS].sort_values(["subject_type", "subject_code"], ignore_index=True)


def completeness_pandas(snapshot: Path, period: str) -> pd.DataFrame:
    """The same counts in plain pandas, straight from the parquet files."""
    p = parse_period(period)
    end = pd.Timestamp(p.end)

    def read(table, cols=None):
        return pd.read_parquet(snapshot / f"{table}.parquet", columns=cols)

    def valid(df):
        start, stop = pd.to_datetime(df.valid_from), pd.to_datetime(df.valid_to)
        return df[(start.isna() | (start <= end)) & (stop.isna() | (stop >= end))]

    cfg = read("status_config")
    due = int(cfg[cfg.indicator_code.isna()].report_due_days.iloc[0])
    tgt = read("targets", ["indicator_code", "comparator"])
    ind = read("indicators", ["code", "plan", "scope", "kind"])
    plans = read("plans", ["code", "period_start", "period_end"])
    running = plans[(plans.period_start.fillna(0) <= p.year) & (plans.period_end.fillna(9999) >= p.year)].code
    ind = ind[ind.kind.isin(["percent", "count", "ratio"]) & ind.plan.isin(running) & ind.code.isin(
        tgt[tgt.comparator.isin([">=", ">", "<=", "<", "range"])].indicator_code)]
    rules = read("reporting_rules")
    rules = rules[rules.frequency == p.kind].assign(due_days=lambda r: r.due_days.fillna(due))
    units = read("units")
    new = set(read("unit_crosswalk").new_unit_code)
    wards = valid(units[(units.level == "phuong") | units.unit_code.isin(new)])
    communes = valid(units[units.level == "xa"])
    parts = []
    for subject, pool, scope in (("ward", wards, "ward"), ("commune", communes, "commune")):
        e = rules[rules.subject == subject].merge(ind[ind.scope.str.contains(scope)], left_on="plan", right_on="plan")
        parts.append(e.merge(pool[["unit_code"]], how="cross").assign(subject_type="unit")
                     .rename(columns={"unit_code": "subject_code", "code": "indicator_code"}))
    agencies = read("agencies")
    existing = set(valid(agencies[agencies.kind.isin(["agency", "unit_office"]) & (agencies.level != "phuong")]).code)
    successor = dict(zip(agencies.code, agencies.successor_code))
    ended = {c for c, t in zip(agencies.code, pd.to_datetime(agencies.valid_to)) if pd.notna(t) and t < end}

    def heir(code):  # the agency holding ``code``'s duties at the period end (successors of dissolved ones)
        for _ in range(11):
            if code in existing:
                return code
            if code not in ended or not isinstance(successor.get(code), str):
                return None
            code = successor[code]
        return None

    lead = read("assignments").query("role == 'lead'")[["indicator_code", "agency_code"]]
    collective = set(agencies[agencies.kind == "collective"].code)
    members = read("agency_members").rename(columns={"collective_code": "agency_code"})
    leads = pd.concat([lead, lead[lead.agency_code.isin(collective)].merge(members, on="agency_code")
                      [["indicator_code", "member_code"]].rename(columns={"member_code": "agency_code"})])
    leads = leads.assign(agency_code=leads.agency_code.map(heir)).dropna()
    e = rules[rules.subject == "lead_agency"].merge(ind, on="plan").merge(leads, left_on="code", right_on="indicator_code")
    e = e.groupby(["agency_code", "indicator_code"], as_index=False).due_days.min()
    parts.append(e.assign(subject_type="agency").rename(columns={"agency_code": "subject_code"}))
    expected = pd.concat([x[["subject_type", "subject_code", "indicator_code", "due_days"]] for x in parts])
    res = read("results", ["indicator_code", "period", "unit_code", "agency_code", "source", "reported_at"])
    res = res[res.period == period]  # demo included, as in completeness_project; documents count as received
    res = res.assign(sent=res.reported_at.where(res.source != "document"), doc=res.source == "document",
                     other=res.source != "document")
    got = res.groupby(["indicator_code", "unit_code", "agency_code"], dropna=False).agg(
        reported_at=("sent", "min"), doc=("doc", "any"), other=("other", "any")).reset_index()
    got["received"] = True
    by_unit = expected[expected.subject_type == "unit"].merge(
        got[got.agency_code.isna()], left_on=["indicator_code", "subject_code"], right_on=["indicator_code", "unit_code"],
        how="left")
    by_agency = expected[expected.subject_type == "agency"].merge(
        got, left_on=["indicator_code", "subject_code"], right_on=["indicator_code", "agency_code"], how="left")
    m = pd.concat([by_unit, by_agency], ignore_index=True)
    document_only = m.doc.eq(True) & ~m.other.eq(True)
    m["on_time"] = document_only | (pd.to_datetime(m.reported_at) <= end + pd.to_timedelta(m.due_days, unit="D"))
    out = m.groupby(["subject_type", "subject_code"]).agg(expected=("indicator_code", "size"),
                                                          received=("received", "count"),
                                                          on_time=("on_time", "sum")).reset_index()
    return out[COMPLETENESS_COLS].sort_values(["subject_type", "subject_code"], ignore_index=True)


def bare_scan(con: duckdb.DuckDBPyConnection) -> None:
    """The floor: one pass over the same columns as the roll-up (indicator, year, value and the
    source it filters on), grouped, with no join and no rule."""
    con.execute("select indicator_code, year, count(value), count(source) from results group by all").fetchall()


def timed(fn, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return {"median": statistics.median(runs), "min": min(runs), "max": max(runs)}


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
        if not project_path(on_read).equals(ours):
            raise AssertionError("the stored year_status and the rule at read time disagree")
        inputs = {t: pq.read_table(snapshot / f"{t}.parquet") for t in ("results", "indicators", "targets",
                                                                         "status_config")}
        a, b = unit_rollup_project(con, 2025, end), unit_rollup_pandas(snapshot, 2025, end)
        if not a.astype(int).to_numpy().tolist() == b.astype(int).to_numpy().tolist() or list(a.index) != list(b.index):
            raise AssertionError("per-unit roll-ups disagree between DuckDB and pandas")
        e, f = agency_rollup_project(con, 2025, end), agency_rollup_pandas(snapshot, 2025, end)
        if not e.astype(int).equals(f.astype(int)):
            raise AssertionError(f"per-agency roll-ups disagree between DuckDB and pandas:\n{e.compare(f)}")
        c, d = completeness_project(con, "2025"), completeness_pandas(snapshot, "2025")
        if c.astype(str).to_numpy().tolist() != d.astype(str).to_numpy().tolist():
            raise AssertionError(f"completeness disagrees between DuckDB and pandas:\n{c.compare(d)}")
        out = {"rows": n_rows, "generate_s": gen, "checked_equal": True, "n_units": len(a),
               "duckdb": timed(lambda: project_path(con), repeat),
               "pandas": timed(lambda: pandas_baseline(snapshot, results), repeat),
               "bare_scan": timed(lambda: bare_scan(con), repeat),
               "on_read": timed(lambda: project_path(on_read), repeat),
               "judge_write": timed(lambda: db.judge_results(inputs), repeat),
               "units_duckdb": timed(lambda: unit_rollup_project(con, 2025, end), repeat),
               "units_pandas": timed(lambda: unit_rollup_pandas(snapshot, 2025, end), repeat),
               "agencies_duckdb": timed(lambda: agency_rollup_project(con, 2025, end), repeat),
               "agencies_pandas": timed(lambda: agency_rollup_pandas(snapshot, 2025, end), repeat),
               "n_agencies": len(e), "agency_rows_counted": int(e.to_numpy().sum()),
               "completeness_duckdb": timed(lambda: completeness_project(con, "2025"), repeat),
               "completeness_pandas": timed(lambda: completeness_pandas(snapshot, "2025"), repeat),
               "n_subjects": len(c),
               "scorecard": timed(lambda: (db.forget_status(con),
                                           queries.run(con, "status_indicators", year=2025, period_end=end,
                                                       include_demo=True)), repeat),
               "rows_counted": int(ours.n.sum())}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _fmt(t: dict) -> str:
    return f"{t['median']:.3f} ({t['min']:.3f}–{t['max']:.3f})"


def _versus_table(results: list[dict], key: str, count: str, label: str) -> list[str]:
    """Rows of a small 'vlboard vs pandas' table for one roll-up (``key``_duckdb / ``key``_pandas)."""
    lines = [f"| rows | {label} | vlboard s | pandas s | speed-up |", "|---:|---:|---:|---:|---:|"]
    for r in results:
        if f"{key}_duckdb" in r:
            ours, theirs = r[f"{key}_duckdb"], r[f"{key}_pandas"]
            lines.append(f"| {r['rows']:,} | {r[count]:,} | {_fmt(ours)} | {_fmt(theirs)} | "
                         f"{theirs['median'] / ours['median']:.1f}× |")
    return lines


def render(results: list[dict]) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python -m vlboard bench` (see `vlboard/bench/`); every figure is the median of "
        "several runs, with min–max, in seconds.",
        "",
        f"- machine: {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, {platform.platform()}",
        f"- Python {platform.python_version()}, duckdb {duckdb.__version__}, pandas {pd.__version__}, "
        f"numpy {np.__version__}",
        "",
        "## Status of every result row, rolled up by pillar × status",
        "",
        "Synthetic results with the shipped catalogue's shape (numeric indicators × units × 36 months, "
        "7% missing values). *vlboard* is `sql/status_all_results.sql` (the status macro of "
        "`sql/macros/10_status.sql`) over parquet; the *pandas* baseline reads the same parquet, merges "
        "targets and applies the same rule with numpy. Both results are asserted equal in the run. "
        "*bare scan* is one DuckDB pass over the four columns the status depends on (indicator, year, value, "
        "source), grouped, without any join or rule (the practical floor). Since snapshot format 3 each "
        "result's status against its own year's target is evaluated once, when the snapshot is written "
        "(`db.judge_results`: the macro `vl_judged` of `sql/macros/15_year_status.sql` over the one status "
        "rule; column *judge at write*, paid once per build or import), and stored in `results.year_status`; "
        "the roll-up counts it. *rule at read* is the same roll-up with the rule evaluated at query time "
        "instead (how a format-2 snapshot is read), asserted equal to the stored figures. The roll-up can "
        "come in under the bare scan: it reads the stored status (a short, dictionary-encoded text column) "
        "where the bare scan decodes every value; the honest cost of the rule is *rule at read* plus, once, "
        "*judge at write*.",
        "",
        "| rows | vlboard (DuckDB) s | pandas baseline s | speed-up | bare scan s | vlboard / bare | "
        "rule at read s | judge at write s | per-unit roll-up: vlboard s | per-unit: pandas s | speed-up | "
        "scorecard s | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = r["pandas"]["median"] / r["duckdb"]["median"]
        floor = r["duckdb"]["median"] / r["bare_scan"]["median"]
        units = r["units_pandas"]["median"] / r["units_duckdb"]["median"]
        lines.append(f"| {r['rows']:,} | {_fmt(r['duckdb'])} | {_fmt(r['pandas'])} | {ratio:.1f}× | "
                     f"{_fmt(r['bare_scan'])} | {floor:.1f}× | {_fmt(r['on_read'])} | {_fmt(r['judge_write'])} | "
                     f"{_fmt(r['units_duckdb'])} | {_fmt(r['units_pandas'])} | "
                     f"{units:.1f}× | {_fmt(r['scorecard'])} | {r['peak_rss_mb']:.0f} |")
    lines += [
        "",
        "*per-unit roll-up* is the status of every indicator × commune for 2025 (newest value in the year, "
        "the applicable target, the rule) counted per commune: `sql/status_units.sql` + `rollups.by_unit` "
        "against the same computation in pandas, asserted equal. *scorecard* is `sql/status_indicators.sql` "
        "for 2025 from scratch (status rows, kind-aware headline, status). Each size is a whole synthetic "
        "data folder (real catalogue, synthetic communes). *peak RSS* is the whole benchmark process: "
        "data generation and the pandas baselines included, so it is an upper bound for the app (the page "
        "process's own peak is in the next section).", "",
        "*Reporting completeness* for the year 2025 (every commune, synthetic ones included, and every lead "
        "agency: reports expected by the reporting rules, received, on time) through `sql/completeness.sql` "
        "against the same counts in pandas from the parquet files, asserted equal:", "",
        *_versus_table(results, "completeness", "n_subjects", "subjects"),
        "", "*Per-agency roll-up* for 2025: every lead assignment's status (the agency's own figure where it "
        "reported one, else the indicator's headline status: the province/city figure, else the communes' "
        "figures aggregated by kind, else the one agency's) counted per agency: `sql/status_agencies.sql` + "
        "`rollups.by_agency` against the same computation in pandas, asserted equal:", "",
        *_versus_table(results, "agencies", "n_agencies", "agencies")]
    lines += ["", "Reproduce: `.venv/bin/python -m vlboard bench --rows 100000,1000000,10000000`.", ""]
    return "\n".join(lines)


def export_times(data: snapshots.DataDir, repeat: int) -> dict:
    """Server-side PNG of one chart (first call starts Chromium: cold; then warm) and full packs."""
    from vlboard import charts
    from vlboard.board import screens
    from vlboard.store.source import Snapshot
    from vlboard.domain import filters
    from vlboard.export import pack, pdf, png, pptx

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
    out["pack_pptx"] = timed(lambda: pptx.render(pack.build(src, f, options, snapshot_id=src.snapshot_id)),
                             repeat)
    return out


def render_exports(e: dict) -> str:
    lines = ["## Exports (shipped data, default filters)", "",
             "Goals: < 1 s per chart warm, a full meeting pack < 20 s.", "",
             "| what | seconds |", "|---|---:|"]
    if e["png_ok"]:
        lines += [f"| chart PNG, first call (starts Chromium) | {e['png_cold']:.2f} |",
                  f"| chart PNG, warm (median, min–max) | {_fmt(e['png_warm'])} |"]
    else:
        lines += [f"| chart PNG | not measured: {e['png_reason']} |"]
    lines += [f"| full pack PDF (build + render) | {_fmt(e['pack_pdf'])} |",
              f"| full pack PPTX (build + render) | {_fmt(e['pack_pptx'])} |", ""]
    return "\n".join(lines)


def replace_section(text: str, section: str) -> str:
    """Put ``section`` (which starts with its '## ' heading) in place of the old one, or append it."""
    import re

    heading = section.splitlines()[0]
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        return pattern.sub(lambda _: section.rstrip("\n") + "\n\n", text)
    return text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"


def other_sections(text: str, own: tuple[str, ...]) -> list[str]:
    """The '## ' sections of an existing BENCHMARKS.md that another tool wrote (kept on rewrite)."""
    import re

    parts = re.split(r"(?m)^(?=## )", text)
    return [p for p in parts if p.startswith("## ") and not p.startswith(own)]


def render_goals(results: list[dict], pages: dict, large: dict | None) -> str:
    """The goals of the benchmark issue, each with its measured figure and whether it is met."""
    big = max(results, key=lambda r: r["rows"]) if results else None
    rows = []

    def add(goal: str, figure: str, ok: bool) -> None:
        rows.append(f"| {goal} | {figure} | {'đạt ✔' if ok else 'chưa đạt ✖'} |")

    if big:
        n = f"{big['rows']:,}"
        ratio = big["pandas"]["median"] / big["duckdb"]["median"]
        others = {name: big[f"{key}_pandas"]["median"] / big[f"{key}_duckdb"]["median"]
                  for name, key in (("per unit", "units"), ("per agency", "agencies"), ("completeness", "completeness"))
                  if f"{key}_duckdb" in big}
        add(f"roll-ups ≥ 5× the pandas baseline at {n} rows",
            f"{ratio:.1f}× ({'; '.join(f'{k} {v:.1f}×' for k, v in others.items())})",
            min([ratio, *others.values()]) >= 5)
        floor = big["duckdb"]["median"] / big["bare_scan"]["median"]
        read = big["on_read"]["median"] / big["bare_scan"]["median"]
        add(f"roll-ups within 3× a bare DuckDB scan at {n} rows",
            f"{floor:.1f}× (status stored at write, {big['judge_write']['median']:.2f} s once; "
            f"rule at read would be {read:.1f}×)", floor <= 3)
    worst = max(r["warm"]["median"] for r in pages["pages"])
    add("every page < 300 ms on the shipped data (warm rerun)", f"slowest {worst * 1000:.0f} ms", worst < 0.3)
    if large:
        worst_big = max(max(r["warm"]["median"], r["cold"]) for r in large["pages"])
        add("every page < 1 s at the largest size (first visit and rerun)", f"slowest {worst_big:.2f} s",
            worst_big < 1)
        add("page process RSS < 1.5 GB at the largest size", f"{large['peak_rss_mb']:.0f} MB",
            large["peak_rss_mb"] < 1536)
    return "\n".join(["## Goals", "", "| goal | measured | |", "|---|---|---|", *rows, ""])


def _json_run(data_root: Path, *args: str):
    """Run one benchmark step in its own process (clean memory figures) and read its JSON line."""
    proc = subprocess.run([sys.executable, "-m", "vlboard", "--data", str(data_root), "bench", *args],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(rows: list[int], out: Path | None, repeat: int, data: snapshots.DataDir) -> list[dict]:
    _, snapshot, _ = snapshots.current(data)
    pages = _json_run(data.root, "--pages", "--repeat", str(max(repeat, 5)))
    large = None
    if rows:
        with tempfile.TemporaryDirectory(prefix="vlboard-national-") as tmp:
            _json_run(data.root, "--make-data", str(max(rows)), "--into", tmp)
            large = _json_run(Path(tmp), "--pages", "--repeat", str(repeat))
    exports = _json_run(data.root, "--exports", "--repeat", str(repeat))
    from vlboard.bench.pages import render_pages  # streamlit stays inside vlboard.ui
    results = []
    for n in rows:
        proc = subprocess.run([sys.executable, "-m", "vlboard", "--data", str(data.root), "bench", "--one", str(n),
                               "--repeat", str(repeat)], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"bench {n} rows failed:\n{proc.stderr[-3000:]}")
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"{n:>12,} rows: duckdb {results[-1]['duckdb']['median']:.3f}s, "
              f"pandas {results[-1]['pandas']['median']:.3f}s", file=sys.stderr)
    if out is not None:
        old = out.read_text(encoding="utf-8") if out.exists() else ""
        text = render(results) + "\n" + render_goals(results, pages, large) + "\n" \
            + render_pages(pages, large, max(rows) if rows else None) + "\n" + render_exports(exports)
        for section in other_sections(old, ("## Status of every", "## Goals", "## Page reruns", "## Exports")):
            text = replace_section(text, section)
        out.write_text(text, encoding="utf-8")
    del snapshot
    return results
