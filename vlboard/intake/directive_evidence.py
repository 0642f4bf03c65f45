"""What the data did since a directive was issued (issue 20, «closed by evidence»): the measure of
its target at the directive's date and now — an indicator's headline value, status and gap to its
target (vlboard.domain.status: direction-aware), or the share of an agency's (lead) or a ward's
indicators on track (vlboard.domain.rollups) — from the same status queries as the scorecard.
The data «at the directive's date» is the newest period ending on or before that date. No streamlit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from vlboard.domain import rollups, status
from vlboard.domain.directives import Movement, evidence_text
from vlboard.domain.periods import label_vi, parse_period
from vlboard.store.source import Source

LOOK_BACK = 4  # periods tried, newest first, for a period in which the target has a measure


@dataclass(frozen=True)
class Evidence:
    movement: Movement
    since: dt.date
    period_then: str | None = None
    period_now: str | None = None
    status_then: str | None = None
    status_now: str | None = None
    unit: str | None = None
    share: bool = False  # the measure is a % of indicators on track (agency or ward)

    @property
    def text(self) -> str:
        latest = label_vi(self.period_now) if self.period_now else None
        new = self.period_now != self.period_then
        return evidence_text(self.since, self.movement, status.value_text, self.unit, self.share, latest, new)


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _indicator_at(src: Source, code: str, period: str, include_demo: bool) -> dict | None:
    p = parse_period(period)
    card = src.q("status_indicators", year=p.year, period_end=p.end, include_demo=include_demo)
    hit = card[card.indicator_code == code]
    if hit.empty or _num(hit.value.iloc[0]) is None:
        return None
    r = hit.iloc[0]
    gap = status.target_gap(r.value, r.comparator, r.target, r.target_high, r.direction)
    return {"value": float(r.value), "gap": gap, "status": r.status, "unit": r.measure_unit}


def _share_at(src: Source, target_type: str, code: str, period: str, include_demo: bool) -> dict | None:
    p = parse_period(period)
    params = dict(year=p.year, period_end=p.end, include_demo=include_demo)
    if target_type == "agency":
        rows = src.q("status_agencies", **params)
        rows = rows[(rows.agency_code == code) & (rows.role == "lead")]
    else:
        rows = src.q("status_units", **params)
        rows = rows[rows.unit_code == code]
    counts = rollups.status_counts(rows.assign(_k=code), ["_k"])
    if counts.empty or _num(counts.pct_achieved.iloc[0]) is None:
        return None
    pct = float(counts.pct_achieved.iloc[0])
    return {"value": pct, "gap": None, "status": rollups.share_band(pct), "unit": "%"}


def _periods(src: Source, target_type: str, code: str, include_demo: bool) -> pd.DataFrame:
    """Candidate periods (period, period_end), oldest first."""
    if target_type == "indicator":
        s = src.q("indicator_series", code=code, include_demo=include_demo)
        s = s[s.value.notna()]
    else:
        s = src.q("periods_available", include_demo=include_demo)
    out = s[["period", "period_end"]].drop_duplicates("period")
    return out.assign(period_end=pd.to_datetime(out.period_end).dt.date).sort_values("period_end")


def _first(src, target_type, code, periods: list[str], include_demo) -> tuple[str | None, dict | None]:
    for period in periods[:LOOK_BACK]:
        m = (
            _indicator_at(src, code, period, include_demo)
            if target_type == "indicator"
            else _share_at(src, target_type, code, period, include_demo)
        )
        if m is not None:
            return period, m
    return None, None


def evidence(src: Source, target_type: str, target_code: str, since: dt.date, include_demo: bool) -> Evidence:
    """The measure of the target at ``since`` (the directive's date) and now."""
    periods = _periods(src, target_type, target_code, include_demo)
    before = periods[periods.period_end <= since].period.tolist()[::-1]
    newest = periods.period.tolist()[::-1]
    p_then, then = _first(src, target_type, target_code, before, include_demo)
    p_now, now = _first(src, target_type, target_code, newest, include_demo)
    movement = Movement(
        then["value"] if then else None,
        now["value"] if now else None,
        then["gap"] if then else None,
        now["gap"] if now else None,
        by_gap=target_type == "indicator",
    )
    unit = (now or then or {}).get("unit")
    return Evidence(
        movement,
        since,
        p_then,
        p_now,
        then["status"] if then else None,
        now["status"] if now else None,
        unit if isinstance(unit, str) else None,
        share=target_type != "indicator",
    )
