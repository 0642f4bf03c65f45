"""Data for the screens and the exports, from any source with ``q(name, **params)`` (pure: the
Streamlit adapter ``vlboard.ui.Live`` and the plain ``Snapshot`` below both qualify)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd

from vlboard import db, filters, overview, queries, snapshots
from vlboard.periods import label_vi, parse_period


class Source(Protocol):
    def q(self, name: str, **params) -> pd.DataFrame: ...


@dataclass
class Snapshot:
    """A snapshot opened without Streamlit (CLI exports, benchmarks): queries memoised per object."""
    snapshot_id: str
    path: Path
    manifest: dict
    con: duckdb.DuckDBPyConnection
    _memo: dict = field(default_factory=dict, repr=False)

    @classmethod
    def current(cls, data: snapshots.DataDir) -> "Snapshot":
        sid, path, manifest = snapshots.current(data)
        return cls(sid, path, manifest, db.open_snapshot(path))

    def q(self, name: str, **params) -> pd.DataFrame:
        key = (name, tuple(sorted(params.items())))
        if key not in self._memo:
            self._memo[key] = queries.run(self.con, name, **params)
        return self._memo[key]


def filter_options(src: Source, include_demo: bool) -> filters.Options:
    """What the filters may take in this snapshot (labels in Vietnamese, display order)."""
    periods_df = src.q("periods_available", include_demo=include_demo)
    default = overview.default_period(src.q("latest_period", include_demo=include_demo))
    if default is None and not periods_df.empty:
        default = periods_df.period.iloc[0]
    plans, agencies, units = src.q("plans"), src.q("agency_list"), src.q("unit_list")
    return filters.Options(
        plans=dict(zip(plans.code, plans.short_name)),
        periods={p: label_vi(p) for p in periods_df.period},
        agencies=dict(zip(agencies.code, agencies.short_name)),
        units={c: f"{n} ({'2025' if lvl == 'xa' else 'TP Vĩnh Long'})"
               for c, n, lvl in zip(units.unit_code, units.name_vi, units.level)},
        default_period=default)


def full_card(src: Source, period: str, include_demo: bool) -> pd.DataFrame:
    """Every indicator's status, pace and explanation for a period (before narrowing by filters)."""
    p = parse_period(period)
    return overview.scorecard(src.q("status_indicators", year=p.year, period_end=p.end, include_demo=include_demo),
                              src.q("targets_numeric"), src.q("baselines"), p.end)


def narrow(card: pd.DataFrame, src: Source, f: filters.Filters) -> pd.DataFrame:
    return filters.apply(card, f, src.q("assignments_all"))


def unit_rows(src: Source, f: filters.Filters, card: pd.DataFrame) -> pd.DataFrame:
    """Indicator × ward/commune statuses of the filter's period, for the scorecard's indicators
    and, when a unit is chosen, that unit only."""
    p = parse_period(f.period)
    units = src.q("status_units", year=p.year, period_end=p.end, include_demo=f.include_demo)
    units = units[units.indicator_code.isin(card.indicator_code)]
    return units[units.unit_code == f.unit] if f.unit else units


@dataclass(frozen=True)
class Briefing:
    """What the wall screen and the meeting pack show for one filter state."""
    period: str | None
    card: pd.DataFrame | None  # narrowed scorecard, None without a period
    league: pd.DataFrame  # lead agencies ranked (breakdowns.league_frame)
    unit_map: pd.DataFrame  # one row per 2025 unit (breakdowns.map_frame)
    heat: pd.DataFrame  # indicator × ward statuses of the city's quarterly reporters
    completeness: pd.DataFrame  # breakdowns.completeness_table
    milestones: pd.DataFrame  # milestones.table, overdue first
    data_date: str


def briefing(src: Source, f: filters.Filters, today) -> Briefing:
    from vlboard import breakdowns, milestones

    empty = pd.DataFrame()
    card = None if f.period is None else narrow(full_card(src, f.period, f.include_demo), src, f)
    league = unit_map = heat = completeness = empty
    if card is not None:
        p = parse_period(f.period)
        rows = src.q("status_agencies", year=p.year, period_end=p.end, include_demo=f.include_demo)
        league = breakdowns.league_frame(rows[rows.indicator_code.isin(card.indicator_code)], "lead")
        units = unit_rows(src, f, card)
        unit_map = breakdowns.map_frame(units, src.q("unit_list"), src.q("unit_crosswalk"))
        wards = units[units.period.fillna("").str.contains("-Q")]  # the city's wards report quarterly
        heat = breakdowns.unit_matrix(wards, card[card.indicator_code.isin(wards.indicator_code)], max_indicators=12)
        completeness = breakdowns.completeness_table(
            src.q("completeness", period=f.period, period_type=p.kind, period_end=p.end, include_demo=f.include_demo))
    m = src.q("milestones")
    m = m[m.plan == f.plan] if f.plan else m
    plans = src.q("plans")
    table = milestones.table(m, dict(zip(plans.code, plans.short_name)), today)
    return Briefing(f.period, card, league, unit_map, heat, completeness, table,
                    overview.data_dates(src.q("data_date")).real)
