"""The Open SDG / Statistics Canada progress measure ("xu hướng dài hạn").

Re-implemented from the method documented by Open SDG (docs/progress.md) and used by
open-sdg/sdg-build (``sdg/ProgressMeasure.py``), with the same defaults and edge cases:

- growth is the compound annual growth rate (CAGR) between the base year and the latest year;
- method 1 (no target): progress = sign × direction × CAGR, thresholds high 0.015 / med 0.005 /
  low 0, reduced by the limit coefficient ``1 − (b/limit)^4.44`` (or its mirror above the limit);
- method 2 (target): progress = sign × direction × CAGR_observed / |CAGR_required|, thresholds
  high 0.95 / med 0.6 / low 0;
- the score in [-5, 5] follows sdg-build's piecewise-linear functions; 5 when the target is met;
- a base year missing from the data moves to the next available year; a zero base or target
  becomes 0.001; opposite signs, fewer than two years, or a base year after the data give
  ``not_available``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

STATUSES_VI = {
    "target_achieved": "Đã đạt mục tiêu",
    "substantial_progress": "Tiến bộ rõ rệt",
    "moderate_progress": "Tiến bộ vừa phải",
    "limited_progress": "Tiến bộ hạn chế",
    "deterioration": "Đi xuống",
    "not_available": "Chưa đủ dữ liệu",
}


@dataclass(frozen=True)
class ProgressMeasure:
    score: float | None
    status: str
    progress_value: float | None
    base_year: int | None
    base_value: float | None
    current_year: int | None
    current_value: float | None
    target_achieved: bool
    method: int

    @property
    def label_vi(self) -> str:
        return STATUSES_VI[self.status]


def _cagr(current: float, base: float, t1: float, t0: float) -> float:
    return (current / base) ** (1 / (t1 - t0)) - 1


def _thresholds(method: int, base_value: float, direction: int, limit: float | None) -> dict[str, float]:
    if method == 2:
        return {"high": 0.95, "med": 0.6, "low": 0.0}
    th = {"high": 0.015, "med": 0.005, "low": 0.0}
    if limit is not None:
        b, lim = abs(base_value), abs(limit)
        if b >= 2 * lim:
            coeff = 1.0
        elif b <= lim:
            coeff = 1 - (b / lim) ** 4.44
        else:
            coeff = 1 - ((2 * lim - b) / lim) ** 4.44
        th = {k: v * coeff for k, v in th.items()}
        th["coefficient"] = coeff
    return th


def _status(value: float | None, th: dict[str, float], achieved: bool) -> str:
    if achieved:
        return "target_achieved"
    if value is None:
        return "not_available"
    if value >= th["high"]:
        return "substantial_progress"
    if value >= th["med"]:
        return "moderate_progress"
    if value >= th["low"]:
        return "limited_progress"
    return "deterioration"


def _score(method: int, value: float | None, th: dict[str, float], achieved: bool) -> float | None:
    if achieved:
        return 5.0
    if value is None:
        return None
    if method == 1:
        coeff = th.get("coefficient", 1)
        if value < th["low"]:
            return max(125 * value - 2.5, -5.0)
        if coeff == 0:
            return 5.0
        if value >= th["high"]:
            return min(500 * value / coeff - 5, 5.0)
        if value >= th["med"]:
            return 250 * value / coeff - 1.25
        return 500 * value / coeff - 2.5
    if value >= th["med"]:
        return min(7.1429 * value - 4.2857, 5.0)
    return max(4.1667 * value - 2.5, -5.0)


def progress_measure(
    series: dict[int, float],
    target: float | None = None,
    target_year: int = 2030,
    base_year: int = 2015,
    direction: str = "negative",
    limit: float | None = None,
) -> ProgressMeasure:
    """Progress of a yearly series {year: value} towards ``target`` by ``target_year``.

    ``direction`` is 'positive' (higher is better) or anything else for negative, as sdg-build.
    """
    points = {
        int(y): float(v) for y, v in series.items() if v is not None and not (isinstance(v, float) and math.isnan(v))
    }
    method = 1 if target is None else 2
    if target == 0:
        target = 0.001
    sign_dir = 1 if direction == "positive" else -1
    empty = ProgressMeasure(None, "not_available", None, None, None, None, None, False, method)
    if not points:
        return empty
    current_year = max(points)
    current = points[current_year]
    if base_year not in points:
        later = [y for y in points if y > base_year]
        if not later:
            return ProgressMeasure(None, "not_available", None, None, None, current_year, current, False, method)
        base_year = min(later)
    base = points[base_year]
    sign = -1 if base < 0 else 1
    th = _thresholds(method, base, sign_dir, limit)
    achieved = target is not None and ((sign_dir == -1 and current <= target) or (sign_dir == 1 and current >= target))
    value = None
    b = 0.001 if base == 0 else base
    if not ((b > 0 and current < 0) or (b < 0 and current > 0)) and current_year - base_year >= 1:
        cagr_o = _cagr(current, b, current_year, base_year)
        if method == 1:
            value = sign * sign_dir * cagr_o
        else:
            assert target is not None  # method 2 is the method with a target
            cagr_r = _cagr(target, b, target_year, base_year)
            value = sign * sign_dir * cagr_o / abs(cagr_r) if cagr_r != 0 else None
        if isinstance(value, complex):
            value = None
    return ProgressMeasure(
        _score(method, value, th, achieved),
        _status(value, th, achieved),
        value,
        base_year,
        base,
        current_year,
        current,
        achieved,
        method,
    )
