"""Plain pandas baselines: every benchmarked figure computed again from the parquet files, the way
a careful analyst would write it, so that the benchmark can assert both give the same numbers.

Over 300 lines: one independent pandas baseline per benchmarked figure.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from vlboard.bench.project import COMPLETENESS_COLS
from vlboard.domain import roadmap as rule
from vlboard.domain.periods import parse_period
from vlboard.domain.vocab import NUMERIC_COMPARATORS, STATUSES
from vlboard.store import snapshots


def numpy_status(df: pd.DataFrame, cfg: pd.DataFrame) -> np.ndarray:
    """The status rule written again with numpy, for the baselines (the product's rule is the SQL
    macro; the benchmark asserts both give the same counts). ``df``: value, target, target_high,
    comparator, direction, kind, indicator_code and, optionally, basis ('same'/'next'/'previous')."""
    default = float(cfg[cfg.indicator_code.isna()].near_band.iloc[0])
    near = df.indicator_code.map(cfg.dropna(subset=["indicator_code"]).set_index("indicator_code").near_band)
    v, t, h = df.value.to_numpy(float), df.target.to_numpy(float), df.target_high.to_numpy(float)
    comp = df.comparator.fillna("").to_numpy(object)
    lower = (df.direction == "lower").to_numpy() | np.isin(comp, ["<=", "<"])
    with np.errstate(divide="ignore", invalid="ignore"):
        met = np.select(
            [comp == ">=", comp == ">", comp == "<=", comp == "<", comp == "range"],
            [v >= t, v > t, v <= t, v < t, np.where(df.direction == "lower", v <= h, v >= t)],
            False,
        )
        top = np.where((comp == "range") & ~np.isnan(h), h, t)
        att = np.where(lower, np.where(v == 0, np.nan, top / v), np.where(t == 0, np.nan, v / t))
    nxt = (df.basis == "next").to_numpy() if "basis" in df else np.zeros(len(df), bool)
    return np.select(
        [
            df.kind.isin(["qualitative", "referenced"]).to_numpy() | (comp == "done"),
            (comp == "") | np.isnan(t),
            nxt,
            np.isnan(v),
            met,
            att >= near.fillna(default).to_numpy(float),
        ],
        ["qualitative", "no_target", "not_due", "no_data", "achieved", "near"],
        "not_achieved",
    )


def first_values(res: pd.DataFrame) -> dict:
    """indicator → (date, value) of its earliest real value (where its path starts)."""
    real = res[(res.source != "demo") & res.value.notna() & np.isfinite(res.value.astype(float))]
    first = real.sort_values(["period_end", "as_of", "precedence", "result_id"], na_position="last").drop_duplicates(
        "indicator_code"
    )
    return {
        c: (pd.Timestamp(d).date(), float(v)) for c, d, v in zip(first.indicator_code, first.period_end, first.value)
    }


def applicable_targets(tgt: pd.DataFrame, bases: dict, pairs: pd.DataFrame) -> pd.DataFrame:
    """The applicable target (year's, else the path, else next/previous) for each (indicator_code,
    period_end) pair, through the rule's Python form (``roadmap.applicable_target``)."""
    points = {code: rule.path_points(t, bases.get(code)) for code, t in tgt.groupby("indicator_code")}
    rows = []
    for code, end in zip(pairs.indicator_code, pairs.period_end):
        a = rule.applicable_at(points[code], pd.Timestamp(end).date()) if code in points else None
        rows.append(
            (code, end, None, None, np.nan, np.nan)
            if a is None
            else (code, end, a.basis, a.comparator, a.target, np.nan if a.target_high is None else a.target_high)
        )
    return pd.DataFrame(rows, columns=["indicator_code", "period_end", "basis", "comparator", "target", "target_high"])


def _results(snapshot: Path, columns: list[str]) -> pd.DataFrame:
    """The results of a snapshot folder whatever its format (its parquet file, or its Delta version's files)."""
    return snapshots.read_table(snapshot, "results", columns=columns).to_pandas()


def pandas_baseline(snapshot: Path, results_file: Path) -> pd.DataFrame:
    """What a careful analyst would write in pandas: read, merge, vectorised rule, group-by."""
    res = pd.read_parquet(
        results_file, columns=["indicator_code", "period_end", "value", "source", "as_of", "precedence", "result_id"]
    )
    ind = pd.read_parquet(snapshot / "indicators.parquet", columns=["code", "pillar", "kind", "direction"])
    tgt = pd.read_parquet(
        snapshot / "targets.parquet", columns=["indicator_code", "year", "comparator", "value", "value_high"]
    )
    cfg = pd.read_parquet(snapshot / "status_config.parquet")
    pairs = res[["indicator_code", "period_end"]].drop_duplicates()
    applicable = applicable_targets(tgt, first_values(res), pairs)
    df = res.merge(ind, left_on="indicator_code", right_on="code").merge(
        applicable, on=["indicator_code", "period_end"], how="left"
    )
    status = numpy_status(df, cfg)
    out = pd.DataFrame({"pillar": df.pillar.to_numpy(), "status": status})
    return out.groupby(["pillar", "status"]).size().rename("n").reset_index()


