"""The shared filters of every page, read from and written to the URL (st.query_params).

Pure: ``parse`` validates raw URL values against the values that exist in the snapshot and falls
back to the default with a Vietnamese note for anything unknown; nothing from the URL reaches SQL
or the file system unvalidated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from vlboard.domain.periods import Period, parse_period
from vlboard.domain.vocab import PILLARS, STATUSES

KEYS = ("plan", "period", "pillar", "agency", "unit", "status", "source")
SOURCE_CHOICES = {
    "all": "Gồm số liệu minh họa",
    "real": "Chỉ số liệu thật (văn bản, báo cáo)",
    "approved": "Chỉ số liệu đã duyệt (văn bản, báo cáo đã duyệt)",
}
MAX_SHOWN = 40  # characters of a rejected value repeated in a note


@dataclass(frozen=True)
class Options:
    """What exists in the snapshot: code → Vietnamese label, in display order."""

    plans: dict[str, str]
    periods: dict[str, str]
    agencies: dict[str, str]
    units: dict[str, str]
    default_period: str | None
    pillars: dict[str, str] = field(default_factory=lambda: dict(PILLARS))
    statuses: dict[str, str] = field(default_factory=lambda: {k: f"{v.icon} {v.label}" for k, v in STATUSES.items()})


@dataclass(frozen=True)
class Filters:
    plan: str | None = None
    period: str | None = None
    pillar: str | None = None
    agency: str | None = None
    unit: str | None = None
    status: str | None = None
    source: str = "all"

    @property
    def include_demo(self) -> bool:
        return self.source == "all"

    @property
    def approved_only(self) -> bool:
        """Reports count only once approved in the reporting cycle (documents always; demo hidden)."""
        return self.source == "approved"

    def to_params(self) -> dict[str, str]:
        """Only what differs from the defaults, so a plain URL means the default view."""
        out = {k: getattr(self, k) for k in KEYS if getattr(self, k) not in (None, "")}
        if out.get("source") == "all":
            out.pop("source")
        return out

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)


def _shown(value: str) -> str:
    v = value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "…"
    return repr(v)


def parse(params: Mapping[str, str], options: Options) -> tuple[Filters, list[str]]:
    """Validated filters and the notes to show for every value that was not accepted."""
    notes: list[str] = []
    choices = {
        "plan": options.plans,
        "period": options.periods,
        "pillar": options.pillars,
        "agency": options.agencies,
        "unit": options.units,
        "status": options.statuses,
        "source": SOURCE_CHOICES,
    }
    names = {
        "plan": "kế hoạch",
        "period": "kỳ",
        "pillar": "trụ cột",
        "agency": "cơ quan",
        "unit": "đơn vị",
        "status": "tình trạng",
        "source": "nguồn số liệu",
    }
    values: dict[str, str | None] = {}
    for key in KEYS:
        raw = params.get(key)
        if raw is None or raw == "":
            values[key] = None
            continue
        raw = str(raw)
        if raw in choices[key]:
            values[key] = raw
        else:
            values[key] = None
            notes.append(f"Bộ lọc {names[key]} {_shown(raw)} không có trong dữ liệu: dùng mặc định.")
    unknown = sorted(k for k in params if k not in KEYS and k not in ("code",))
    if unknown:
        notes.append("Bỏ qua tham số không dùng: " + ", ".join(_shown(k) for k in unknown[:5]))
    period = values["period"] or options.default_period
    return Filters(
        plan=values["plan"],
        period=period,
        pillar=values["pillar"],
        agency=values["agency"],
        unit=values["unit"],
        status=values["status"],
        source=values["source"] or "all",
    ), notes


def describe(f: Filters, options: Options) -> str:
    """A one-line Vietnamese summary of the active filters (for captions and export covers)."""
    parts = [options.periods.get(f.period, "chưa có kỳ") if f.period else "chưa có kỳ"]
    for key, opts in (
        ("plan", options.plans),
        ("pillar", options.pillars),
        ("agency", options.agencies),
        ("unit", options.units),
        ("status", options.statuses),
    ):
        value = getattr(f, key)
        if value:
            parts.append(opts.get(value, value))
    parts.append(SOURCE_CHOICES[f.source])
    return " · ".join(parts)


def apply(card, f: Filters, assignments):
    """Narrow a scorecard (one row per indicator) by plan, pillar, agency (lead or partner) and
    status. ``assignments``: indicator_code, agency_code. Period, unit and source are applied by
    the queries themselves."""
    out = card
    if f.plan:
        out = out[out.plan == f.plan]
    if f.pillar:
        out = out[out.pillar == f.pillar]
    if f.agency:
        out = out[out.indicator_code.isin(assignments.indicator_code[assignments.agency_code == f.agency])]
    if f.status:
        out = out[out.status == f.status]
    return out


def _period_of(f: Filters) -> Period:
    if f.period is None:
        raise ValueError("filters without a period have no query parameters")
    return parse_period(f.period)


def status_params(f: Filters) -> dict:
    """The parameters of the status queries (status_indicators, status_agencies, status_units) for
    the filters' period: the one place that spells them out. Needs a period."""
    p = _period_of(f)
    return {"year": p.year, "period_end": p.end, "include_demo": f.include_demo, "approved_only": f.approved_only}


def report_params(f: Filters) -> dict:
    """The parameters of the reporting query (completeness) for the filters' period."""
    p = _period_of(f)
    return {"period": f.period, "period_type": p.kind, "period_end": p.end, "include_demo": f.include_demo}
