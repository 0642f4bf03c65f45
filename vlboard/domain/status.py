"""Status rule, pace to the final target, and the one-line Vietnamese explanation.

The status itself is decided by the SQL macro in ``sql/macros/10_status.sql`` (one definition for
every query and every size of data); :func:`classify` is the same rule in Python for single values
(tests and previews) and is checked against the macro. Pure: pandas/numpy, no streamlit.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vlboard.domain import formatting
from vlboard.domain.periods import label_vi, parse_period
from vlboard.domain.vocab import NUMERIC_COMPARATORS, SOURCES, STATUSES, WITH_DATA


COMPARATOR_TEXT = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def label(status: str) -> str:
    """'near' → '◐ Gần đạt' (icon + text: never colour alone)."""
    s = STATUSES.get(status)
    return f"{s.icon} {s.label}" if s else status


def _num(x) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def lower_is_better(direction: str | None, comparator: str | None) -> bool:
    return direction == "lower" or comparator in ("<=", "<")


def met(value: float, comparator: str, target: float, target_high: float | None, direction: str | None) -> bool:
    if comparator == ">=":
        return value >= target
    if comparator == ">":
        return value > target
    if comparator == "<=":
        return value <= target
    if comparator == "<":
        return value < target
    if comparator == "range":
        return value <= target_high if direction == "lower" else value >= target
    raise ValueError(f"phép so sánh không hợp lệ: {comparator!r}")


def attainment(value, comparator, target, target_high=None, direction="higher") -> float | None:
    """value/target (target/value when lower is better); None where undefined."""
    value, target, target_high = _num(value), _num(target), _num(target_high)
    if value is None or target is None or comparator in (None, "done"):
        return None
    if lower_is_better(direction, comparator):
        if value == 0:
            return None
        top = target_high if comparator == "range" and target_high is not None else target
        return top / value
    return None if target == 0 else value / target


def target_gap(value, comparator, target, target_high=None, direction="higher") -> float | None:
    """How far the value is from the target, in the indicator's unit (points for percentages);
    positive = still to go, negative = beyond the target."""
    value, target, target_high = _num(value), _num(target), _num(target_high)
    if value is None or target is None or comparator in (None, "done"):
        return None
    if lower_is_better(direction, comparator):
        top = target_high if comparator == "range" and target_high is not None else target
        return value - top
    return target - value


def classify(kind, value, comparator, target, target_high=None, direction="higher", basis="same",
             near=0.9) -> str:
    """The status rule of the SQL macro ``vl_status``, for one value."""
    value, target = _num(value), _num(target)
    if kind in ("qualitative", "referenced") or comparator == "done":
        return "qualitative"
    if comparator is None or target is None:
        return "no_target"
    if basis == "next":  # no path to a later target: not due, whatever the value (ahead or behind)
        return "not_due"
    if value is None:
        return "no_data"
    if met(value, comparator, target, _num(target_high), direction):
        return "achieved"
    a = attainment(value, comparator, target, target_high, direction)
    return "near" if a is not None and a >= near else "not_achieved"


# ------------------------------------------------------------------------------ path and pace

BASIS_WORDS = {"same": "Mục tiêu", "path": "Lộ trình", "next": "Mục tiêu", "previous": "Mục tiêu"}


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
    points = [PathPoint(_year_end(r.year), float(r.value), _num(getattr(r, "value_high", None)),
                        r.comparator, int(r.year), getattr(r, "raw", None))
              for r in dated.sort_values("year").itertuples()]
    if points and baseline is not None and _num(baseline[1]) is not None \
            and math.isfinite(float(baseline[1])) and baseline[0] < points[0].when:
        points.insert(0, PathPoint(baseline[0], float(baseline[1]), None, None, None, None))
    return points


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


def applicable_target(targets: pd.DataFrame, baseline: tuple[dt.date, float] | None,
                      when: dt.date) -> Applicable | None:
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
            return Applicable("same", p.year, p.comparator, p.value, p.value_high, p.raw)
    for a, b in zip(points, points[1:]):
        if a.when < when <= b.when:
            high = _along(a.high, b.high, a.when, b.when, when) if b.comparator == "range" else None
            return Applicable("path", b.year, b.comparator, _along(a.value, b.value, a.when, b.when, when), high,
                              b.raw)
    later = [p for p in dated if p.year > when.year]
    p, basis = (later[0], "next") if later else (dated[-1], "previous")
    return Applicable(basis, p.year, p.comparator, p.value, p.value_high, p.raw)


def pace_path(targets: pd.DataFrame, baseline: tuple[dt.date, float] | None,
              when: dt.date) -> tuple[tuple[dt.date, float], tuple[dt.date, float]] | None:
    """The segment of the path a figure at ``when`` is measured against for pace: the two points
    around it (start exclusive, end inclusive); None before the first point or after the last."""
    points = path_points(targets, baseline)
    for a, b in zip(points, points[1:]):
        if a.when < when <= b.when:
            return (a.when, a.value), (b.when, b.value)
    return None


def pace(targets: pd.DataFrame, baseline: tuple[dt.date, float] | None, when: dt.date, value: float,
         direction: str = "higher", comparator: str = ">=") -> tuple[float | None, float | None, int | None]:
    """(expected value at ``when`` on the path, value − expected (mirrored when lower is better),
    the year of the target the path leads to)."""
    value = _num(value)
    path = pace_path(targets, baseline, when)
    if path is None or value is None:
        return None, None, None
    (start, base_value), (end, target) = path
    expected = _along(base_value, target, start, end, when)
    gap = value - expected
    if lower_is_better(direction, comparator):
        gap = -gap
    return expected, gap, end.year


def target_phrase(basis: str | None, year) -> str:
    """How a screen names what a figure is judged against: 'mục tiêu 2025' or 'lộ trình 2030'."""
    if year is None or pd.isna(year):
        return "mục tiêu"
    return f"{'lộ trình' if basis == 'path' else 'mục tiêu'} {int(year)}"


# ---------------------------------------------------------------------------------- explanation

def value_text(value, unit: str | None) -> str:
    unit = unit if isinstance(unit, str) else None
    if _num(value) is None:
        return "–"
    if unit and unit.startswith("%"):
        return formatting.percent(value)
    return f"{formatting.number(value)} {unit}".strip() if unit else formatting.number(value)


def target_text(comparator, target, target_high, unit) -> str:
    if comparator == "range":
        return f"{value_text(target, unit)} – {value_text(target_high, unit)}"
    return f"{COMPARATOR_TEXT.get(comparator, comparator or '')} {value_text(target, unit)}".strip()


def judged_against(basis, year, comparator, target, target_high, unit) -> str:
    """'mục tiêu 2025 ≥ 80%' or 'lộ trình 2030 ≥ 83%': what a figure is judged against, named;
    '–' without a numeric target."""
    if _num(target) is None or comparator in (None, "done") or (isinstance(comparator, float) and math.isnan(comparator)):
        return "–"
    return f"{target_phrase(basis, year)} {target_text(comparator, target, target_high, unit)}"


def _period_text(period: str | None) -> str:
    """'2025-Q3' → 'Q3/2025', '2025-06' → 'tháng 06/2025', '2025' → '2025'."""
    if not period:
        return ""
    p = parse_period(period)
    if p.kind == "quarter":
        return f"Q{period[-1]}/{p.year}"
    return label_vi(period).lower() if p.kind == "month" else str(p.year)


def explain(row: dict) -> str:
    """One line, e.g. 'Mục tiêu 2025 > 80% · Thực hiện 72,5% (Q III/2025, minh họa) ·
    Đạt 90,6% mục tiêu · Chậm 7,5 điểm % so với lộ trình'. ``row`` has the columns of
    status_indicators (plus optional pace_gap)."""
    status = row.get("status")
    unit = row.get("measure_unit") if isinstance(row.get("measure_unit"), str) else None
    parts = []
    if status == "qualitative":
        parts.append("Chỉ tiêu định tính" + (f" (mục tiêu {row['target_year']})" if row.get("target_year") else ""))
    elif status == "no_target":
        parts.append("Văn bản không ghi mục tiêu số")
    else:
        phrase = target_phrase(row.get("basis"), row.get("target_year"))
        parts.append(f"{phrase[0].upper()}{phrase[1:]} "
                     f"{target_text(row.get('comparator'), row.get('target'), row.get('target_high'), unit)}"
                     + (" (đến kỳ này)" if row.get("basis") == "path" else ""))
    if _num(row.get("value")) is not None:
        src = ", ".join(SOURCES.get(s, s) for s in str(row["source"]).split(",")) if row.get("source") else ""
        when = _period_text(row.get("period"))
        how = {"median": "trung vị các đơn vị", "ratio_of_sums": "tính lại từ tử số/mẫu số",
               "sum": "tổng các đơn vị"}.get(row.get("aggregation") or "", "")
        detail = ", ".join(x for x in (when, how, src.lower()) if x)
        parts.append(f"Thực hiện {value_text(row.get('value'), unit)}" + (f" ({detail})" if detail else ""))
        if row.get("aggregation") == "median" and _num(row.get("value_min")) is not None:
            parts.append(f"dao động {value_text(row['value_min'], unit)}–{value_text(row['value_max'], unit)}")
    elif status not in ("qualitative", "no_target"):
        parts.append("Chưa có số liệu")
    a = _num(row.get("attainment"))
    style = STATUSES.get(status)
    if status in WITH_DATA and a is not None:
        parts.append(f"{style.label} {formatting.percent(a * 100)} mục tiêu" if status != "achieved"
                     else f"Đạt ({formatting.percent(a * 100)} mục tiêu)")
    elif style and status not in ("qualitative", "no_target", "no_data"):
        parts.append(style.label)
    if status == "not_due" and _num(row.get("value")) is not None and row.get("comparator") in COMPARATOR_TEXT \
            and _num(row.get("target")) is not None \
            and met(_num(row["value"]), row["comparator"], _num(row["target"]), None, row.get("direction")):
        parts.append(f"đã đạt mức mục tiêu {row.get('target_year')} trước hạn")
    short = target_gap(row.get("value"), row.get("comparator"), row.get("target"), row.get("target_high"),
                       row.get("direction"))
    if status in ("near", "not_achieved", "not_due") and short is not None and short > 0:
        pts = "điểm %" if unit and unit.startswith("%") else (unit or "")
        parts.append(f"còn thiếu {formatting.number(short)} {pts}".strip())
    gap = _num(row.get("pace_gap"))
    if gap is not None and status not in ("qualitative", "no_target"):
        pts = "điểm %" if unit and unit.startswith("%") else (unit or "")
        size = formatting.number(abs(gap))
        parts.append(f"{'Nhanh' if gap >= 0 else 'Chậm'} {size} {pts} so với lộ trình".replace("  ", " "))
    if int(row.get("n_distinct_values") or 0) > 1:
        parts.append(f"văn bản nêu {row['n_distinct_values']} số liệu khác nhau")
    return " · ".join(parts)


def add_pace(indicators: pd.DataFrame, targets: pd.DataFrame, baselines: pd.DataFrame,
             period_end: dt.date) -> pd.DataFrame:
    """Add expected, pace_gap and final_year to a status_indicators frame (one row per indicator).

    ``targets``: all targets; ``baselines``: indicator_code, period_end, value of the earliest real
    result per indicator. Loops per indicator, never per result row (hundreds of rows at most).
    """
    by_code = dict(tuple(targets.groupby("indicator_code")))
    base = {r.indicator_code: (pd.Timestamp(r.period_end).date(), float(r.value)) for r in baselines.itertuples()}
    expected, gaps, finals = [], [], []
    for r in indicators.itertuples():
        t = by_code.get(r.indicator_code)
        when = period_end
        if t is None or r.status in ("qualitative", "no_target") or _num(r.value) is None:
            expected.append(np.nan), gaps.append(np.nan), finals.append(pd.NA)
            continue
        e, g, f = pace(t, base.get(r.indicator_code), when, r.value, r.direction, r.comparator)
        expected.append(np.nan if e is None else e)
        gaps.append(np.nan if g is None else g)
        finals.append(pd.NA if f is None else f)
    return indicators.assign(expected=expected, pace_gap=gaps, final_year=finals)
