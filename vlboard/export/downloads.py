"""CSV and XLSX of any table shown, with Vietnamese headers, safe against formula injection."""

from __future__ import annotations

import csv
import io
import unicodedata

import pandas as pd

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


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


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel opens Vietnamese correctly; every text cell quoted, so a carriage
    return inside a cell cannot start a new row."""
    return safe_frame(df).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")


def to_xlsx(df: pd.DataFrame, sheet: str = "Dữ liệu") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        safe_frame(df).to_excel(xl, index=False, sheet_name=sheet[:31])
    return buf.getvalue()
