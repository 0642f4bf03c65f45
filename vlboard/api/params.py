"""The data API's query parameters: which route takes which, and their checks against the live
snapshot's catalogue (the filter options the pages offer). Every refusal is an ``ApiError`` with a
Vietnamese message naming the parameter; no value reaches SQL unchecked, and the SQL binds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vlboard.domain import filters
from vlboard.domain.periods import parse_period

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
MAX_SHOWN = 40

FILTERS = ("plan", "pillar", "agency", "unit", "period", "include_demo")
PAGING = ("limit", "cursor")
NAMES_VI = {
    "plan": "kế hoạch",
    "pillar": "trụ cột",
    "agency": "cơ quan",
    "unit": "đơn vị (phường, xã)",
    "period": "kỳ báo cáo",
}


class ApiError(Exception):
    """An answer other than 200: HTTP status, a machine code, a Vietnamese message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def shown(value: str) -> str:
    v = value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "…"
    return f"«{v}»"


def bad(name: str, message: str, code: str = "bad_parameter") -> ApiError:
    return ApiError(400, code, f"Tham số «{name}»: {message}")


@dataclass(frozen=True)
class Query:
    """A request's checked parameters (None: not given)."""

    plan: str | None = None
    pillar: str | None = None
    agency: str | None = None
    unit: str | None = None
    period: str | None = None
    include_demo: bool = False
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def filters(self, period: str | None) -> filters.Filters:
        return filters.Filters(
            plan=self.plan,
            period=period,
            pillar=self.pillar,
            agency=self.agency,
            unit=self.unit,
            source="all" if self.include_demo else "real",
        )


def _vi(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _int(name: str, raw: str, low: int, high: int) -> int:
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise bad(name, f"phải là số nguyên từ {_vi(low)} đến {_vi(high)}, nhận {shown(raw)}.")
    return int(text)


def parse(items: Sequence[tuple[str, str]], allowed: Sequence[str], options: filters.Options, path: str) -> Query:
    """Check the query string's ``items`` for the route at ``path`` (``allowed``: its filters)."""
    seen: dict[str, str] = {}
    for name, value in items:
        if name not in allowed and name not in PAGING:
            names = ", ".join((*allowed, *PAGING))
            raise ApiError(
                400, "unknown_parameter", f"Tham số {shown(name)} không dùng được ở {path}; các tham số: {names}."
            )
        if name in seen:
            raise bad(name, "chỉ được ghi một lần.")
        seen[name] = value
    values: dict = {}
    choices = {
        "plan": options.plans,
        "pillar": options.pillars,
        "agency": options.agencies,
        "unit": options.units,
        "period": options.periods,
    }
    for name, known in choices.items():
        raw = seen.get(name)
        if raw is None:
            continue
        if raw == "":
            raise bad(name, "không được để trống (bỏ hẳn tham số nếu không lọc).")
        if name == "period":
            try:
                parse_period(raw)
            except (ValueError, TypeError):
                raise bad(name, f"{shown(raw)} không phải kỳ hợp lệ (ví dụ 2025, 2025-Q3 hoặc 2025-06).") from None
        if raw not in known:
            raise bad(name, f"không có {NAMES_VI[name]} {shown(raw)} trong dữ liệu.", "unknown_value")
        values[name] = raw
    demo = seen.get("include_demo")
    if demo is not None:
        if demo not in ("true", "false"):
            raise bad("include_demo", f"chỉ nhận true hoặc false, nhận {shown(demo)}.")
        values["include_demo"] = demo == "true"
    if "limit" in seen:
        values["limit"] = _int("limit", seen["limit"], 1, MAX_LIMIT)
    if "cursor" in seen:
        values["offset"] = _int("cursor", seen["cursor"], 0, 10**9)
    return Query(**values)
