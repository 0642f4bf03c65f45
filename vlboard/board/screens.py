"""Data for the screens and the exports, from any source with ``q(name, **params)`` (pure: the
Streamlit adapter ``vlboard.ui.Live`` and the plain ``Snapshot`` below both qualify)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import duckdb
import pandas as pd

from vlboard.board import overview

from vlboard.domain import filters

from vlboard.store import db, queries, snapshots
from vlboard.domain.periods import label_vi, parse_period
from vlboard.domain.status import WITH_DATA


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


def has_judgement(card: pd.DataFrame | None) -> bool:
    """True when at least one indicator of the card is judged against a target (đạt, gần đạt or
    chưa đạt): the condition for gauges, rankings and maps to say anything."""
    return card is not None and bool(card.status.isin(WITH_DATA).any())


def latest_with_data(periods, card_of: Callable[[str], pd.DataFrame | None], skip: str | None = None,
                     judged: Callable[[str, pd.DataFrame], bool] | None = None) -> str | None:
    """The newest period (``periods`` newest first, as ``Options.periods``) whose card, narrowed
    by the same filters (``card_of``), has an indicator judged against its target; None if none.
    ``judged(period, card)`` replaces the test for panels that need more (a ward's or an agency's
    own judged figures)."""
    for period in periods:
        if period == skip:
            continue
        card = card_of(period)
        if has_judgement(card) and (judged is None or judged(period, card)):
            return period
    return None


def units_judged(src: Source, f: filters.Filters) -> Callable[[str, pd.DataFrame], bool]:
    """``judged=`` for the ward/commune panels: a unit has a figure judged in that period."""
    def test(period: str, card: pd.DataFrame) -> bool:
        return bool(unit_rows(src, f.with_(period=period), card).status.isin(WITH_DATA).any())
    return test


def agencies_judged(src: Source, f: filters.Filters, role: str) -> Callable[[str, pd.DataFrame], bool]:
    """``judged=`` for the agency ranking: an agency in that role has an indicator judged."""
    def test(period: str, card: pd.DataFrame) -> bool:
        return not agency_league(src, f.with_(period=period), card, role).empty
    return test


def agency_rows(src: Source, f: filters.Filters, card: pd.DataFrame) -> pd.DataFrame:
    """Assignment × status rows of the filter's period for the card's indicators and for single
    agencies only (``agency_list``): collective actors printed in the plans ("UBND 11 phường",
    "DN viễn thông", …) are expanded into their members in the catalogue and never ranked
    themselves. The agencies page, the wall and the meeting pack all rank from these rows."""
    p = parse_period(f.period)
    rows = src.q("status_agencies", year=p.year, period_end=p.end, include_demo=f.include_demo)
    single = set(src.q("agency_list").code)
    return rows[rows.indicator_code.isin(card.indicator_code) & rows.agency_code.isin(single)]


def agency_league(src: Source, f: filters.Filters, card: pd.DataFrame, role: str = "lead") -> pd.DataFrame:
    """The agency ranking (breakdowns.league_frame) shown by the agencies page, the wall and the pack."""
    from vlboard.board import breakdowns

    return breakdowns.league_frame(agency_rows(src, f, card), role)


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
    latest: str | None = None  # when the period has no judged indicator: the newest one that has

    @property
    def judged(self) -> bool:
        return has_judgement(self.card)


def briefing(src: Source, f: filters.Filters, today) -> Briefing:
    from vlboard.board import breakdowns, milestones

    empty = pd.DataFrame()
    card = None if f.period is None else narrow(full_card(src, f.period, f.include_demo), src, f)
    league = unit_map = heat = completeness = empty
    if card is not None:
        p = parse_period(f.period)
        league = agency_league(src, f, card, "lead")
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
    latest = None
    if not has_judgement(card):
        periods = src.q("periods_available", include_demo=f.include_demo).period
        latest = latest_with_data(periods, lambda per: narrow(full_card(src, per, f.include_demo), src, f),
                                  skip=f.period)
    return Briefing(f.period, card, league, unit_map, heat, completeness, table,
                    overview.data_dates(src.q("data_date")).real, latest)


def shown_period(src: Source, include_demo: bool, plan: str | None = None) -> str | None:
    """The period a screen without controls (the wall) shows: the engine's default period when an
    indicator is judged in it, else the newest period that has one, else the default."""
    options = filter_options(src, include_demo)
    f = filters.Filters(plan=plan, source="all" if include_demo else "real")

    def card_of(period: str) -> pd.DataFrame:
        return narrow(full_card(src, period, include_demo), src, f.with_(period=period))

    if options.default_period and has_judgement(card_of(options.default_period)):
        return options.default_period
    return latest_with_data(options.periods, card_of) or options.default_period
