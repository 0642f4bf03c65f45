"""The one strict number parser of every import path (.xlsx cells, CSV fields, the page and the CLI).

What is accepted:

- an Excel numeric cell (int or float), if finite and at most ``LIMIT`` in size: it is a real number,
  not text, so no format question arises;
- text written the Vietnamese way: an optional ``-``, ASCII digits 0–9, an optional decimal comma,
  thousands separated by dots in groups of exactly three: ``1234``, ``1.234``, ``1.234.567,5``,
  ``-0,25``; surrounding spaces are ignored (they are outside the number);
- a trailing ``%`` (``12,5%`` or ``12,5 %``) only in the «Giá trị» cell of a percent indicator, read as
  percentage points (12.5), the unit that column is in; anywhere else it is refused, never dropped.

What is refused, each with its own Vietnamese reason (:class:`NotANumber`):

- infinity and not-a-number in any spelling (``inf``, ``Infinity``, ``∞``, ``NaN``, ``-nan``, ``sNaN``),
  and an Excel cell holding one;
- exponents (``1e400``, ``1E5``, ``2,5e3``): a clerk never types one, and ``1e400`` is infinite;
- underscores (``1_000``);
- digits other than ASCII 0–9 (Arabic-Indic ``٣``, full-width ``３``, Devanagari …);
- dots not in thousands position (``1234.5``, ``1.5``, ``12.34.567``, ``1.2345``): in Vietnamese the
  dot groups thousands, so an English decimal point would silently multiply the figure;
- more than one decimal comma, a comma without digits on both sides (``,5``, ``5,``);
- spaces or non-breaking spaces inside the number (``1 234``), a ``+`` or a Unicode minus sign;
- anything else around the digits (``khoảng 60``, ``60 người``, ``~60``, ``0x1F``);
- magnitudes above ``LIMIT`` (10¹⁵: beyond it a float no longer holds every integer, and sums of
  such figures overflow the roll-ups);
- a true/false cell, a date cell, and text longer than ``MAX_TEXT`` characters.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal

LIMIT = 10**15
MAX_TEXT = 40
EXAMPLE = "viết kiểu Việt Nam, ví dụ 1.234,5"
_FORMAT = re.compile(r"-?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?", re.ASCII)
_NON_FINITE = re.compile(r"[+\-−]?\s*(?:inf|infinity|nan|snan|qnan|∞)", re.IGNORECASE)
_EXPONENT = re.compile(r"[+\-]?[0-9.,]*[0-9][eE][+\-]?[0-9]+", re.ASCII)
_DIGITS_AND_SEPARATORS = re.compile(r"-?[0-9.,]+", re.ASCII)


class NotANumber(ValueError):
    """A cell that is not a number the import accepts; ``reason`` is Vietnamese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _limit_text() -> str:
    return f"{LIMIT:,}".replace(",", ".")


def _finite(x: float) -> float:
    if math.isnan(x) or math.isinf(x):
        raise NotANumber("không phải là số hữu hạn (không nhận vô cực hay NaN)")
    if abs(x) > LIMIT:
        raise NotANumber(f"số quá lớn (giới hạn {_limit_text()})")
    return float(x) + 0.0  # -0.0 → 0.0


def parse(v: object, *, percent: bool = False) -> float | None:
    """``v`` (a cell or field) as a finite float, None for an empty cell; raises :class:`NotANumber`.
    ``percent``: a trailing % is allowed (the «Giá trị» cell of a percent indicator)."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise NotANumber("là giá trị đúng/sai (TRUE/FALSE), không phải là số")
    if isinstance(v, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        raise NotANumber("là ngày tháng hoặc thời gian, không phải là số")
    if isinstance(v, (int, float)):
        return _finite(v) if isinstance(v, float) else _int(v)  # an int may be too big for a float
    if not isinstance(v, str):
        raise NotANumber("không phải là số")
    s = v.strip()
    if not s:
        return None
    if len(s) > MAX_TEXT:
        raise NotANumber(f"quá dài để là một con số (hơn {MAX_TEXT} ký tự)")
    if _NON_FINITE.fullmatch(s):
        raise NotANumber("không phải là số hữu hạn (không nhận vô cực hay NaN)")
    if any(c.isdigit() and not "0" <= c <= "9" for c in s) or any(
        unicodedata.category(c) == "Nd" and not "0" <= c <= "9" for c in s
    ):
        raise NotANumber("chỉ nhận chữ số 0–9 (không nhận chữ số toàn khổ, chữ số Ả Rập hay chữ số khác)")
    if "_" in s:
        raise NotANumber(f"không nhận dấu gạch dưới trong số; {EXAMPLE}")
    if s.endswith("%"):
        if not percent:
            raise NotANumber("dấu % chỉ dùng ở cột «Giá trị» của chỉ tiêu tỷ lệ (%); ở đây hãy ghi số không có %")
        s = s[:-1].rstrip()
    if _FORMAT.fullmatch(s):
        return _finite(float(Decimal(s.replace(".", "").replace(",", "."))))
    if _EXPONENT.fullmatch(s):
        raise NotANumber("không nhận số viết dạng lũy thừa (e/E); hãy viết đủ chữ số, ví dụ 1.500.000")
    if s.startswith(("+", "−")) and _DIGITS_AND_SEPARATORS.fullmatch(s[1:]):
        raise NotANumber("chỉ nhận dấu trừ «-» trước số âm; số dương viết không có dấu")
    if any(c.isspace() for c in s) and _DIGITS_AND_SEPARATORS.fullmatch(re.sub(r"\s", "", s)):
        raise NotANumber("có khoảng trắng bên trong số; hãy viết liền, hàng nghìn cách bằng dấu chấm (1.234)")
    if _DIGITS_AND_SEPARATORS.fullmatch(s):
        if s.count(",") > 1:
            raise NotANumber(f"có nhiều hơn một dấu phẩy thập phân; {EXAMPLE}")
        if "," in s and ("." in s.partition(",")[2] or not re.search(r"[0-9],[0-9]", s)):
            raise NotANumber(f"dấu phẩy thập phân đặt sai chỗ; {EXAMPLE}")
        if "." in s:
            raise NotANumber(
                "dấu chấm là dấu phân cách hàng nghìn và phải đứng trước đúng 3 chữ số "
                "(ví dụ 1.234.567); số thập phân dùng dấu phẩy (ví dụ 1234,5)"
            )
    raise NotANumber(f"không phải là số ({EXAMPLE})")


def _int(v: int) -> float:
    if abs(v) > LIMIT:
        raise NotANumber(f"số quá lớn (giới hạn {_limit_text()})")
    return float(v)


def reason(v: object, *, percent: bool = False) -> str | None:
    """Why ``v`` is refused, or None when it is accepted."""
    try:
        parse(v, percent=percent)
        return None
    except NotANumber as exc:
        return exc.reason
