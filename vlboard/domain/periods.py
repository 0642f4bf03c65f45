"""Reporting periods: '2024' (year), '2024-Q3' (quarter), '2024-06' (month)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class Period:
    end: dt.date
    code: str
    kind: str  # 'year' | 'quarter' | 'month'

    @property
    def year(self) -> int:
        return self.end.year


def parse_period(code: str) -> Period:
    """Parse a period code; raises ValueError with a Vietnamese message on bad input."""
    text = (code or "").strip()
    if m := _YEAR.match(text):
        y = int(m.group(1))
        return Period(dt.date(y, 12, 31), text, "year")
    if m := _QUARTER.match(text):
        y, q = int(m.group(1)), int(m.group(2))
        month = q * 3
        return Period(dt.date(y, month, calendar.monthrange(y, month)[1]), text, "quarter")
    if m := _MONTH.match(text):
        y, mo = int(m.group(1)), int(m.group(2))
        return Period(dt.date(y, mo, calendar.monthrange(y, mo)[1]), text, "month")
    raise ValueError(f"Kỳ báo cáo không hợp lệ: {code!r} (dùng dạng 2024, 2024-Q3 hoặc 2024-06)")


def quarters(first: str, last: str) -> list[Period]:
    """All quarters from ``first`` to ``last`` inclusive ('2023-Q1'..'2026-Q3')."""
    a, b = parse_period(first), parse_period(last)
    if a.kind != "quarter" or b.kind != "quarter":
        raise ValueError("Cần kỳ quý, ví dụ 2023-Q1")
    out = []
    y, q = a.year, int(a.code[-1])
    while (y, q) <= (b.year, int(b.code[-1])):
        out.append(parse_period(f"{y}-Q{q}"))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def label_vi(code: str) -> str:
    """'2025-Q3' → 'Quý III/2025', '2025-06' → 'Tháng 06/2025', '2025' → 'Năm 2025'."""
    p = parse_period(code)
    if p.kind == "quarter":
        return f"Quý {['I', 'II', 'III', 'IV'][int(code[-1]) - 1]}/{p.year}"
    if p.kind == "month":
        return f"Tháng {code[5:]}/{p.year}"
    return f"Năm {p.year}"


def previous(code: str) -> str:
    """The period before, of the same kind: '2025-Q1' → '2024-Q4', '2025' → '2024', '2025-01' → '2024-12'."""
    p = parse_period(code)
    if p.kind == "year":
        return str(p.year - 1)
    n = int(code[-1] if p.kind == "quarter" else code[5:]) - 1
    if p.kind == "quarter":
        return f"{p.year}-Q{n}" if n else f"{p.year - 1}-Q4"
    return f"{p.year}-{n:02d}" if n else f"{p.year - 1}-12"


def start(code: str) -> dt.date:
    """First day of a period."""
    p = parse_period(code)
    if p.kind == "year":
        return dt.date(p.year, 1, 1)
    if p.kind == "quarter":
        return dt.date(p.year, int(code[-1]) * 3 - 2, 1)
    return p.end.replace(day=1)


def recent(today: dt.date, n_quarters: int = 8, n_years: int = 3) -> list[str]:
    """Periods a report can be made for on ``today``, newest first: the current quarter and the
    ones before, then the current year and the ones before."""
    y, q = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(n_quarters):
        out.append(f"{y}-Q{q}")
        y, q = (y - 1, 4) if q == 1 else (y, q - 1)
    return out + [str(today.year - i) for i in range(n_years)]
