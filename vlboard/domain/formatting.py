"""Vietnamese formatting of numbers, percents and dates (Babel, locale vi_VN). No streamlit."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal

from vlboard.domain.vocab import PILLARS

LOCALE = "vi_VN"


def _missing(value) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def number(value, digits: int = 1) -> str:
    """1234.5 → '1.234,5'; whole numbers lose the decimals: 1234.0 → '1.234'; None → '–'."""
    if _missing(value):
        return "–"
    fmt = "#,##0" if float(value).is_integer() else "#,##0." + "#" * digits
    return format_decimal(value, format=fmt, locale=LOCALE)


def percent(value, digits: int = 1) -> str:
    """72.5 (already in percent) → '72,5%'."""
    return "–" if _missing(value) else f"{number(value, digits)}%"


def date(value) -> str:
    """2025-09-30 → '30/09/2025'."""
    if _missing(value):
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, format="dd/MM/yyyy", locale=LOCALE)


def pillar(code: str) -> str:
    return PILLARS.get(code, code)


MD_SPECIAL = "\\`*_{}[]<>()#+-.!|~$:"


def md_escape(text: str) -> str:
    """Make any string safe to show through Streamlit's Markdown: every special character is
    escaped, so names and URL values show literally and never become links or HTML. Streamlit
    turns ``:material/name:`` into an icon even with escaped colons (it rewrites the raw source
    before parsing), so the slash after ``material`` is escaped too."""
    out = "".join("\\" + c if c in MD_SPECIAL else c for c in str(text))
    return out.replace("material/", "material\\/")
