"""Validation of imported report rows with pandera: one schema per import, built from the snapshot.

Two stages on a frame indexed by spreadsheet row number: the raw cells (codes known, numbers that
parse, links, periods, duplicates), then the typed values against what the snapshot knows
(percent 0–100, counts ≥ 0, numerator ≤ denominator and matching the value, the indicator due from
this agency/ward in this period, no document figure overwritten, no future period). Every failure
becomes an ``upload.Problem`` naming sheet, row and column in Vietnamese. Pure: no Streamlit, no I/O.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from vlboard.domain import formatting, numbers
from vlboard.domain.periods import label_vi, parse_period, start
from vlboard.domain.vocab import SUBJECTS as SUBJECT
from vlboard.intake.upload import COLUMNS, Problem

LABEL = {**dict(COLUMNS), "scope_code": "Mã cơ quan / phường, xã"}  # scope: a CSV column or the template's hidden sheet
NUMBERS = ("value", "numerator", "denominator")

TOLERANCE = 0.05  # percentage points between a value and 100 × numerator / denominator
_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


@dataclass(frozen=True)
class Context:
    """What the snapshot knows, for one import."""

    today: dt.date
    kinds: dict[str, str]  # indicator code → kind (percent, count, ratio, …)
    subjects: dict[str, set[str]]  # 'agency' / 'unit' → known codes
    expected: set[tuple[str, str, str, str]]  # (indicator, subject_type, subject_code, period)
    documents: dict[tuple[str, str, str, str], float | None]  # same key → document figure


def number(v, *, percent: bool = True) -> float | None:
    """A cell as a number through the one strict parser (:mod:`vlboard.domain.numbers`): None for an empty
    cell, ValueError (``numbers.NotANumber``, with its Vietnamese reason) for anything refused."""
    return numbers.parse(v, percent=percent)


def _empty_to_none(v):
    """pandas holds an empty cell (None) of an object frame as NaN: give it back as None. A NaN cannot
    come from a file (CSV fields are text; openpyxl reads no NaN from a numeric cell), so the
    strict parser then refuses every NaN it sees."""
    return None if isinstance(v, float) and math.isnan(v) else v


def _number_problems(df: pd.DataFrame, ctx: Context, sheet: str) -> list[Problem]:
    """Every number cell the strict parser refuses, with its reason; a % sign is allowed only in
    the value of a percent indicator."""
    out = []
    for c in NUMBERS:  # column by column: iterrows would turn None back into NaN
        for idx, code, v in zip(df.index, df.indicator_code, df[c]):
            why = numbers.reason(v, percent=c == "value" and ctx.kinds.get(code) == "percent")
            if why is not None:
                out.append(Problem(sheet, int(idx), LABEL[c], f"«{v}»: {why}"))
    return sorted(out, key=lambda p: (p.row, p.column))


def _parses(fn):
    def ok(v) -> bool:
        try:
            fn(v)
            return True
        except ValueError:
            return False

    return ok


def _key(df: pd.DataFrame) -> list[tuple]:
    return list(zip(df.indicator_code, df.scope_type, df.scope_code, df.period))


def _raw_schema(ctx: Context) -> pa.DataFrameSchema:
    num = {c: pa.Column(object, nullable=True) for c in NUMBERS}  # checked by _number_problems
    return pa.DataFrameSchema(
        {
            "indicator_code": pa.Column(
                object,
                [
                    pa.Check(
                        lambda v: v in ctx.kinds,
                        element_wise=True,
                        error="indicator_code|mã chỉ tiêu không có trong danh mục",
                    )
                ],
                nullable=False,
            ),
            "period": pa.Column(
                object,
                pa.Check(
                    _parses(parse_period),
                    element_wise=True,
                    error="period|kỳ báo cáo không hợp lệ (dùng dạng 2025, 2025-Q3)",
                ),
            ),
            "scope_code": pa.Column(object, nullable=False),
            **num,
            "evidence_url": pa.Column(
                object,
                pa.Check(
                    lambda v: bool(_URL.match(str(v))),
                    element_wise=True,
                    ignore_na=True,
                    error="evidence_url|đường dẫn minh chứng phải bắt đầu bằng http:// hoặc https://",
                ),
                nullable=True,
            ),
        },
        checks=[
            pa.Check(
                lambda df: pd.Series(
                    [c in ctx.subjects.get(t, set()) for t, c in zip(df.scope_type, df.scope_code)], index=df.index
                ),
                error="*scope_code|không có trong danh mục cơ quan / phường, xã",
            )
        ],
        unique=["indicator_code", "scope_type", "scope_code", "period"],
        report_duplicates="all",
    )


def _typed_schema(ctx: Context) -> pa.DataFrameSchema:
    def kind(df, *names):
        return df.indicator_code.map(ctx.kinds).isin(names)

    def fine(mask: pd.Series) -> pd.Series:
        return ~mask.fillna(False).astype(bool)

    return pa.DataFrameSchema(
        checks=[
            pa.Check(
                lambda df: fine(kind(df, "percent") & ((df.value < 0) | (df.value > 100))),
                error="*value|tỷ lệ phải từ 0 đến 100",
            ),
            pa.Check(lambda df: fine(df.value < 0), error="*value|giá trị không được âm"),
            pa.Check(lambda df: fine(df.numerator < 0), error="*numerator|tử số không được âm"),
            pa.Check(lambda df: fine(df.denominator <= 0), error="*denominator|mẫu số phải lớn hơn 0"),
            pa.Check(
                lambda df: fine(kind(df, "percent") & (df.numerator > df.denominator)),
                error="*numerator|tử số lớn hơn mẫu số",
            ),
            pa.Check(
                lambda df: fine(df.numerator.notna() ^ df.denominator.notna()),
                error="*denominator|cần điền cả tử số và mẫu số",
            ),
            pa.Check(
                lambda df: fine(
                    kind(df, "percent")
                    & df.value.notna()
                    & df.denominator.gt(0)
                    & ((df.value - 100 * df.numerator / df.denominator).abs() > TOLERANCE)
                ),
                error="*value|không khớp với tử số / mẫu số",
            ),
            pa.Check(
                lambda df: pd.Series([start(p) <= ctx.today for p in df.period], index=df.index),
                error="*period|kỳ báo cáo chưa bắt đầu",
            ),
            pa.Check(
                lambda df: pd.Series([k in ctx.expected for k in _key(df)], index=df.index),
                error="*indicator_code|chỉ tiêu không thuộc danh sách phải báo cáo",
            ),
            pa.Check(
                lambda df: pd.Series([k not in ctx.documents for k in _key(df)], index=df.index),
                error="*value|đã có số liệu trong văn bản",
            ),
        ]
    )


def _explain(tag: str, row: pd.Series | None, failure) -> str:
    """The Vietnamese message of one failed check, with the cell's value where it helps."""
    column, message = tag.lstrip("*").split("|", 1)
    if row is None:
        return f"«{failure}»: {message}" if failure is not None else message
    if column == "value" and "0 đến 100" in message:
        return f"{formatting.number(row.value, 2)} nằm ngoài 0–100 (chỉ tiêu tỷ lệ %)"
    if "tử số lớn hơn" in message:
        return f"tử số {formatting.number(row.numerator, 2)} lớn hơn mẫu số {formatting.number(row.denominator, 2)}"
    if "không khớp" in message:
        return (
            f"giá trị {formatting.number(row.value, 2)} không khớp với tử số / mẫu số "
            f"({formatting.number(100 * row.numerator / row.denominator, 2)})"
        )
    if "chưa bắt đầu" in message:
        return f"kỳ {label_vi(row.period)} ({row.period}) chưa bắt đầu, chưa thể báo cáo"
    if "phải báo cáo" in message:
        return (
            f"chỉ tiêu {row.indicator_code} không thuộc danh sách {SUBJECT.get(row.scope_type, '')} "
            f"{row.scope_code} phải báo cáo cho kỳ {label_vi(row.period)}"
        )
    if column == "scope_code":
        return f"{SUBJECT.get(row.scope_type, '')} «{row.scope_code}» không có trong danh mục"
    if "văn bản" in message:
        return (
            f"chỉ tiêu {row.indicator_code} kỳ {row.period} đã có số liệu trong văn bản của kế hoạch; "
            "không ghi đè số liệu văn bản"
        )
    return message


