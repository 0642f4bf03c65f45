"""Excel report templates: one agency or ward/commune, one period, its assigned indicators.

The visible sheet lists what the subject must report (code, name, unit, the year's target, the
previous value) with empty columns to fill and Excel data validation on the number columns; a
hidden sheet carries the template version, the subject and the period, which the import reads
back (vlboard.intake.workbook). Pure: a source with ``q(name, **params)`` in, bytes out.

Over 300 lines: the formatter writes its column tables one item per line.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from vlboard.domain import formatting
from vlboard.domain.periods import label_vi, parse_period, previous, recent
from vlboard.domain.textnorm import fold, matches, slug
from vlboard.domain.vocab import SUBJECTS as SUBJECT_KINDS
from vlboard.domain.vocab import VN_TZ  # every time a clerk reads is Vietnam time
from vlboard.intake.upload import COLUMNS, DATA_SHEET, META_SHEET, TEMPLATE_VERSION

HEADER_ROW = 5

ASSUMED = "giả định của bảng điều hành"
TEMPLATE_KEYS = [
    "indicator_code",
    "indicator_name",
    "unit_of_measure",
    "target",
    "previous",
    "value",
    "numerator",
    "denominator",
    "note",
    "cause",
    "remedy",
    "back_by",
    "evidence_url",
]
WIDTHS = {
    "indicator_code": 16,
    "indicator_name": 60,
    "unit_of_measure": 12,
    "target": 16,
    "previous": 14,
    "value": 12,
    "numerator": 12,
    "denominator": 12,
    "note": 30,
    "cause": 36,
    "remedy": 36,
    "back_by": 14,
    "evidence_url": 30,
}

_GIVEN = PatternFill("solid", fgColor="EEEEEE")
_FILL = PatternFill("solid", fgColor="FFF7D6")
_HEAD = PatternFill("solid", fgColor="1F4E79")


@dataclass(frozen=True)
class Subject:
    type: str  # 'agency' | 'unit'
    code: str
    name: str


def subjects(src, period: str) -> pd.DataFrame:
    """Agencies and wards/communes that must report in ``period`` (subject_type, subject_code,
    subject_name, n_indicators)."""
    p = parse_period(period)
    return src.q("report_subjects", period_type=p.kind, period_end=p.end)


def rows(src, subject: Subject, period: str) -> pd.DataFrame:
    """The indicators ``subject`` must report for ``period``, with target and previous value."""
    p = parse_period(period)
    return src.q(
        "template_rows",
        subject_type=subject.type,
        subject_code=subject.code,
        period_type=p.kind,
        period_end=p.end,
        year=p.year,
        previous=previous(period),
    )


def due_date(period: str, due_days) -> dt.date:
    """The deadline of a period's report: its end plus the rule's days (negative: before the end,
    e.g. «trước ngày 10/12 hằng năm» is 31/12 − 21 days)."""
    return parse_period(period).end + dt.timedelta(days=int(due_days))


def is_open(period: str, due_days, today: dt.date) -> bool:
    """Can the report of ``period`` be made on ``today``: the period has ended, or its deadline
    falls inside the period (yearly reports due in December) and its month has come."""
    p, due = parse_period(period), due_date(period, due_days)
    return today > p.end or (due <= p.end and today >= due.replace(day=1))


def offered(src, today: dt.date, allowed: Callable[[str, str], bool]) -> tuple[list[str], str]:
    """The periods the intake page offers (newest quarter first, then years) and the default one:
    among periods whose report is open on ``today`` and where the user (``allowed(type, code)``)
    has something to report, the one due last; failing that the last ended quarter."""
    periods = recent(today)
    best = None
    for period in periods:
        subj = subjects(src, period)
        mine = subj[[allowed(t, c) for t, c in zip(subj.subject_type, subj.subject_code)]]
        if mine.empty:
            continue
        due_days = int(mine.due_days.min())
        if is_open(period, due_days, today) and (best is None or due_date(period, due_days) > best[0]):
            best = (due_date(period, due_days), period)
    default = best[1] if best else next(p for p in periods if parse_period(p).end < today)
    return periods, default


def search(src, options: list[Subject], period: str, query: str) -> list[Subject]:
    """The subjects whose name or code, or the name or code of an indicator they report for
    ``period``, contain every word of ``query``, with or without diacritics ('vinh long',
    'chu ky so'); every option for an empty query."""
    if not fold(query or "").strip():
        return options
    exp = src.q("expected_reports", period_type=parse_period(period).kind, period_end=parse_period(period).end)
    ind = src.q("indicator_list")
    names = dict(zip(ind.code, ind.name_vi))
    reported: dict[tuple[str, str], list[str]] = {}
    for t, c, code in zip(exp.subject_type, exp.subject_code, exp.indicator_code):
        reported.setdefault((t, c), []).append(f"{code} {names.get(code, '')}")
    out = []
    for s in options:
        texts = [f"{s.name} {s.code}", *reported.get((s.type, s.code), [])]
        if any(matches(query, t) for t in texts):
            out.append(s)
    return out


def file_name(subject: Subject, period: str) -> str:
    return f"mau-bao-cao-{slug(subject.code)}-{period}.xlsx"


def _blank(v) -> bool:
    return v is None or v is pd.NA or (not isinstance(v, str) and bool(pd.isna(v)))


def _target_text(raw, year, period_year: int) -> str | None:
    """The target as printed; another year's target says which year (a plan without a target for
    the period, or without any, leaves the cell empty)."""
    if _blank(raw):
        return None
    if _blank(year):
        return f"{raw} (không ghi năm)"  # a goal printed for the whole programme
    if int(year) == period_year:
        return str(raw)
    return f"{raw} (năm {int(year)})"


def _previous_text(value, source) -> str | None:
    if _blank(value):
        return None
    text = formatting.number(value, 2)
    return (
        f"{text} ({ {'demo': 'minh họa', 'document': 'văn bản'}[source] })" if source in ("demo", "document") else text
    )


def write(
    subject: Subject, period: str, table: pd.DataFrame, *, snapshot_id: str, now: dt.datetime | None = None
) -> bytes:
    """The template as .xlsx bytes; ``now`` is shown in Vietnam time (a naive ``now`` is taken as UTC)."""
    now = now or dt.datetime.now(dt.UTC)
    now = (now if now.tzinfo else now.replace(tzinfo=dt.UTC)).astimezone(VN_TZ)
    labels = dict(COLUMNS)
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    kind = SUBJECT_KINDS[subject.type]
    ws["A1"] = f"Báo cáo kết quả chuyển đổi số – {subject.name}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        f"Kỳ báo cáo: {label_vi(period)} ({period}) · {kind} {subject.code} · mẫu tải lúc "
        f"{formatting.date(now)} {now:%H:%M} · bản dữ liệu {snapshot_id}"
    )
    ws["A3"] = basis_text(table, period)
    ws["A3"].alignment = Alignment(wrap_text=False)
    ws["A4"] = (
        "Điền cột «Giá trị» (chỉ tiêu tỷ lệ %: có thể điền «Tử số» và «Mẫu số» thay cho giá trị). "
        "Không sửa cột mã chỉ tiêu, không gộp ô, không dùng công thức; để trống chỉ tiêu chưa có số liệu. "
        "Chỉ tiêu chưa đạt hoặc gần đạt: ghi «Nguyên nhân chưa đạt» và «Giải pháp khắc phục» "
        "(bắt buộc trước khi nộp), «Dự kiến đạt» dạng dd/mm/yyyy."
    )
    ws["A4"].alignment = Alignment(wrap_text=False)
    for c, key in enumerate(TEMPLATE_KEYS, start=1):
        cell = ws.cell(HEADER_ROW, c, labels[key])
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEAD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[cell.column_letter].width = WIDTHS[key]
    col = {key: i for i, key in enumerate(TEMPLATE_KEYS, start=1)}
    first = HEADER_ROW + 1
    for r, row in enumerate(table.itertuples(index=False), start=first):
        given = {
            "indicator_code": row.indicator_code,
            "indicator_name": row.name_vi,
            "unit_of_measure": row.unit,
            "target": _target_text(row.target_raw, row.target_year, parse_period(period).year),
            "previous": _previous_text(row.previous_value, row.previous_source),
        }
        for key, value in given.items():
            cell = ws.cell(r, col[key], value)
            cell.fill = _GIVEN
            cell.alignment = Alignment(wrap_text=key == "indicator_name", vertical="top")
        for key in ("value", "numerator", "denominator", "note", "cause", "remedy", "back_by", "evidence_url"):
            ws.cell(r, col[key]).fill = _FILL
        ws.cell(r, col["back_by"]).number_format = "@"  # kept as typed (dd/mm/yyyy), never a US date
    last = first + max(len(table), 1) - 1
    _validations(ws, table, col, first)
    ws.freeze_panes = ws.cell(first, col["value"])
    _meta(wb, subject, period, snapshot_id, now, last)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _number_rule(operator: str, error: str, **formulas: str) -> DataValidation:
    """Excel data validation of a number column: ≥ 0 (or between 0 and formula2), blank allowed."""
    return DataValidation(
        type="decimal",
        operator=operator,
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Giá trị không hợp lệ",
        error=error,
        **formulas,
    )


def _validations(ws, table: pd.DataFrame, col: dict, first: int) -> None:
    """Excel refuses wrong numbers as they are typed (the import checks again: Excel's rules can be
    pasted over)."""

    def letter(key: str) -> str:
        return ws.cell(1, col[key]).column_letter

    percent = _number_rule("between", "Tỷ lệ phải là số từ 0 đến 100.", formula2="100")
    count = _number_rule("greaterThanOrEqual", "Giá trị phải là số không âm.")
    parts = _number_rule("greaterThanOrEqual", "Tử số và mẫu số phải là số không âm.")
    for dv in (percent, count, parts):
        ws.add_data_validation(dv)
    for r, kind in enumerate(table.kind, start=first):
        (percent if kind == "percent" else count).add(f"{letter('value')}{r}")
        parts.add(f"{letter('numerator')}{r}:{letter('denominator')}{r}")


def _meta(wb: Workbook, subject: Subject, period: str, snapshot_id: str, now: dt.datetime, last: int) -> None:
    meta = wb.create_sheet(META_SHEET)
    for r, (key, value) in enumerate(
        [
            ("template_version", TEMPLATE_VERSION),
            ("scope_type", subject.type),
            ("scope_code", subject.code),
            ("scope_name", subject.name),
            ("period", period),
            ("snapshot_id", snapshot_id),
            ("created_at", now.isoformat(timespec="seconds")),
            ("last_row", str(last)),
        ],
        start=1,
    ):
        meta.cell(r, 1, key)
        meta.cell(r, 2, value)
    meta.sheet_state = "hidden"


def basis_text(table: pd.DataFrame, period: str) -> str:
    """Why the subject must report, per plan: the document's words and deadline, or that the duty
    is the dashboard's assumption."""
    parts = []
    if table.empty:
        return ""
    for plan, g in table.groupby("plan_name", sort=True):
        r = g.iloc[0]
        due = formatting.date(due_date(period, g.due_days.min()))
        assumed = int(g.assumption.fillna(False).astype(bool).sum())
        quote = "" if _blank(r.rule_quote) else f" mục {r.rule_section}: «{r.rule_quote}»"
        text = f"{plan}{quote}; hạn nộp {due}"
        if assumed:
            text += f" ({ASSUMED})" if assumed == len(g) else f" ({assumed}/{len(g)} chỉ tiêu là {ASSUMED})"
        parts.append(text)
    return "Căn cứ: " + " · ".join(parts)