def status_rows(snapshot: Path, year: int, end: dt.date) -> pd.DataFrame:
    """vl_status_rows (sql/macros/20_scorecard.sql) written again in pandas, demo included: one row
    per indicator × subject that reported this year or last (and still existed when the year began),
    plus one headline row for every indicator nobody reported; the newest value in the year, the
    applicable target (same year, else the path, else next, else previous), the status."""
    res = _results(
        snapshot,
        [
            "indicator_code",
            "unit_code",
            "agency_code",
            "year",
            "period_end",
            "value",
            "numerator",
            "denominator",
            "as_of",
            "source",
            "result_id",
        ],
    )
    res = res[(res.year >= year - 1) & (res.year <= year) & (pd.to_datetime(res.period_end) <= pd.Timestamp(end))]
    units = pd.read_parquet(snapshot / "units.parquet", columns=["unit_code", "level", "valid_to"])
    agencies = pd.read_parquet(snapshot / "agencies.parquet", columns=["code", "valid_to"])
    ind = pd.read_parquet(snapshot / "indicators.parquet", columns=["code", "kind", "direction"])
    tgt = pd.read_parquet(
        snapshot / "targets.parquet", columns=["indicator_code", "year", "comparator", "value", "value_high"]
    ).dropna(subset=["comparator"])
    cfg = pd.read_parquet(snapshot / "status_config.parquet")
    start = pd.Timestamp(year, 1, 1)
    gone_units = units[pd.to_datetime(units.valid_to) < start].unit_code
    gone_agencies = agencies[pd.to_datetime(agencies.valid_to) < start].code
    key = ["indicator_code", "unit_code", "agency_code"]
    subjects = res[~res.unit_code.isin(gone_units) & ~res.agency_code.isin(gone_agencies)][key].drop_duplicates()
    cur = res[(res.year == year) & res.value.notna()]
    last = cur.groupby(key, dropna=False).period_end.transform("max")
    latest = (
        cur[cur.period_end == last]
        .sort_values(["as_of", "result_id"], ascending=[False, True])
        .drop_duplicates(key)[[*key, "value", "numerator", "denominator", "period_end", "source"]]
    )
    nobody = ind[~ind.code.isin(subjects.indicator_code)].code
    grid = pd.concat([subjects, pd.DataFrame({"indicator_code": nobody, "unit_code": None, "agency_code": None})])
    everything = _results(
        snapshot, ["indicator_code", "period_end", "value", "source", "as_of", "precedence", "result_id"]
    )
    pick = applicable_targets(
        tgt, first_values(everything), pd.DataFrame({"indicator_code": ind.code, "period_end": end})
    ).set_index("indicator_code")
    df = grid.merge(latest, on=key, how="left").merge(ind, left_on="indicator_code", right_on="code")
    df = df.join(pick[["comparator", "target", "target_high", "basis"]], on="indicator_code")
    level = df.unit_code.map(units.set_index("unit_code").level)
    df["level"] = np.where(
        df.agency_code.notna(),
        "agency",
        np.where(df.unit_code.isna() | level.isin(["tinh", "thanh_pho"]), "headline", "unit"),
    )
    df["status"] = numpy_status(df, cfg)
    return df


def unit_rollup_pandas(snapshot: Path, year: int, end: dt.date) -> pd.DataFrame:
    """The same counts per unit in plain pandas: every commune's status rows, counted."""
    rows = status_rows(snapshot, year, end)
    rows = rows[rows.level == "unit"]
    out = pd.crosstab(rows.unit_code, rows.status)
    return out.reindex(columns=list(STATUSES), fill_value=0).sort_index()


def headline_status(rows: pd.DataFrame, cfg: pd.DataFrame) -> pd.DataFrame:
    """vl_status_indicators in pandas: per indicator the province/city figure, else the units'
    figures by kind (count: sum; rate with parts: ratio of sums; else median), else the one agency's."""
    head = (
        rows[(rows.level == "headline") & rows.value.notna()]
        .sort_values(["period_end", "source", "unit_code"], ascending=[False, True, True], na_position="last")
        .drop_duplicates("indicator_code")
        .set_index("indicator_code")
        .value
    )
    u = rows[rows.level == "unit"]
    g = u.groupby("indicator_code")
    n_rep = g.value.count()
    parts = (g.numerator.count() == n_rep) & (g.denominator.count() == n_rep) & (g.denominator.sum() > 0) & (n_rep > 0)
    kind = g.kind.first()
    ratio = (
        g.numerator.sum() / g.denominator.sum().where(g.denominator.sum() != 0) * np.where(kind == "percent", 100, 1)
    )
    units_value = pd.Series(
        np.where(kind == "count", g.value.sum(), np.where(parts, ratio, g.value.median())), index=n_rep.index
    ).where(n_rep > 0)
    a = rows[(rows.level == "agency") & rows.value.notna()].groupby("indicator_code").value
    single = a.first().where(a.count() == 1).dropna()
    meta = rows.drop_duplicates("indicator_code").set_index("indicator_code")[
        ["kind", "direction", "comparator", "target", "target_high", "basis"]
    ]
    value = head.reindex(meta.index).fillna(units_value.reindex(meta.index)).fillna(single.reindex(meta.index))
    out = meta.assign(value=value).reset_index()
    out["status"] = numpy_status(out, cfg)
    return out[["indicator_code", "status"]]