def _problems(exc: pa.errors.SchemaErrors, df: pd.DataFrame, sheet: str) -> list[Problem]:
    out, seen = [], set()
    for case in exc.failure_cases.itertuples(index=False):
        idx = case.index
        check = str(case.check)
        if "uniqueness" in check:  # pandera: field_uniqueness / multiple_fields_uniqueness
            key = (idx, "dup")
            if idx is not None and key not in seen:
                seen.add(key)
                out.append(
                    Problem(
                        sheet,
                        int(idx),
                        LABEL["indicator_code"],
                        f"chỉ tiêu {df.at[idx, 'indicator_code']} lặp lại trong tệp (kỳ {df.at[idx, 'period']})",
                    )
                )
            continue
        if "|" not in check:
            continue
        column = check.lstrip("*").split("|", 1)[0]
        key = (idx, check)
        if idx is None or pd.isna(idx) or key in seen:
            continue
        seen.add(key)
        idx = int(idx)
        if column == "scope_code":  # named as the clerk sees it: «Mã phường/xã» or «Mã cơ quan»
            column = "unit_code" if df.at[idx, "scope_type"] == "unit" else "agency_code"
        wide = check.startswith("*")  # a check over whole rows: the message is built from the row
        message = _explain(check, df.loc[idx] if wide else None, None if wide else case.failure_case)
        out.append(Problem(sheet, idx, LABEL.get(column, column), message))
    return sorted(out, key=lambda p: (p.row or 0, p.column or ""))


