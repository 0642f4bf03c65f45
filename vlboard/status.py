"""Status vocabulary, pace to the final target, and the one-line Vietnamese explanation.

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

from vlboard import formatting
from vlboard.periods import label_vi, parse_period
from vlboard.schema import SOURCES


@dataclass(frozen=True)
class StatusStyle:
    label: str
    icon: str
    colour: str  # Okabe–Ito palette: distinguishable with the common colour-vision deficiencies


# order = severity for sorting (worst first in off-track lists)
STATUSES: dict[str, StatusStyle] = {
    "not_achieved": StatusStyle("Chưa đạt", "✖", "#D55E00"),
    "near": StatusStyle("Gần đạt", "◐", "#E69F00"),
    "no_data": StatusStyle("Chưa có số liệu", "?", "#7F7F7F"),
    "achieved": StatusStyle("Đạt", "✔", "#009E73"),
    "not_due": StatusStyle("Chưa đến kỳ", "◷", "#56B4E9"),
    "qualitative": StatusStyle("Định tính", "◇", "#CC79A7"),
    "no_target": StatusStyle("Chưa có mục tiêu số", "–", "#BBBBBB"),
}
WITH_DATA = ("achieved", "near", "not_achieved")
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
    if value is None:
        return "not_due" if basis == "next" else "no_data"
    if met(value, comparator, target, _num(target_high), direction):
        return "achieved"
    if basis == "next":
        return "not_due"
    a = attainment(value, comparator, target, target_high, direction)
    return "near" if a is not None and a >= near else "not_achieved"


# ----------------------------------------------------------------------------------------- pace

def _year_end(year: int) -> dt.date:
    return dt.date(int(year), 12, 31)


def numeric_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """The targets with a number to reach (not milestones, not unprinted cells)."""
    return targets[targets.comparator.isin([">=", ">", "<=", "<", "range"]) & targets.value.notna()]


def dated_and_undated(targets: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The numeric targets with a year (points on the way) and those printed without one (a goal for
    the whole programme: shown, but never a horizon for pace or progress)."""
    numeric = numeric_targets(targets)
    has_year = numeric.year.notna()
    return numeric[has_year], numeric[~has_year]


def final_target(targets: pd.DataFrame, year: int) -> pd.Series | None:
    """The horizon a result is judged against for pace: the nearest 2025/2030 (or last) target
    year at or after ``year``. ``targets``: one indicator's numeric targets (year, value); a
    target printed without a year (a whole-programme goal) has no horizon to pace against."""
    targets, _ = dated_and_undated(targets)
    if targets.empty:
        return None
    horizons = targets[targets.year.isin([2025, 2030]) | (targets.year == targets.year.max())]
    ahead = horizons[horizons.year >= year]
    row = (ahead if not ahead.empty else horizons).sort_values("year")
    return row.iloc[0] if not ahead.empty else row.iloc[-1]


def pace_path(targets: pd.DataFrame, baseline: tuple[dt.date, float] | None,
              when: dt.date) -> tuple[tuple[dt.date, float], tuple[dt.date, float]] | None:
    """The straight path a result at ``when`` is judged against: (start date, value) → (end of the
    final target's year, target). It starts at the baseline (the earliest real result), else at
    the target of the year before the final one; None when there is nothing to draw it from."""
    numeric = numeric_targets(targets)
    final = final_target(numeric, when.year)
    if final is None:
        return None
    end = _year_end(final.year)
    if baseline is None or baseline[0] >= when or baseline[0] >= end:
        earlier = numeric[numeric.year < final.year].sort_values("year")
        if earlier.empty:
            return None
        baseline = (_year_end(earlier.iloc[-1].year), float(earlier.iloc[-1].value))
    return baseline, (end, float(final.value))


def pace(targets: pd.DataFrame, baseline: tuple[dt.date, float] | None, when: dt.date, value: float,
         direction: str = "higher", comparator: str = ">=") -> tuple[float | None, float | None, int | None]:
    """(expected value at ``when``, value − expected (mirrored when lower is better), final year)."""
    value = _num(value)
    numeric = numeric_targets(targets)
    final = final_target(numeric, when.year)
    if final is None or value is None:
        return None, None, None
    path = pace_path(targets, baseline, when)
    if path is None or when <= path[0][0]:
        return None, None, int(final.year)
    (start, base_value), (end, target) = path
    share = min(1.0, (when - start).days / max(1, (end - start).days))
    expected = base_value + (target - base_value) * share
    gap = value - expected
    if lower_is_better(direction, comparator):
        gap = -gap
    return expected, gap, int(final.year)


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
        parts.append(f"Mục tiêu {row.get('target_year')} "
                     f"{target_text(row.get('comparator'), row.get('target'), row.get('target_high'), unit)}")
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
