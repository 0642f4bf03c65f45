"""One route per screen frame. Over 300 lines: it is the index of every frame of the pages, wall,
pack, data API and drafted report; split, a frame's one route would be looked for in several modules.

Each function takes a data source (``store.source.Source``: anything with ``q(name, **params)``,
the Streamlit adapter ``vlboard.ui.data.Live`` or the plain ``store.source.Snapshot``) and the
filters, and returns the frame a screen shows. The pages, the wall and the meeting pack call the
same function for the same frame (tests/test_routes.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from vlboard.board import audit, breakdowns, commentary, milestones, overview, report
from vlboard.board import outlook as outlook_frames
from vlboard.domain import filters, rollups
from vlboard.domain.periods import label_vi, parse_period
from vlboard.domain.status import WITH_DATA
from vlboard.domain.vocab import MAIN_PILLARS

if TYPE_CHECKING:
    from vlboard.store.source import Source


def filter_options(src: Source, include_demo: bool) -> filters.Options:
    """What the filters may take in this snapshot (labels in Vietnamese, display order). The
    agencies are the single bodies of ``agency_list`` followed by the collective actors the plans
    assign (they are ranked too, see agency_rows), so a click on any league bar is a valid filter."""
    periods_df = src.q("periods_available", include_demo=include_demo)
    default = overview.default_period(src.q("latest_period", include_demo=include_demo))
    if default is None and not periods_df.empty:
        default = periods_df.period.iloc[0]
    plans, agencies, units = src.q("plans"), src.q("agency_list"), src.q("unit_list")
    agency_names = dict(zip(agencies.code, agencies.short_name))
    if default is not None:
        shown = filters.Filters(period=default, source="all" if include_demo else "real")
        rows = src.q("status_agencies", **filters.status_params(shown))
        agency_names.update({c: n for c, n in zip(rows.agency_code, rows.agency_short) if c not in agency_names})
    return filters.Options(
        plans=dict(zip(plans.code, plans.short_name)),
        periods={p: label_vi(p) for p in periods_df.period},
        agencies=agency_names,
        units={
            c: f"{n} ({'2025' if lvl == 'xa' else 'TP Vĩnh Long'})"
            for c, n, lvl in zip(units.unit_code, units.name_vi, units.level)
        },
        default_period=default,
    )


def full_card(src: Source, period: str, include_demo: bool, approved_only: bool = False) -> pd.DataFrame:
    """Every indicator's status, pace and explanation for a period (before narrowing by filters);
    ``approved_only``: the filter «Chỉ số liệu đã duyệt» (reports only once approved, no demo)."""
    f = filters.Filters(period=period, source="approved" if approved_only else "all" if include_demo else "real")
    return overview.scorecard(
        src.q("status_indicators", **filters.status_params(f)),
        src.q("targets_numeric"),
        src.q("baselines"),
        parse_period(period).end,
    )


def narrow(card: pd.DataFrame, src: Source, f: filters.Filters) -> pd.DataFrame:
    return filters.apply(card, f, src.q("assignments_all"))


def has_judgement(card: pd.DataFrame | None) -> bool:
    """True when at least one indicator of the card is judged against a target (đạt, gần đạt or
    chưa đạt): the condition for gauges, rankings and maps to say anything."""
    return card is not None and bool(card.status.isin(WITH_DATA).any())


def latest_with_data(
    periods,
    card_of: Callable[[str], pd.DataFrame | None],
    skip: str | None = None,
    judged: Callable[[str, pd.DataFrame], bool] | None = None,
) -> str | None:
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
        return bool(unit_counts(src, f.with_(period=period), card).status.isin(WITH_DATA).any())

    return test


def agencies_judged(src: Source, f: filters.Filters, role: str) -> Callable[[str, pd.DataFrame], bool]:
    """``judged=`` for the agency ranking: an agency in that role has an indicator judged."""

    def test(period: str, card: pd.DataFrame) -> bool:
        return not agency_league(src, f.with_(period=period), card, role).empty

    return test


def agency_rows(src: Source, f: filters.Filters, card: pd.DataFrame) -> pd.DataFrame:
    """Assignment × status rows of the filter's period for the card's indicators, for every actor
    the plans assign: single agencies and the collective actors printed in the plans ("UBND 11
    phường", "DN viễn thông", …). A collective is ranked as itself: the plans assign it, not its
    members, and most indicators it leads have no other lead (leaving it out would hide them)."""
    rows = src.q("status_agencies", **filters.status_params(f))
    return rows[rows.indicator_code.isin(card.indicator_code)]


def agency_league(src: Source, f: filters.Filters, card: pd.DataFrame, role: str = "lead") -> pd.DataFrame:
    """The agency ranking (breakdowns.league_frame) of the agencies page, the wall and the pack."""
    return breakdowns.league_frame(agency_rows(src, f, card), role)


def unit_rows(src: Source, f: filters.Filters, card: pd.DataFrame) -> pd.DataFrame:
    """Indicator × ward/commune statuses of the filter's period, for the scorecard's indicators
    and, when a unit is chosen, that unit only."""
    units = src.q("status_units", **filters.status_params(f))
    units = units[units.indicator_code.isin(card.indicator_code)]
    return units[units.unit_code == f.unit] if f.unit else units


def unit_counts(src: Source, f: filters.Filters, card: pd.DataFrame, codes: list[str] | None = None) -> pd.DataFrame:
    """Ward/commune × status counts (``status_unit_counts``) of the filter's period over the card's
    indicators (or ``codes``) and, when a unit is chosen, that unit only: the ranking, the map and
    the heat table count in SQL, never reading every indicator × unit row."""
    codes = card.indicator_code.tolist() if codes is None else codes
    return src.q("status_unit_counts", **filters.status_params(f), codes=tuple(sorted(codes)), unit=f.unit)


def unit_ranking(src: Source, f: filters.Filters, card: pd.DataFrame) -> pd.DataFrame:
    """The ward/commune ranking (breakdowns.unit_ranking) of the units page."""
    return breakdowns.unit_ranking(unit_counts(src, f, card))


def unit_map_frame(src: Source, f: filters.Filters, card: pd.DataFrame) -> pd.DataFrame:
    """One row per 2025 unit (breakdowns.map_frame) for the map of the units page and the wall."""
    return breakdowns.map_frame(unit_counts(src, f, card), src.q("unit_list"), src.q("unit_crosswalk"))


def unit_heat(src: Source, f: filters.Filters, card: pd.DataFrame) -> pd.DataFrame:
    """The indicator × ward/commune heat table (breakdowns.unit_matrix) of the units page, the
    wall and the pack: the slowest indicators of the card, the units with fewest achieved."""
    codes = breakdowns.heat_indicators(card)
    units = breakdowns.heat_units(unit_counts(src, f, card, codes))
    cells = src.q(
        "status_unit_cells", **filters.status_params(f), codes=tuple(sorted(codes)), units=tuple(sorted(units))
    )
    return breakdowns.unit_matrix(cells, card)


def slowest_rows(heat: pd.DataFrame, card: pd.DataFrame, n: int) -> pd.DataFrame:
    """The heat table cropped to its ``n`` slowest indicators (the wall, read from a distance)."""
    keep = card[card.indicator_code.isin(heat.row)].sort_values("attainment").indicator_code.head(n)
    return heat[heat.row.isin(keep)]


def completeness(src: Source, f: filters.Filters, subject_type: str | None = None) -> pd.DataFrame:
    """Who has reported for the filter's period (breakdowns.completeness_table): every subject,
    or only wards/communes (``"unit"``) or agencies (``"agency"``)."""
    return breakdowns.completeness_table(completeness_rows(src, f, subject_type))


def completeness_rows(src: Source, f: filters.Filters, subject_type: str | None = None) -> pd.DataFrame:
    """The rows behind ``completeness`` (one per subject: expected, received, on time, with codes;
    rollups.completeness_summary), for the data API (vlboard.api) and the table above."""
    c = src.q("completeness", **filters.report_params(f))
    return rollups.completeness_summary(c if subject_type is None else c[c.subject_type == subject_type])


def outlook(src: Source, f: filters.Filters, card: pd.DataFrame | None = None) -> pd.DataFrame:
    """The outlook to the deadline of the card's indicators (board.outlook.frame): the indicator
    page, the pillar and agency tables, the overview and the wall read it from here. The interval
    is calibrated on every series of the snapshot (the same source kinds as the card)."""
    card = scorecard(src, f) if card is None else card
    if card is None or f.period is None:
        return pd.DataFrame(columns=outlook_frames.COLUMNS)
    series = src.q("outlook_series", include_demo=f.include_demo)
    return outlook_frames.frame(card, series, src.q("targets_numeric"), parse_period(f.period).end)


def scorecard(src: Source, f: filters.Filters, period: str | None = None) -> pd.DataFrame | None:
    """The filter's scorecard (or another period's), narrowed by the filters; None without a period."""
    period = period or f.period
    return None if period is None else narrow(full_card(src, period, f.include_demo, f.approved_only), src, f)


@dataclass(frozen=True)
class Briefing:
    """What the wall screen and the meeting pack show for one filter state."""

    period: str | None
    card: pd.DataFrame | None  # narrowed scorecard, None without a period
    league: pd.DataFrame  # lead agencies ranked (agency_league)
    unit_map: pd.DataFrame  # one row per 2025 unit (breakdowns.map_frame)
    heat: pd.DataFrame  # indicator × ward/commune statuses (unit_heat)
    completeness: pd.DataFrame  # every reporting subject (completeness)
    milestones: pd.DataFrame  # milestones.table, overdue first
    data_date: str
    latest: str | None = None  # when the period has no judged indicator: the newest one that has
    explained: dict[str, str] | None = None  # commentary.by_indicator: «Giải trình» of the off-track rows

    @property
    def judged(self) -> bool:
        return has_judgement(self.card)

    def off_track(self, limit: int) -> pd.DataFrame:
        """The worst indicators with their explanations (overview.off_track, as on the overview page)."""
        return overview.off_track(self.card, limit=limit, explained=self.explained or {})


def briefing(src: Source, f: filters.Filters, today) -> Briefing:
    empty = pd.DataFrame()
    card = scorecard(src, f)
    league = unit_map = heat = report = empty
    if card is not None:
        league = agency_league(src, f, card, "lead")
        unit_map = unit_map_frame(src, f, card)
        heat = unit_heat(src, f, card)
        report = completeness(src, f)
    m = src.q("milestones")
    m = m[m.plan == f.plan] if f.plan else m
    plans = src.q("plans")
    table = milestones.table(m, dict(zip(plans.code, plans.short_name)), today)
    latest = None
    if not has_judgement(card):
        periods = src.q("periods_available", include_demo=f.include_demo).period
        latest = latest_with_data(periods, lambda per: scorecard(src, f, per), skip=f.period)
    dates = overview.data_dates(src.q("data_date")).real
    explained = commentary.by_indicator(src, f.period) if card is not None else {}
    return Briefing(f.period, card, league, unit_map, heat, report, table, dates, latest, explained)


def shown_period(src: Source, include_demo: bool, plan: str | None = None) -> str | None:
    """The period a screen without controls (the wall) shows: the engine's default period when an
    indicator is judged in it, else the newest period that has one, else the default."""
    options = filter_options(src, include_demo)
    f = filters.Filters(plan=plan, source="all" if include_demo else "real")

    def card_of(period: str) -> pd.DataFrame:
        return scorecard(src, f, period)

    if options.default_period and has_judgement(card_of(options.default_period)):
        return options.default_period
    return latest_with_data(options.periods, card_of) or options.default_period


def pillar_trend(
    src: Source, f: filters.Filters, n: int = 6, card_of: Callable[[str], pd.DataFrame | None] | None = None
) -> pd.DataFrame:
    """The three main pillars' % đạt (rollups.gauge_counts: the gauges' and the wall's headline)
    over the last ``n`` periods of the filter period's kind (quarters or years), up to it, that
    have an indicator judged, oldest first: one row per period × pillar with ``pct`` (NaN where
    the pillar has nothing judged) and ``n_judged``. ``card_of(period)`` gives the narrowed card
    (default ``scorecard``; the wall passes its cached one). Empty without a period."""
    columns = ["period", "pillar", "pct", "n_judged"]
    if f.period is None:
        return pd.DataFrame(columns=columns)
    shown = parse_period(f.period)
    card_of = card_of or (lambda period: scorecard(src, f, period))
    periods = [parse_period(p) for p in src.q("periods_available", include_demo=f.include_demo).period]
    candidates = sorted((p for p in periods if p.kind == shown.kind and p.end <= shown.end), key=lambda p: p.end)
    blocks: list[list[tuple]] = []
    for p in reversed(candidates):  # newest first, until n judged periods
        if len(blocks) == n:
            break
        card = card_of(p.code)
        if card is None or not has_judgement(card):
            continue
        gauges = [(pillar, rollups.gauge_counts(card, pillar)) for pillar in MAIN_PILLARS]
        blocks.append([(p.code, k, float("nan") if g.pct is None else g.pct, g.n) for k, g in gauges])
    return pd.DataFrame([row for block in reversed(blocks) for row in block], columns=columns)


def report_subject(
    src: Source, agency: str | None = None, unit: str | None = None, period: str | None = None
) -> report.Subject:
    """Who issues the drafted report: an agency (its superior: the province's or the city's UBND)
    or a ward/commune (a 2025 commune under the province, a 2023 ward under TP Vĩnh Long). Raises
    LookupError with a Vietnamese message for an unknown code."""
    if unit:
        units = src.q("unit_list")
        match = units[units.unit_code == unit]
        if match.empty:
            raise LookupError(f"Không có phường, xã mã «{unit}» trong bản dữ liệu.")
        u = match.iloc[0]
        name = str(u.name_vi).split(" (")[0]  # «Phường 1 (sau sáp nhập)» signs as UBND phường 1
        name = name[:1].lower() + name[1:] if name.split()[0] in ("Phường", "Xã") else name
        superior = "UBND tỉnh Vĩnh Long" if u.level == "xa" else "UBND thành phố Vĩnh Long"
        return report.Subject("unit", unit, f"UBND {name}", superior, "UBND")
    agencies = src.q("agency_list")
    match = agencies[agencies.code == agency]
    if not match.empty:
        a = match.iloc[0]
        superior = {"tinh": "UBND tỉnh Vĩnh Long", "thanh_pho": "UBND thành phố Vĩnh Long"}.get(a.level, "")
        return report.Subject("agency", str(agency), str(a.name_vi), superior, report.abbreviation(str(a.name_vi)))
    if period is not None:  # a collective actor the plans assign («UBND các xã», …): named by status_agencies
        f = filters.Filters(period=period)
        names = src.q("status_agencies", **filters.status_params(f))
        name = names.agency_name[names.agency_code == agency]
        if not name.empty:
            return report.Subject("agency", str(agency), str(name.iloc[0]), "", report.abbreviation(str(name.iloc[0])))
    raise LookupError(f"Không có cơ quan mã «{agency}» trong bản dữ liệu.")


def report_frame(
    src: Source, period: str, include_demo: bool, *, agency: str | None = None, unit: str | None = None
) -> report.Report:
    """The drafted «Báo cáo kết quả thực hiện» of one agency (the indicators it leads, and apart
    those it partners) or one ward/commune (the indicators it has a figure for) for one period:
    the scorecard's rows with the subject's own figures where it has them (as ``agency_rows`` and
    ``unit_rows`` judge them), and what was due from it without a figure (``completeness``)."""
    if bool(agency) == bool(unit):
        raise ValueError("Cần đúng một trong hai: mã cơ quan hoặc mã phường, xã.")
    subject = report_subject(src, agency, unit, period)
    f = filters.Filters(period=period, source="all" if include_demo else "real")
    card = full_card(src, period, include_demo)
    chances = outlook(src, f, card)[["indicator_code", "cell"]]  # «Khả năng đạt», as on the pages
    card = card.merge(chances.rename(columns={"cell": "outlook"}), on="indicator_code", how="left")
    own = src.q("report_rows", **filters.status_params(f), subject_type=subject.kind, subject_code=subject.code)
    if agency:
        assigned = src.q("assignments_all")
        roles = assigned[assigned.agency_code == agency][["indicator_code", "role"]]
    else:
        roles = own[["indicator_code"]].assign(role="unit")
    due = src.q("completeness", **filters.report_params(f))
    due = due[(due.subject_type == subject.kind) & (due.subject_code == subject.code)]
    missing = [c.strip() for m in due.missing.dropna() for c in str(m).split(",") if c.strip()]
    snapshot_id = getattr(src, "snapshot_id", None)
    return report.build(
        subject,
        period,
        card,
        own,
        roles,
        missing,
        overview.data_dates(src.q("data_date")).real,
        snapshot_id if isinstance(snapshot_id, str) else None,
        include_demo,
    )


def target_audit(src: Source) -> list[audit.Concept]:
    """The cross-plan target audit (page «Đối chiếu chỉ tiêu» and the pack's appendix): every
    curated concept with its members' targets and flags, conflicts first."""
    return audit.concepts(src.q("concept_targets"))
