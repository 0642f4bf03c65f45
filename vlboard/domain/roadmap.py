"""The path (lộ trình) of an indicator between its yearly targets, the target a figure of a given
date is judged against, and the pace: how far a figure is ahead of or behind that path. The rule of
``vl_path_segments`` and ``vl_targets_at`` in ``store/sql/macros/12_path.sql``. Pure: pandas/numpy.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from vlboard.domain.status import _num, lower_is_better
from vlboard.domain.vocab import NUMERIC_COMPARATORS


def _rows(frame: pd.DataFrame) -> Iterable[Any]:
    """``frame.itertuples()``, its rows typed as what they are to a checker: any columns."""
    return frame.itertuples()


def _year_end(year: int) -> dt.date:
    return dt.date(int(year), 12, 31)


def numeric_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """The targets with a number to reach (not milestones, not unprinted cells)."""
    return targets[targets.comparator.isin(NUMERIC_COMPARATORS) & targets.value.notna()]


def dated_and_undated(targets: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The numeric targets with a year (points on the way) and those printed without one (a goal for
    the whole programme: shown, but never a horizon for pace or progress)."""
    numeric = numeric_targets(targets)
    has_year = numeric.year.notna()
    return numeric[has_year], numeric[~has_year]


@dataclass(frozen=True)
class PathPoint:
    when: dt.date
    value: float
    value_high: float | None  # the upper bound of a range target, as stored
    comparator: str | None  # None for the baseline
    year: int | None
    raw: str | None

    @property
    def high(self) -> float:
        return self.value if self.value_high is None else self.value_high


def path_points(targets: pd.DataFrame, baseline: tuple[dt.date, float] | None) -> list[PathPoint]:
    """The points of the indicator's path (lộ trình): every dated numeric target at the end of its
    year and, before the first of them, the baseline (its earliest real value). The rule of
    ``vl_path_segments`` in ``sql/macros/12_path.sql``."""
    dated, _ = dated_and_undated(targets)
    points = [
        PathPoint(
            _year_end(r.year),
            float(r.value),
            _num(getattr(r, "value_high", None)),
            r.comparator,
            int(r.year),
            getattr(r, "raw", None),
        )
        for r in _rows(dated.sort_values("year"))
    ]
    if (
        points
        and baseline is not None
        and _num(baseline[1]) is not None
        and math.isfinite(float(baseline[1]))
        and baseline[0] < points[0].when
    ):
        points.insert(0, PathPoint(baseline[0], float(baseline[1]), None, None, None, None))
    return points


def paths_by_indicator(
    targets: pd.DataFrame, baselines: dict[str, tuple[dt.date, float]]
) -> dict[str, list[PathPoint]]:
    """``path_points`` of every indicator in ``targets`` at once (one pass over the frame, not one
    pandas filter and sort per indicator): the same points, a test checks it on every shipped one."""
    dated, _ = dated_and_undated(targets)
    dated = dated.sort_values(["indicator_code", "year"], kind="stable")
    high = dated["value_high"] if "value_high" in dated else pd.Series([None] * len(dated), index=dated.index)
    raw = dated["raw"] if "raw" in dated else pd.Series([None] * len(dated), index=dated.index)
    out: dict[str, list[PathPoint]] = {}
    for code, year, value, h, comparator, text in zip(
        dated.indicator_code, dated.year, dated.value, high, dated.comparator, raw
    ):
        out.setdefault(code, []).append(PathPoint(_year_end(year), float(value), _num(h), comparator, int(year), text))
    for code, points in out.items():
        baseline = baselines.get(code)
        if (
            baseline is not None
            and _num(baseline[1]) is not None
            and math.isfinite(float(baseline[1]))
            and baseline[0] < points[0].when
        ):
            points.insert(0, PathPoint(baseline[0], float(baseline[1]), None, None, None, None))
    return out


def _along(a: float, b: float, t0: dt.date, t1: dt.date, when: dt.date) -> float:
    return a + (b - a) * (when - t0).days / max(1, (t1 - t0).days)


@dataclass(frozen=True)
class Applicable:
    """The target a figure of a given date is judged against (see ``sql/macros/12_path.sql``)."""

    basis: str  # same | path | next | previous
    target_year: int
    comparator: str
    target: float
    target_high: float | None
    raw: str | None


