"""Outlook to the deadline (triển vọng đến hạn): where an indicator's series is heading at its
target date, with an 80% range, the probability of meeting the target and the pace still needed.
Pure: numpy/pandas and the status rule.

The series are short (1–8 points, quarterly or yearly), too short for statsforecast or
statsmodels, so the method is a transparent damped linear trend:

1. **Scale.** A rate bounded to [0, 100] is read in logit space (values clipped to [0,5; 99,5]),
   so that no projection or range leaves the bounds; other non-negative figures in log(1 + y)
   space (growth is multiplicative, and the floor at 0 holds); the result is mapped back. A
   target at a bound (≥ 100%) is therefore read as reaching 99,5%.
2. **Trend.** The slope per year is the least-squares slope of the last ``WINDOW`` points against
   time in years. It is damped: at ``h`` years past the last point the level moves by
   ``slope · (1 − φʰ) / (−ln φ)`` with φ = ``DAMPING`` per year, so a short burst is not
   extrapolated for ever.
3. **Range.** The width comes from errors measured on the data, not from a normal law fitted on
   two points (split-conformal style): every series with ≥ 3 points is re-forecast from each
   earlier origin, and the errors in the transformed space, divided by √h, are pooled
   (:func:`calibrate`). Their 80th percentile of absolute value, ``q``, gives the 80% range
   ``ẑ ± q·√h``. With fewer than ``MIN_RESIDUALS`` pooled errors ``DEFAULT_SCALE`` is used and
   the method says so.
4. **Probability.** P(meet) = Φ(±(ẑ − z*) / (σ·√h)) with σ = q / 1,2816 (the normal scale whose
   80% range is the calibrated one) and z* the target in the same space.
5. **Required pace.** (target − last value) / years from the later of the last point and the
   as-of date to the target date (also per quarter), in the indicator's unit.

It refuses, with a Vietnamese reason, when the data cannot support a forecast: fewer than two
points, a milestone or qualitative goal, no numeric target, a target date not after the last
point or the as-of date, a horizon more than ``MAX_STRETCH`` times longer than the series (and
over two years), negative values. A target already met is said so (probability 1, no range).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from vlboard.domain import status

WINDOW = 4  # points the slope is fitted on
DAMPING = 0.8  # φ per year
MIN_RESIDUALS = 8  # pooled backtest errors needed to trust their quantile
DEFAULT_SCALE = 0.35  # per √year in the transformed space, when there are fewer
MAX_STRETCH = 5.0  # horizon / span of the series beyond which we refuse
COVERAGE = 0.8
Z80 = 1.2815515655446004  # the standard normal's 90th percentile: an 80% central range
CLIP = (0.5, 99.5)  # percent values are read inside these before the logit
YEAR_DAYS = 365.25


@dataclass(frozen=True)
class Bounds:
    low: float = 0.0
    high: float | None = None  # 100 for percentages


PERCENT = Bounds(0.0, 100.0)
NON_NEGATIVE = Bounds(0.0, None)


@dataclass(frozen=True)
class Target:
    comparator: str  # '>=', '>', '<=', '<', 'range', 'done'
    value: float | None
    value_high: float | None
    year: int | None

    @property
    def date(self) -> dt.date | None:
        return None if self.year is None else dt.date(int(self.year), 12, 31)


@dataclass(frozen=True)
class Outlook:
    """A forecast to one target date, or a refusal (``ok`` False, ``reason`` says why)."""

    ok: bool
    reason: str = ""  # Vietnamese; for a forecast, a note (e.g. the default scale)
    met: bool = False  # already meets the target: probability 1, no range
    projected: float | None = None
    low: float | None = None
    high: float | None = None
    probability: float | None = None
    pace_year: float | None = None  # needed change per year from now to the target
    pace_quarter: float | None = None
    threshold: float | None = None  # the value to reach (the bound of a range that counts)
    target_date: dt.date | None = None
    last_date: dt.date | None = None
    last_value: float | None = None
    method: str = ""
    refusal: str = ""  # why not, as a key: see REFUSALS


# refusal keys; "short" ones are the data's fault (too few points), the others do not apply
REFUSALS = {
    "qualitative": "na",
    "no_target": "na",
    "passed": "na",
    "no_data": "short",
    "one_point": "short",
    "same_date": "short",
    "stretch": "short",
    "out_of_bounds": "short",
}


@dataclass(frozen=True)
class Calibration:
    scale: float  # q: the 80th percentile of |error| / √h in the transformed space
    n: int  # pooled errors it comes from (0: the default)

    @property
    def method(self) -> str:
        if self.n == 0:
            return "xu hướng tuyến tính giảm dần; độ rộng khoảng mặc định (chưa đủ sai số kiểm tra lại)"
        return f"xu hướng tuyến tính giảm dần; độ rộng khoảng hiệu chỉnh từ {self.n} sai số kiểm tra lại"


DEFAULT = Calibration(DEFAULT_SCALE, 0)


def _forward(y: np.ndarray, bounds: Bounds) -> np.ndarray:
    if bounds.high is not None:
        span = bounds.high - bounds.low
        p = np.clip((y - bounds.low) / span * 100.0, *CLIP) / 100.0
        return np.log(p / (1 - p))
    return np.log1p(np.maximum(y - bounds.low, 0.0))


def _back(z: float, bounds: Bounds) -> float:
    if bounds.high is not None:
        return bounds.low + (bounds.high - bounds.low) / (1.0 + math.exp(-z))
    return bounds.low + math.expm1(max(z, 0.0))  # log1p of a value ≥ 0 is ≥ 0: the floor holds


def _years(dates: Sequence[dt.date], origin: dt.date) -> np.ndarray:
    return np.array([(d - origin).days / YEAR_DAYS for d in dates], dtype=float)


def _as_date(d) -> dt.date:
    return d.date() if isinstance(d, dt.datetime) else d


def _fit(t: np.ndarray, z: np.ndarray) -> float:
    """Least-squares slope per year of the last WINDOW points (0 for a single point)."""
    t, z = t[-WINDOW:], z[-WINDOW:]
    if len(t) < 2 or np.ptp(t) == 0:
        return 0.0
    tc = t - t.mean()
    return float((tc * (z - z.mean())).sum() / (tc * tc).sum())


def _damped(h: float) -> float:
    """Years of full slope that h years of damped trend amount to."""
    return (1.0 - DAMPING**h) / -math.log(DAMPING)


def _project(t: np.ndarray, z: np.ndarray, at: float) -> float:
    return float(z[-1] + _fit(t, z) * _damped(at - t[-1]))


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def residuals(dates: Sequence[dt.date], values: Sequence[float], bounds: Bounds) -> list[float]:
    """Errors of re-forecasting each point from the points before it (at least two), in the
    transformed space and divided by √horizon: the pooled material of :func:`calibrate`."""
    if len(dates) != len(values):
        raise ValueError(f"số ngày ({len(dates)}) khác số giá trị ({len(values)})")
    if len(values) < 3:
        return []
    d = [_as_date(x) for x in dates]
    t, z = _years(d, d[0]), _forward(np.asarray(values, dtype=float), bounds)
    out = []
    for k in range(2, len(t)):
        h = t[k] - t[k - 1]
        if h <= 0:
            continue
        out.append((z[k] - _project(t[:k], z[:k], t[k])) / math.sqrt(h))
    return out


def calibrate(errors: Iterable[float]) -> Calibration:
    """The split-conformal 80% quantile of the pooled |errors| (finite-sample corrected)."""
    e = np.sort(np.abs(np.asarray([x for x in errors if math.isfinite(x)], dtype=float)))
    if len(e) < MIN_RESIDUALS:
        return DEFAULT
    k = min(len(e), math.ceil((len(e) + 1) * COVERAGE)) - 1
    return Calibration(max(float(e[k]), 1e-3), len(e))


def interval(
    dates: Sequence, values: Sequence[float], at, bounds: Bounds, calibration: Calibration = DEFAULT
) -> tuple[float, float, float] | None:
    """(median, low, high) of the 80% range at date ``at`` from a series of ≥ 2 points; None when
    ``at`` is not after the last point or the points span no time. The backtest uses it."""
    d = [_as_date(x) for x in dates]
    if len(d) < 2 or d[-1] == d[0] or _as_date(at) <= d[-1]:
        return None
    t, z = _years(d, d[0]), _forward(np.asarray(values, dtype=float), bounds)
    h = (_as_date(at) - d[-1]).days / YEAR_DAYS
    zhat, width = _project(t, z, t[-1] + h), calibration.scale * math.sqrt(h)
    return _back(zhat, bounds), _back(zhat - width, bounds), _back(zhat + width, bounds)


def _threshold(target: Target, direction: str | None) -> tuple[float, bool] | None:
    """(the value to reach, lower is better) for a numeric target."""
    if target.value is None or (isinstance(target.value, float) and math.isnan(target.value)):
        return None
    lower = status.lower_is_better(direction, target.comparator)
    if target.comparator == "range" and direction == "lower" and target.value_high is not None:
        return float(target.value_high), True
    return float(target.value), lower  # a range of a higher-is-better figure: its lower bound


def refuse(reason: str, key: str, **kw) -> Outlook:
    return Outlook(ok=False, reason=reason, method="không dự báo", refusal=key, **kw)


def forecast(
    dates: Sequence,
    values: Sequence[float],
    target: Target,
    *,
    direction: str | None = "higher",
    bounds: Bounds = NON_NEGATIVE,
    as_of: dt.date | None = None,
    calibration: Calibration = DEFAULT,
) -> Outlook:
    """The outlook of one series (``dates`` ascending, one value each) to ``target``."""
    pairs = sorted((_as_date(d), float(v)) for d, v in zip(dates, values) if v is not None and math.isfinite(float(v)))
    if target.comparator == "done":
        return refuse("Mục tiêu là một việc phải hoàn thành (định tính): không dự báo bằng số.", "qualitative")
    if target.comparator not in status.COMPARATOR_TEXT and target.comparator != "range":
        return refuse("Không có mục tiêu số để dự báo.", "no_target")
    limit = _threshold(target, direction)
    if limit is None or target.date is None:
        return refuse("Mục tiêu không có giá trị số hoặc không ghi năm: không dự báo.", "no_target")
    if not pairs:
        return refuse("Chưa có số liệu: không dự báo.", "no_data", target_date=target.date)
    d = [p[0] for p in pairs]
    y = np.array([p[1] for p in pairs])
    last_date, last = d[-1], float(y[-1])
    base: dict[str, Any] = dict(target_date=target.date, last_date=last_date, last_value=last, threshold=limit[0])
    assert target.value is not None  # _threshold gave a limit
    if status.met(last, target.comparator, float(target.value), target.value_high, direction):
        return Outlook(ok=True, met=True, probability=1.0, reason="Đã đạt mục tiêu.", method="đã đạt", **base)
    now = max(last_date, as_of or last_date)
    if target.date <= now:
        return refuse("Hạn của mục tiêu không sau số liệu mới nhất: không còn gì để dự báo.", "passed", **base)
    remaining = (target.date - now).days / YEAR_DAYS
    pace = (limit[0] - last) / remaining
    base |= dict(pace_year=pace, pace_quarter=pace / 4)
    if len(pairs) < 2:
        return refuse("Chỉ có 1 số liệu: chưa đủ để thấy xu hướng, không dự báo.", "one_point", **base)
    if (y < bounds.low).any() or (bounds.high is not None and (y > bounds.high).any()):
        return refuse("Số liệu nằm ngoài miền giá trị của chỉ tiêu: không dự báo.", "out_of_bounds", **base)
    t = _years(d, d[0])
    h = (target.date - last_date).days / YEAR_DAYS
    span = t[-1] - t[0]
    if span <= 0:
        return refuse("Các số liệu cùng một thời điểm: chưa thấy xu hướng, không dự báo.", "same_date", **base)
    if h > 2 and h > MAX_STRETCH * span:
        return refuse(
            f"Hạn mục tiêu xa hơn {MAX_STRETCH:.0f} lần độ dài chuỗi số liệu: dự báo không đáng tin, không dự báo.",
            "stretch",
            **base,
        )
    z = _forward(y, bounds)
    zhat = _project(t, z, t[-1] + h)
    width = calibration.scale * math.sqrt(h)
    sigma = width / Z80
    zlim = float(_forward(np.array([limit[0]]), bounds)[0])
    p = _phi((zlim - zhat) / sigma) if limit[1] else _phi((zhat - zlim) / sigma)
    return Outlook(
        ok=True,
        projected=_back(zhat, bounds),
        low=_back(zhat - width, bounds),
        high=_back(zhat + width, bounds),
        probability=min(max(p, 0.0), 1.0),
        method=calibration.method,
        reason="" if calibration.n else "Độ rộng khoảng dùng giá trị mặc định (chưa đủ số liệu kiểm tra lại).",
        **base,
    )


def bounds_for(kind: str | None, unit: str | None) -> Bounds:
    """Percentages are bounded to [0, 100]; everything else to ≥ 0."""
    if kind == "percent" or (isinstance(unit, str) and unit.strip().startswith("%")):
        return PERCENT
    return NON_NEGATIVE
