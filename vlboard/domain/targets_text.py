"""Reading a printed target cell ("> 80%", "tối thiểu 50%", "15% đến 20%", "02 phường").

Pure functions: the source checks (``vlboard.store.checks``, run by every build) use them to check
that every stored comparator and value agrees with the raw text printed in the plan document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vlboard.domain.textnorm import collapse

_NUM = r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?"
_RANGE = re.compile(rf"{_NUM}\s*%?\s*(?:đến|-|–)\s*{_NUM}\s*%?", re.IGNORECASE)
_GT = re.compile(r"^(>|trên|hơn)\s*", re.IGNORECASE)
_GE = re.compile(r"^(≥|>=|tối thiểu|ít nhất|phấn đấu|đạt|từ)\s*", re.IGNORECASE)
_LT = re.compile(r"^(<|dưới)\s*", re.IGNORECASE)
_LE = re.compile(r"^(≤|<=|tối đa|không quá)\s*", re.IGNORECASE)
_FIRST_NUM = re.compile(_NUM)


@dataclass(frozen=True)
class ParsedTarget:
    comparator: str | None  # '>=', '>', '<=', '<', 'range', 'done' or None (no target printed)
    value: float | None
    value_high: float | None = None


def to_number(integer: str, fraction: str | None) -> float:
    """Vietnamese number parts ("1.234", "5") → float 1234.5."""
    whole = integer.replace(".", "")
    return float(f"{whole}.{fraction}") if fraction else float(whole)


def parse_raw(raw: str | None) -> ParsedTarget:
    """Parse a printed target cell. A bare number is a floor (``>=``), as the plans intend."""
    text = collapse(raw or "")
    if not text:
        return ParsedTarget(None, None)
    if re.fullmatch(r"(tất cả|toàn bộ)", text, re.IGNORECASE):
        return ParsedTarget(">=", 100.0)
    if re.fullmatch(r"\D*năm \d{4}\D*", text):
        return ParsedTarget("done", None)  # "Triển khai năm 2024": a milestone, not a number
    rng = _RANGE.search(text)
    if rng and ("%" in rng.group(0) or "đến" in rng.group(0)):
        return ParsedTarget("range", to_number(rng.group(1), rng.group(2)), to_number(rng.group(3), rng.group(4)))
    comparator = ">="
    for pattern, comp in ((_GT, ">"), (_LT, "<"), (_LE, "<="), (_GE, ">=")):
        m = pattern.match(text)
        if m:
            comparator, text = comp, text[m.end() :]
            break
    num = _FIRST_NUM.search(text)
    if not num:
        return ParsedTarget("done", None)  # "Thường xuyên", "Triển khai năm 2024", ...
    return ParsedTarget(comparator, to_number(num.group(1), num.group(2)))


def format_number_vi(value: float) -> str:
    """80.0 → '80', 0.5 → '0,5' (as the documents print numbers)."""
    if float(value).is_integer():
        return str(int(value))
    return (f"{value:g}").replace(".", ",")


def find_raw_in_text(text: str, value: float) -> str | None:
    """Find the printed fragment holding ``value`` in a sentence, with its qualifier word.

    "Tỷ lệ dân số có tài khoản thanh toán điện tử trên 50%" with 50 → "trên 50%".
    """
    text = collapse(text)
    num = re.escape(format_number_vi(value))
    qualifier = r"(?:(?:trên|hơn|tối thiểu|ít nhất|tối đa|không quá|dưới|>|≥)\s*)?"
    m = re.search(rf"(?<![\d,.]){qualifier}0*{num}(?![\d,])(?:\s*%)?", text, re.IGNORECASE)
    if not m:
        return None
    return m.group(0).strip()