def check(df: pd.DataFrame, ctx: Context, sheet: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate report rows (index = spreadsheet row; columns indicator_code, scope_type, scope_code,
    period, value, numerator, denominator, note, evidence_url). Returns the typed rows (value
    completed from numerator / denominator) and the problems; rows are usable only without problems.
    Rows failing the first stage skip the second, so one pass reports every kind of mistake."""
    df = df.assign(**{c: pd.Series([_empty_to_none(v) for v in df[c]], index=df.index, dtype=object) for c in NUMBERS})
    problems: list[Problem] = _number_problems(df, ctx, sheet)
    try:
        _raw_schema(ctx).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems += _problems(exc, df, sheet)
    if problems:
        blocking = {LABEL.get(k, k) for k in (*NUMBERS, "indicator_code", "period", "scope_code")}
        df = df.drop(index=sorted({p.row for p in problems if p.row in df.index and p.column in blocking}))
    typed = df.copy()
    for c in NUMBERS:
        typed[c] = pd.Series([number(v) for v in df[c]], index=df.index, dtype="float64")
    kinds = typed.indicator_code.map(ctx.kinds)
    # a percent over 100 from its parts is the numerator's mistake, reported at «Tử số», not «Giá trị»
    fill = typed.value.isna() & typed.denominator.gt(0) & ~(kinds.eq("percent") & typed.numerator.gt(typed.denominator))
    typed.loc[fill & kinds.eq("percent"), "value"] = (100 * typed.numerator / typed.denominator).round(2)
    typed.loc[fill & kinds.eq("ratio"), "value"] = (typed.numerator / typed.denominator).round(4)
    # how the value came about, said in the preview and stored with the report
    typed["computed"] = fill & kinds.isin(["percent", "ratio"])
    try:
        _typed_schema(ctx).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems += _problems(exc, typed, sheet)
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return (typed.iloc[0:0], problems) if problems else (typed, [])
