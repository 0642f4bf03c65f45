"""CSV and XLSX of any table shown, with Vietnamese headers, safe against formula injection.

With a ``Context`` both start with a header block (the board, the table's name, the filters in
words, the data date, the snapshot, the demo mark) and a blank row. The XLSX keeps numbers as
numbers: numeric columns stay numeric, and a text cell that is exactly a Vietnamese number as the
page shows it ("1.234,5", "10,8%") or a date ("31/12/2025") becomes a number or a date with a
display format of the same decimals. The formats carry the Vietnamese locale (``[$-42A]#,##0.0``):
LibreOffice shows 1.234,5 whatever its own locale (checked in tests); Excel keeps the decimals
but draws the separators of the reader's Windows settings (it reads the locale tag for names of
months and days only), so an English Excel shows 1,234.5 — the value is exact either way.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata

import pandas as pd

from vlboard.export.context import Context

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(%?)$")
DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
DATE_FORMAT = "dd/mm/yyyy"
VI = "[$-42A]"  # Vietnamese (LCID 0x042A): LibreOffice then shows 1.234,5 whatever its own locale
WIDTH = (8, 60)  # column width bounds, characters


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value)
        if value.startswith(DANGEROUS):
            return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def to_csv(df: pd.DataFrame, ctx: Context | None = None, title: str = "") -> bytes:
    """UTF-8 with BOM so Excel opens Vietnamese correctly; every text cell quoted, so a carriage
    return inside a cell cannot start a new row. With ``ctx``: the header block, a blank row, then
    the table."""
    body = safe_frame(df).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC)
    if ctx is None:
        return body.encode("utf-8-sig")
    head = io.StringIO()
    writer = csv.writer(head, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    for line in ctx.lines(title):
        writer.writerow([neutralise(line)])
    writer.writerow([])
    return (head.getvalue() + body).encode("utf-8-sig")


def number_format(decimals: int, percent: bool = False, grouped: bool = True) -> str:
    """Excel's code for a number with ``decimals`` decimals ('[$-42A]#,##0.0', '[$-42A]0.0%')."""
    base = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
    return VI + base + ("%" if percent else "")


def parse_cell(value: str):
    """(value, number_format) for a text cell that is exactly a shown number or date, else None.
    Text with a leading zero ('029557') or a code-like column is never read as a number."""
    text = unicodedata.normalize("NFC", value).strip()
    m = DATE.match(text)
    if m:
        try:
            return dt.date(int(m[3]), int(m[2]), int(m[1])), DATE_FORMAT
        except ValueError:
            return None
    m = NUMBER.match(text)
    if not m or (len(m[2]) > 1 and m[2].startswith("0")):
        return None
    sign, whole, frac, pct = m.groups()
    number = float(f"{sign}{whole.replace('.', '')}.{frac or '0'}")
    decimals = len(frac or "")
    if pct:
        return round(number / 100, decimals + 2), number_format(decimals, percent=True, grouped=False)
    # a bare 4-digit whole number ('2025') is a year, shown without a separator; '1.234' keeps it
    grouped = "." in whole or bool(decimals) or not 1000 <= abs(number) < 10_000
    value_ = number if decimals else int(number)
    return value_, number_format(decimals, grouped=grouped)


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _decimals(series: pd.Series) -> int:
    """Decimals a float column needs to show what it holds (at most 2)."""
    values = series.dropna()
    for d in (0, 1):
        if ((values * 10**d).round(6) % 1 == 0).all():
            return d
    return 2


def xlsx_cells(df: pd.DataFrame) -> list[list[tuple]]:
    """Every data cell as (value, number_format or None), typed as described in the module doc."""
    columns = []
    for name in df.columns:
        s = df[name]
        codes = str(name).strip().lower().startswith("mã")
        year = "năm" in str(name).lower()
        if pd.api.types.is_bool_dtype(s):
            cells = [(None if _missing(v) else bool(v), None) for v in s]
        elif pd.api.types.is_integer_dtype(s) or pd.api.types.is_float_dtype(s):
            fmt = number_format(0 if pd.api.types.is_integer_dtype(s) else _decimals(s), grouped=not year)
            cells = [(None, None) if _missing(v) else (v.item() if hasattr(v, "item") else v, fmt) for v in s]
        elif pd.api.types.is_datetime64_any_dtype(s):
            cells = [(None, None) if _missing(v) else (v.date() if v == v.normalize() else v, DATE_FORMAT) for v in s]
        else:
            cells = [_object_cell(v, codes) for v in s]
        columns.append(cells)
    return [list(row) for row in zip(*columns)] if columns else []


def _object_cell(value, codes: bool) -> tuple:
    if _missing(value):
        return None, None
    if isinstance(value, dt.datetime):
        return value, "dd/mm/yyyy hh:mm"
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float):
        return value, number_format(0 if float(value).is_integer() else 1)
    if isinstance(value, str) and not codes:
        parsed = parse_cell(value)
        if parsed is not None:
            return parsed
    return neutralise(str(value)), None


def _sheet_name(name: str) -> str:
    clean = re.sub(r"[\[\]:*?/\\]", " ", unicodedata.normalize("NFC", name)).strip(" '")
    return (clean or "Dữ liệu")[:31]


def to_xlsx(df: pd.DataFrame, sheet: str = "Dữ liệu", ctx: Context | None = None, title: str = "") -> bytes:
    """One sheet: with ``ctx`` the header block and a blank row, then the table with its header row
    bold and frozen, numbers and dates typed, columns as wide as their content."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_name(sheet)
    top = 0
    if ctx is not None:
        for i, line in enumerate(ctx.lines(title or sheet), start=1):
            c = ws.cell(row=i, column=1, value=neutralise(line))
            if i <= 2:
                c.font = Font(bold=True, size=13 if i == 1 else 12)
        top = len(ctx.lines(title or sheet)) + 1
    header = [neutralise(str(c)) for c in df.columns]
    widths = [len(h) for h in header]
    for j, h in enumerate(header, start=1):
        ws.cell(row=top + 1, column=j, value=h).font = Font(bold=True)
    for i, row in enumerate(xlsx_cells(df), start=top + 2):
        for j, (value, fmt) in enumerate(row, start=1):
            c = ws.cell(row=i, column=j, value=value)
            if fmt:
                c.number_format = fmt
            shown = 10 if fmt == DATE_FORMAT else len(str(value)) if value is not None else 0
            widths[j - 1] = max(widths[j - 1], shown)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(w + 2, WIDTH[0]), WIDTH[1])
    ws.freeze_panes = ws.cell(row=top + 2, column=1).coordinate
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