def applicable_target(
    targets: pd.DataFrame, baseline: tuple[dt.date, float] | None, when: dt.date
) -> Applicable | None:
    """The year's printed target; else the straight path between the points around ``when``; else
    the next target (no path: not due); else the last one. None without a dated numeric target.
    The rule of ``vl_targets_at``; a test checks both on every shipped indicator."""
    return applicable_at(path_points(targets, baseline), when)


def applicable_at(points: list[PathPoint], when: dt.date) -> Applicable | None:
    """``applicable_target`` from an indicator's path points (computed once, for many dates)."""
    dated = [p for p in points if p.year is not None]
    if not dated:
        return None
    for p in dated:
        if p.year == when.year:
            return _applicable("same", p, p.value, p.value_high)
    for a, b in zip(points, points[1:]):
        if a.when < when <= b.when:
            high = _along(a.high, b.high, a.when, b.when, when) if b.comparator == "range" else None
            return _applicable("path", b, _along(a.value, b.value, a.when, b.when, when), high)
    later = [p for p in dated if p.year is not None and p.year > when.year]
    p, basis = (later[0], "next") if later else (dated[-1], "previous")
    return _applicable(basis, p, p.value, p.value_high)


def _applicable(basis: str, point: PathPoint, target: float, target_high: float | None) -> Applicable:
    # every point but the baseline (the first, never the end of a segment) is a target with both
    assert point.year is not None and point.comparator is not None
    return Applicable(basis, point.year, point.comparator, target, target_high, point.raw)


def pace_path(
    targets: pd.DataFrame, baseline: tuple[dt.date, float] | None, when: dt.date
) -> tuple[tuple[dt.date, float], tuple[dt.date, float]] | None:
    """The segment of the path a figure at ``when`` is measured against for pace: the two points
    around it (start exclusive, end inclusive); None before the first point or after the last."""
    return segment_at(path_points(targets, baseline), when)


def segment_at(points: list[PathPoint], when: dt.date) -> tuple[tuple[dt.date, float], tuple[dt.date, float]] | None:
    """``pace_path`` from an indicator's path points."""
    for a, b in zip(points, points[1:]):
        if a.when < when <= b.when:
            return (a.when, a.value), (b.when, b.value)
    return None


def pace(
    targets: pd.DataFrame,
    baseline: tuple[dt.date, float] | None,
    when: dt.date,
    value: float,
    direction: str = "higher",
    comparator: str = ">=",
) -> tuple[float | None, float | None, int | None]:
    """(expected value at ``when`` on the path, value − expected (mirrored when lower is better),
    the year of the target the path leads to)."""
    return pace_on(path_points(targets, baseline), when, value, direction, comparator)


def pace_on(
    points: list[PathPoint], when: dt.date, value: float, direction: str = "higher", comparator: str = ">="
) -> tuple[float | None, float | None, int | None]:
    """``pace`` from an indicator's path points."""
    v = _num(value)
    path = segment_at(points, when)
    if path is None or v is None:
        return None, None, None
    (start, base_value), (end, target) = path
    expected = _along(base_value, target, start, end, when)
    gap = v - expected
    if lower_is_better(direction, comparator):
        gap = -gap
    return expected, gap, end.year


def add_pace(
    indicators: pd.DataFrame, targets: pd.DataFrame, baselines: pd.DataFrame, period_end: dt.date
) -> pd.DataFrame:
    """Add expected, pace_gap and final_year to a status_indicators frame (one row per indicator).

    ``targets``: all targets; ``baselines``: indicator_code, period_end, value of the earliest real
    result per indicator. Loops per indicator, never per result row (hundreds of rows at most).
    """
    base = {r.indicator_code: (pd.Timestamp(r.period_end).date(), float(r.value)) for r in _rows(baselines)}
    by_code = paths_by_indicator(targets, base)
    expected: list[float] = []
    gaps: list[float] = []
    finals: list[Any] = []
    for r in _rows(indicators):
        t = by_code.get(r.indicator_code)
        when = period_end
        if t is None or r.status in ("qualitative", "no_target") or _num(r.value) is None:
            expected.append(np.nan)
            gaps.append(np.nan)
            finals.append(pd.NA)
            continue
        e, g, f = pace_on(t, when, r.value, r.direction, r.comparator)
        expected.append(np.nan if e is None else e)
        gaps.append(np.nan if g is None else g)
        finals.append(pd.NA if f is None else f)
    return indicators.assign(expected=expected, pace_gap=gaps, final_year=finals)
