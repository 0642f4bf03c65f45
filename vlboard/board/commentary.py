"""Frames of the commentary (giải trình, issue 20), shared by the indicator page, the «Chưa giải
trình» lists, the command line and, later, the wall and the meeting pack: ``current`` (one row per
explained figure, with its one-line Vietnamese text), ``missing`` (misses still without one) and
``for_results`` (the text next to each value of an indicator's results). Pure: no streamlit.
The misses and the current explanation are defined once, in store/sql/macros/75_commentary.sql."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from vlboard.domain import commentary as rules
from vlboard.domain.formatting import date as vn_date
from vlboard.domain.periods import label_vi, parse_period

if TYPE_CHECKING:
    from vlboard.store.source import Source

SUBJECT_LABELS = {"agency": "Cơ quan", "unit": "Địa bàn"}
MISSING_COLUMNS = [
    "subject_type",
    "subject_code",
    "subject_name",
    "period",
    "period_label",
    "indicator_code",
    "indicator_name",
    "status_label",
    "value",
    "unit",
    "source",
]
CURRENT_COLUMNS = [
    "indicator_code",
    "indicator_name",
    "period",
    "subject_type",
    "subject_code",
    "subject_name",
    "cause",
    "remedy",
    "back_by",
    "text",
    "by",
]


def _date(v):
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


def _text(v) -> str | None:
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def line(cause, remedy, back_by) -> str:
    """«cause — remedy; dự kiến đạt dd/mm/yyyy»; "" when nothing is written."""
    return rules.one_line(_text(cause), _text(remedy), _date(back_by))


def current(src: Source, period: str = "", include_demo: bool = False) -> pd.DataFrame:
    """One row per key with a current explanation (``period``'s, or all when empty), with ``text``
    its one line. ``include_demo`` is accepted for the screens' common signature: an explanation
    is written by a person, never demo."""
    df = src.q("commentary_current", period=period).copy()
    df["back_by"] = [_date(v) for v in df["back_by"]]
    df["text"] = [line(c, r, b) for c, r, b in zip(df.cause, df.remedy, df.back_by)]
    df["by"] = [f"{u} · {vn_date(a)}" for u, a in zip(df.username, df["at"])]
    for c in ("cause", "remedy"):
        df[c] = [_text(v) or "" for v in df[c]]
    return df[CURRENT_COLUMNS].reset_index(drop=True)


def missing(
    src: Source, period: str = "", include_demo: bool = False, subject: tuple[str, str] | None = None
) -> pd.DataFrame:
    """The misses («Gần đạt», «Chưa đạt») without an explanation, per subject then period then
    indicator (columns MISSING_COLUMNS); demo figures only when ``include_demo``."""
    st, sc = subject or ("", "")
    df = src.q("commentary_misses", period=period, subject_type=st, subject_code=sc, include_demo=include_demo)
    df = df[~df.explained.astype(bool)].copy()
    df["status_label"] = df.year_status.map(rules.STATUS_LABELS)
    df["period_label"] = df.period.map(label_vi)
    df["unit"] = df["unit"].astype(object).where(df["unit"].notna(), "")
    return df[MISSING_COLUMNS].reset_index(drop=True)


def per_subject(missing_frame: pd.DataFrame) -> pd.DataFrame:
    """How many misses each subject still has to explain, most first."""
    if missing_frame.empty:
        return pd.DataFrame(columns=["subject_type", "subject_code", "subject_name", "n"])
    out = missing_frame.groupby(["subject_type", "subject_code", "subject_name"], as_index=False).size()
    return out.rename(columns={"size": "n"}).sort_values(["n", "subject_name"], ascending=[False, True])


def for_results(src: Source, results: pd.DataFrame) -> list[str]:
    """The explanation next to each row of an indicator's results (indicator_results.sql columns),
    by the subject the row belongs to (commentary_results.sql); "" where there is none."""
    if results.empty:
        return []
    have = src.q("commentary_results", code=str(results.indicator_code.iloc[0]))
    if have.empty:
        return [""] * len(results)

    def key(period, source, unit, agency) -> tuple:
        return (period, source, _text(unit), _text(agency))

    text = {
        key(r.period, r.source, r.unit_code, r.agency_code): line(r.cause, r.remedy, r.back_by)
        for r in have.itertuples(index=False)
    }
    rows = zip(results.period, results.source, results.unit_code, results.agency_code)
    return [text.get(key(*r), "") for r in rows]


def by_indicator(src: Source, period: str | None) -> dict[str, str]:
    """One line per indicator for the screens that show an indicator's headline status for
    ``period`` (the overview's slowest table, the wall's off-track panel, the pack): the
    explanations of the newest period up to ``period`` that has any, an agency's before a ward's,
    «subject: cause — remedy; dự kiến đạt …», «(+n giải trình khác)» when several subjects wrote
    one, and the period when it is not ``period``. Indicators with none are absent (the screens
    say «Chưa giải trình»)."""
    if not period:
        return {}
    cur = current(src)
    if cur.empty:
        return {}
    end = parse_period(period).end
    cur = cur.assign(end=[parse_period(p).end for p in cur.period])
    cur = cur[cur.end <= end]
    out: dict[str, str] = {}
    for code, rows in cur.groupby("indicator_code", sort=False):
        newest = rows[rows.end == rows.end.max()].sort_values(["subject_type", "subject_name"])  # agency < unit
        first = newest.iloc[0]
        text = f"{first.subject_name}: {first.text}"
        if len(newest) > 1:
            text += f" (+{len(newest) - 1} giải trình khác)"
        if first.period != period:
            text += f" ({label_vi(first.period)})"
        out[str(code)] = text
    return out