def agency_rollup_pandas(snapshot: Path, year: int, end: dt.date) -> pd.DataFrame:
    """The same counts per lead agency in plain pandas: status rows, headline per indicator, the
    agency's own figure where it has one, counted per agency."""
    cfg = pd.read_parquet(snapshot / "status_config.parquet")
    rows = status_rows(snapshot, year, end)
    headline = headline_status(rows, cfg).set_index("indicator_code").status
    own = rows[rows.level == "agency"].set_index(["indicator_code", "agency_code"]).status
    asg = pd.read_parquet(snapshot / "assignments.parquet", columns=["indicator_code", "agency_code", "role"])
    asg = asg[asg.role == "lead"]
    known = pd.read_parquet(snapshot / "agencies.parquet", columns=["code"]).code
    asg = asg[asg.agency_code.isin(known) & asg.indicator_code.isin(headline.index)]
    mine = pd.Series(list(zip(asg.indicator_code, asg.agency_code)), index=asg.index).map(own)
    status = mine.fillna(asg.indicator_code.map(headline))
    out = pd.crosstab(asg.agency_code, status)
    return out.reindex(columns=list(STATUSES), fill_value=0).sort_index()


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
    ind = ind[
        ind.kind.isin(["percent", "count", "ratio"])
        & ind.plan.isin(running)
        & ind.code.isin(tgt[tgt.comparator.isin(NUMERIC_COMPARATORS)].indicator_code)
    ]
    rules = read("reporting_rules")
    rules = rules[rules.frequency == p.kind].assign(due_days=lambda r: r.due_days.fillna(due))
    units = read("units")
    new = set(read("unit_crosswalk").new_unit_code)
    wards = valid(units[(units.level == "phuong") | units.unit_code.isin(new)])
    communes = valid(units[units.level == "xa"])
    parts = []
    for subject, pool, scope in (("ward", wards, "ward"), ("commune", communes, "commune")):
        e = rules[rules.subject == subject].merge(ind[ind.scope.str.contains(scope)], left_on="plan", right_on="plan")
        parts.append(
            e.merge(pool[["unit_code"]], how="cross")
            .assign(subject_type="unit")
            .rename(columns={"unit_code": "subject_code", "code": "indicator_code"})
        )
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
    leads = pd.concat(
        [
            lead,
            lead[lead.agency_code.isin(collective)]
            .merge(members, on="agency_code")[["indicator_code", "member_code"]]
            .rename(columns={"member_code": "agency_code"}),
        ]
    )
    leads = leads.assign(agency_code=leads.agency_code.map(heir)).dropna()
    e = (
        rules[rules.subject == "lead_agency"]
        .merge(ind, on="plan")
        .merge(leads, left_on="code", right_on="indicator_code")
    )
    e = e.groupby(["agency_code", "indicator_code"], as_index=False).due_days.min()
    parts.append(e.assign(subject_type="agency").rename(columns={"agency_code": "subject_code"}))
    expected = pd.concat([x[["subject_type", "subject_code", "indicator_code", "due_days"]] for x in parts])
    res = read("results", ["indicator_code", "period", "unit_code", "agency_code", "source", "reported_at"])
    res = res[res.period == period]  # demo included, as in completeness_project; documents count as received
    res = res.assign(
        sent=res.reported_at.where(res.source != "document"),
        doc=res.source == "document",
        other=res.source != "document",
    )
    got = (
        res.groupby(["indicator_code", "unit_code", "agency_code"], dropna=False)
        .agg(reported_at=("sent", "min"), doc=("doc", "any"), other=("other", "any"))
        .reset_index()
    )
    got["received"] = True
    by_unit = expected[expected.subject_type == "unit"].merge(
        got[got.agency_code.isna()],
        left_on=["indicator_code", "subject_code"],
        right_on=["indicator_code", "unit_code"],
        how="left",
    )
    by_agency = expected[expected.subject_type == "agency"].merge(
        got, left_on=["indicator_code", "subject_code"], right_on=["indicator_code", "agency_code"], how="left"
    )
    m = pd.concat([by_unit, by_agency], ignore_index=True)
    document_only = m.doc.eq(True) & ~m.other.eq(True)
    m["on_time"] = document_only | (pd.to_datetime(m.reported_at) <= end + pd.to_timedelta(m.due_days, unit="D"))
    out = (
        m.groupby(["subject_type", "subject_code"])
        .agg(expected=("indicator_code", "size"), received=("received", "count"), on_time=("on_time", "sum"))
        .reset_index()
    )
    return out[COMPLETENESS_COLS].sort_values(["subject_type", "subject_code"], ignore_index=True)
