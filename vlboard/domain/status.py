"""The status rule (đạt, gần đạt, chưa đạt…) and the one-line Vietnamese explanation of a status.

The status itself is decided by the SQL macro in ``sql/macros/10_status.sql`` (one definition for
every query and every size of data); :func:`classify` is the same rule in Python for one value,
which the tests check against the macro. Pure: pandas, no streamlit.
"""

from __future__ import annotations

import math

import pandas as pd

from vlboard.domain import formatting
from vlboard.domain.periods import label_vi, parse_period
from vlboard.domain.vocab import SOURCES, STATUSES, WITH_DATA

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
        if direction != "lower":
            return value >= target
        if target_high is None:
            raise ValueError("khoảng mục tiêu thiếu cận trên")
        return value <= target_high
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


def classify(kind, value, comparator, target, target_high=None, direction="higher", basis="same", near=0.9) -> str:
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
    if (
        _num(target) is None
        or comparator in (None, "done")
        or (isinstance(comparator, float) and math.isnan(comparator))
    ):
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
        parts.append(
            f"{phrase[0].upper()}{phrase[1:]} "
            f"{target_text(row.get('comparator'), row.get('target'), row.get('target_high'), unit)}"
            + (" (đến kỳ này)" if row.get("basis") == "path" else "")
        )
    if _num(row.get("value")) is not None:
        src = ", ".join(SOURCES.get(s, s) for s in str(row["source"]).split(",")) if row.get("source") else ""
        when = _period_text(row.get("period"))
        how = {
            "median": "trung vị các đơn vị",
            "ratio_of_sums": "tính lại từ tử số/mẫu số",
            "sum": "tổng các đơn vị",
        }.get(row.get("aggregation") or "", "")
        detail = ", ".join(x for x in (when, how, src.lower()) if x)
        parts.append(f"Thực hiện {value_text(row.get('value'), unit)}" + (f" ({detail})" if detail else ""))
        if row.get("aggregation") == "median" and _num(row.get("value_min")) is not None:
            parts.append(f"dao động {value_text(row['value_min'], unit)}–{value_text(row['value_max'], unit)}")
    elif status not in ("qualitative", "no_target"):
        parts.append("Chưa có số liệu")
    a = _num(row.get("attainment"))
    style = STATUSES.get(status or "")
    if status in WITH_DATA and a is not None and style is not None:
        parts.append(
            f"{style.label} {formatting.percent(a * 100)} mục tiêu"
            if status != "achieved"
            else f"Đạt ({formatting.percent(a * 100)} mục tiêu)"
        )
    elif style and status not in ("qualitative", "no_target", "no_data"):
        parts.append(style.label)
    value, target = _num(row.get("value")), _num(row.get("target"))
    if (
        status == "not_due"
        and value is not None
        and row.get("comparator") in COMPARATOR_TEXT
        and target is not None
        and met(value, row["comparator"], target, None, row.get("direction"))
    ):
        parts.append(f"đã đạt mức mục tiêu {row.get('target_year')} trước hạn")
    short = target_gap(
        row.get("value"), row.get("comparator"), row.get("target"), row.get("target_high"), row.get("direction")
    )
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
