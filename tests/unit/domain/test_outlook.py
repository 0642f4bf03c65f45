"""Outlook to the deadline (vlboard.domain.outlook): table-driven edge cases and properties."""

import datetime as dt

import pytest

from vlboard.domain import outlook as o

Q = [dt.date(2024, 3, 31), dt.date(2024, 6, 30), dt.date(2024, 9, 30), dt.date(2024, 12, 31)]
CAL = o.Calibration(0.3, 50)


def fc(values, comparator=">=", target=80.0, year=2026, high=None, direction="higher", bounds=o.PERCENT, dates=Q):
    return o.forecast(
        dates[: len(values)],
        values,
        o.Target(comparator, target, high, year),
        direction=direction,
        bounds=bounds,
        as_of=dates[len(values) - 1],
        calibration=CAL,
    )


@pytest.mark.parametrize(
    ("case", "kwargs", "ok", "refusal", "met"),
    [
        ("one point", dict(values=[50.0]), False, "one_point", False),
        ("milestone", dict(values=[50.0, 60.0], comparator="done", target=None), False, "qualitative", False),
        ("no year", dict(values=[50.0, 60.0], year=None), False, "no_target", False),
        ("deadline passed", dict(values=[50.0, 60.0], year=2023), False, "passed", False),
        ("already met", dict(values=[70.0, 85.0]), True, "", True),
        ("lower is better, met", dict(values=[9.0, 4.0], comparator="<=", target=5.0), True, "", True),
        ("far horizon on a short span", dict(values=[50.0, 51.0], year=2030), False, "stretch", False),
        ("out of bounds", dict(values=[50.0, 120.0], target=130.0), False, "out_of_bounds", False),
        ("forecast", dict(values=[40.0, 45.0, 50.0, 55.0]), True, "", False),
    ],
)
def test_cases(case, kwargs, ok, refusal, met):
    r = fc(**kwargs)
    assert (r.ok, r.refusal, r.met) == (ok, refusal, met), case
    assert r.ok or r.reason  # a refusal always says why (Vietnamese)
    if met:
        assert r.probability == 1.0 and r.low is None and r.high is None


def test_one_point_still_gives_the_required_pace():
    r = fc([50.0])
    years = (dt.date(2026, 12, 31) - Q[0]).days / 365.25
    assert r.pace_year == pytest.approx((80 - 50) / years) and r.pace_quarter == pytest.approx(r.pace_year / 4)
    assert "1 số liệu" in r.reason


def test_flat_series_projects_its_level():
    r = fc([60.0, 60.0, 60.0, 60.0])
    assert r.projected == pytest.approx(60.0)
    assert r.low < 60 < r.high
    assert r.probability < 0.2  # 20 points short with no movement


def test_lower_is_better_uses_the_falling_side():
    falling = fc([30.0, 26.0, 22.0, 18.0], comparator="<=", target=10.0, direction="lower")
    rising = fc([18.0, 22.0, 26.0, 30.0], comparator="<=", target=10.0, direction="lower")
    assert falling.ok and rising.ok
    assert falling.projected < 18 < 30 < rising.projected
    assert falling.probability > rising.probability
    assert falling.pace_year < 0  # it must fall


def test_bounded_at_100_never_projects_above():
    r = fc([90.0, 94.0, 97.0, 99.0], target=100.0, year=2026)
    assert r.ok and not r.met
    assert r.projected <= 100 and r.high <= 100 and r.low >= 0
    steep = fc([10.0, 40.0, 70.0, 95.0], target=100.0, year=2026)
    assert steep.high <= 100 and steep.projected <= 100


def test_count_is_never_negative():
    r = fc([50.0, 30.0, 15.0, 5.0], comparator=">=", target=100.0, bounds=o.NON_NEGATIVE)
    assert r.ok and r.low >= 0 and r.projected >= 0


def test_range_comparator_is_met_from_its_lower_bound_when_higher_is_better():
    inside = fc([60.0, 70.0], comparator="range", target=65.0, high=75.0)
    assert inside.met
    below = fc([40.0, 45.0, 50.0, 55.0], comparator="range", target=65.0, high=75.0)
    assert below.ok and not below.met and below.threshold == 65.0
    lower = fc([90.0, 85.0, 82.0, 80.0], comparator="range", target=60.0, high=75.0, direction="lower")
    assert lower.threshold == 75.0 and lower.pace_year < 0


def test_far_horizon_widens_the_band():
    for values, bounds in (([50.0, 50.0, 50.0, 50.0], o.PERCENT), ([40.0, 45.0, 50.0, 55.0], o.NON_NEGATIVE)):
        near = fc(values, target=90.0, year=2025, bounds=bounds)
        far = fc(values, target=90.0, year=2027, bounds=bounds)
        assert (far.high - far.low) > (near.high - near.low) > 0


@pytest.mark.parametrize("values", [[40.0, 45.0, 50.0, 55.0], [60.0, 58.0, 59.0, 61.0]])
def test_probability_falls_as_the_target_rises(values):
    probs = [fc(values, target=t).probability for t in (62.0, 66.0, 70.0, 75.0, 85.0, 95.0)]
    assert all(a >= b for a, b in zip(probs, probs[1:]))
    assert probs[0] > probs[-1]


def test_calibration_comes_from_the_errors():
    assert o.calibrate([0.1] * 3) == o.DEFAULT  # too few: the documented default
    errors = [0.1 * i for i in range(1, 21)]
    c = o.calibrate(errors)
    assert c.n == 20 and c.scale == pytest.approx(1.7)  # ceil(21 · 0,8) = 17th smallest |error|
    assert "20 sai số" in c.method


def test_residuals_are_zero_on_a_straight_line_in_the_transformed_space():
    years = [dt.date(2020 + i, 12, 31) for i in range(5)]
    r = o.residuals(years, [10.0, 20.0, 30.0, 40.0, 50.0], o.NON_NEGATIVE)
    assert len(r) == 3
    assert o.residuals(years[:2], [10.0, 20.0], o.NON_NEGATIVE) == []
