"""Deterministic demo results, for what the documents cannot hold: quarterly reports of TP Vĩnh
Long's wards and lead agencies, and yearly ones of the 2025 communes.

Every row carries ``source = 'demo'`` and a ``reported_by`` that says so; the UI labels them
"Minh họa". Values are drawn around each indicator's yearly targets with a fixed seed, so building
twice gives the same rows. Document figures are never overwritten: a (indicator, unit/agency,
period) that the documents already report is skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vlboard.domain.periods import parse_period, quarters

CITY_PLAN = "qd3100-2023-tpvl"
CITY_UNIT = "tp-855"
FIRST_QUARTER = "2023-Q1"
DEMO_REPORTER = "demo (số liệu minh họa)"


@dataclass(frozen=True)
class DemoConfig:
    last_quarter: str = "2026-Q3"
    seed: int = 2025
    missing_rate: float = 0.06  # share of (unit, period) reports not received
    lagging_share: float = 0.2  # share of units that run well behind the path
    late_rate: float = 0.15  # share of received reports after the due date


def _rng(config: DemoConfig, *key: str) -> np.random.Generator:
    """One generator per series, seeded from the key: adding a series does not shift others."""
    digest = hashlib.sha256("|".join((str(config.seed),) + key).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _valid(unit: dict, day: dt.date) -> bool:
    return (unit["valid_from"] is None or unit["valid_from"] <= day) and (
        unit["valid_to"] is None or day <= unit["valid_to"]
    )


def _target_path(targets: dict[int, float]) -> Callable[[dt.date], float]:
    """Value expected at a date: linear between yearly targets, flat beyond the last one."""
    years = sorted(targets)

    def at(day: dt.date) -> float:
        t = day.year + (day.timetuple().tm_yday / 366.0)
        pts = [(y + 1.0, targets[y]) for y in years]  # a year's target is due at its end
        if t <= pts[0][0]:
            start = pts[0][1] * 0.7
            return start + (pts[0][1] - start) * max(0.0, 1 - (pts[0][0] - t) / 1.0)
        for (t0, v0), (t1, v1) in zip(pts, pts[1:]):
            if t <= t1:
                return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
        return pts[-1][1]

    return at


def _series(config, key, path, periods, *, kind, lagging, out, base_row, skip):
    rng = _rng(config, *key)
    offset = rng.normal(0.0, 0.05)
    factor = (0.8 if lagging else 1.04) + offset
    silent = rng.random() < 0.05  # a unit that stops reporting for a stretch
    for p in periods:
        if (key[0], key[1], p.code) in skip:
            continue
        if rng.random() < config.missing_rate or (silent and p.year == 2025 and p.code[-1] in "23"):
            continue
        expected = path(p.end)
        value = expected * factor * (1 + rng.normal(0.0, 0.04))
        row = dict(base_row)
        if kind == "percent":
            value = float(min(100.0, max(0.0, value)))
            denominator = float(rng.integers(40, 600))
            numerator = float(round(value * denominator / 100.0))
            value = round(numerator / denominator * 100.0, 2)
            row.update(numerator=numerator, denominator=denominator)
        else:
            value = float(max(0, round(value)))
            row.update(numerator=None, denominator=None)
        late = rng.random() < config.late_rate
        delay = int(rng.integers(12, 40)) if late else int(rng.integers(2, 10))
        row.update(
            result_id=f"demo-{key[0]}-{key[1]}-{p.code}",
            period=p.code,
            period_type=p.kind,
            year=p.year,
            period_end=p.end,
            value=value,
            as_of=p.end,
            reported_at=dt.datetime.combine(p.end + dt.timedelta(days=delay), dt.time(9, 0)),
        )
        out.append(row)


def generate(tables: dict[str, list[dict]], config: DemoConfig, skip: set[tuple[str, str, str]]) -> list[dict]:
    """Demo result rows (schema ``results``) from the catalogue rows in ``tables``.

    ``skip`` holds (indicator_code, unit_or_agency_code, period) already reported by documents.
    """
    last = parse_period(config.last_quarter)
    qs = quarters(FIRST_QUARTER, config.last_quarter)
    targets: dict[str, dict[int, float]] = {}
    for t in tables["targets"]:
        if t["comparator"] in (">=", ">", "<=", "<") and t["value"] is not None and t["year"]:
            targets.setdefault(t["indicator_code"], {})[t["year"]] = t["value"]
    units = tables["units"]
    wards_2023 = [u for u in units if u["level"] == "phuong"]
    crosswalk = {c["old_unit_code"]: c["new_unit_code"] for c in tables["unit_crosswalk"]}
    successors = sorted({crosswalk[w["unit_code"]] for w in wards_2023 if w["unit_code"] in crosswalk})
    communes = [u for u in units if u["level"] == "xa"]
    by_code = {u["unit_code"]: u for u in units}
    agencies = {a["code"]: a for a in tables["agencies"]}
    leads: dict[str, list[str]] = {}
    for a in tables["assignments"]:
        ag = agencies.get(a["agency_code"])
        if a["role"] == "lead" and ag and ag["kind"] == "agency":
            leads.setdefault(a["indicator_code"], []).append(a["agency_code"])

    out: list[dict] = []
    for ind in sorted(tables["indicators"], key=lambda r: r["code"]):
        code = ind["code"]
        if ind["kind"] not in ("percent", "count") or code not in targets:
            continue
        # some indicators run ahead of their plan and some behind, like real programmes
        momentum = 1.0 + _rng(config, "indicator", code).normal(0.0, 0.08)
        plan_path = _target_path(targets[code])

        def path(day: dt.date, plan_path=plan_path, momentum=momentum) -> float:
            return plan_path(day) * momentum

        base = dict(
            indicator_code=code,
            value_text=None,
            source="demo",
            reported_by=DEMO_REPORTER,
            plan=ind["plan"],
            source_ref=None,
            quote=None,
        )
        scope = ind["scope"].split("+")

        def emit(
            subject: str, periods: list, unit_code: str, agency_code: str | None, code=code, ind=ind, base=base
        ) -> None:  # this indicator's code, row and base (bound now, called in this pass)
            lag = _rng(config, "lag", subject).random() < config.lagging_share
            _series(
                config,
                (code, subject),
                path,
                periods,
                kind=ind["kind"],
                lagging=lag,
                out=out,
                base_row=dict(base, unit_code=unit_code, agency_code=agency_code),
                skip=skip,
            )

        if ind["plan"] == CITY_PLAN:
            if "ward" in scope:
                # a successor that is itself a phường (the 2024 merger) is listed once
                ward_codes = dict.fromkeys([w["unit_code"] for w in wards_2023] + successors)
                for u in [by_code[c] for c in ward_codes]:
                    emit(u["unit_code"], [p for p in qs if _valid(u, p.end)], u["unit_code"], None)
            for agency in sorted(set(leads.get(code, []))):
                emit(agency, [p for p in qs if _valid(agencies[agency], p.end)], CITY_UNIT, agency)
        elif "commune" in scope:
            years = [parse_period(str(y)) for y in range(2025, last.year + 1) if parse_period(str(y)).end <= last.end]
            for u in communes:
                emit(u["unit_code"], [p for p in years if _valid(u, p.end)], u["unit_code"], None)
    return out
