"""The drafted "Báo cáo kết quả thực hiện" of one agency or one ward/commune for one period: what
the document says, assembled from the scorecard and the subject's own figures (pure: frames in,
a ``Report`` out; ``screens.report_frame`` calls it with the query frames, ``export.report_docx``
lays it out).

An agency's report lists the indicators it leads and, apart, those it partners; a ward's or a
commune's lists the indicators it has a figure for. Where the subject has its own figure for an
indicator (an agency's report, a ward's value) that figure counts; else an agency's row shows the
indicator's headline figure, as the agencies page does.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pandas as pd

from vlboard.domain import formatting, status
from vlboard.domain.periods import label_vi, parse_period
from vlboard.domain.vocab import SOURCES, STATUSES, WITH_DATA

DEMO_MARK = "(dữ liệu minh họa)"
NO_DATA = "Chưa có số liệu báo cáo"
# the columns of report rows that an own figure replaces in the scorecard's row
OWN = [
    "value",
    "period",
    "as_of",
    "source",
    "n_distinct_values",
    "target_year",
    "comparator",
    "target",
    "target_high",
    "target_raw",
    "basis",
    "attainment",
    "status",
]
# how the report groups its rows: role → heading of its table
GROUPS = {"lead": "Các chỉ tiêu chủ trì thực hiện", "partner": "Các chỉ tiêu phối hợp thực hiện", "unit": ""}


@dataclass(frozen=True)
class Subject:
    """Who issues the report: ``kind`` 'agency' or 'unit'; ``superior``: the body above it, as the
    header's first line prints it; ``issuer``: its own name as printed (capitals come later)."""

    kind: str
    code: str
    issuer: str
    superior: str
    abbr: str  # the symbol after "BC-" of the document number

    @property
    def is_commune(self) -> bool:
        return self.kind == "unit"


@dataclass(frozen=True)
class Report:
    subject: Subject
    period: str
    rows: pd.DataFrame  # one row per indicator × role, columns of ROW_COLUMNS
    missing: tuple[str, ...]  # indicators due from the subject this period without a figure (codes)
    data_date: str  # dd/mm/yyyy of the newest real figure of the snapshot
    snapshot_id: str | None
    include_demo: bool

    @property
    def period_phrase(self) -> str:
        """'quý III/2025' or 'năm 2025' (as the subject line reads)."""
        text = label_vi(self.period)
        return text[0].lower() + text[1:]

    @property
    def has_demo(self) -> bool:
        return bool(self.rows.demo.any()) if not self.rows.empty else False

    def group(self, role: str) -> pd.DataFrame:
        return self.rows[self.rows.role == role]


ROW_COLUMNS = [
    "role",
    "indicator_code",
    "name_vi",
    "plan_text",
    "result_text",
    "status",
    "status_text",
    "note",
    "demo",
    "own_figure",
    "attainment",
    "gap_text",
]


def ascii_fold(text: str) -> str:
    """'Đề án Sở KH&CN' → 'De an So KH&CN' (file names, the document symbol)."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


STOP_WORDS = {"và", "tỉnh", "thành", "phố", "vĩnh", "long", "tpvl", "-", "–"}


def abbreviation(name: str) -> str:
    """The symbol of an issuer in a document number, from its name: the initials of its words, a
    word written in capitals kept whole ('Văn phòng UBND tỉnh' → 'VPUBND', 'Sở Khoa học và Công
    nghệ' → 'SKHCN'). A draft: the agency corrects it if it uses another."""
    parts = []
    for word in name.replace("&", " ").split():
        if word.lower() in STOP_WORDS:
            continue
        folded = ascii_fold(word)
        parts.append(folded if len(folded) > 1 and folded.isupper() else folded[:1].upper())
    return "".join(p for p in parts if p.isalnum()) or "UBND"


def _target_text(row: dict, unit: str | None) -> str:
    year = row.get("target_year")
    if row.get("status") == "qualitative" or row.get("comparator") == "done":
        raw = row.get("target_raw")
        text = raw if isinstance(raw, str) and raw.strip() else "Định tính"
        return f"{text} (năm {int(year)})" if year is not None and not pd.isna(year) else text
    text = status.judged_against(
        row.get("basis"), year, row.get("comparator"), row.get("target"), row.get("target_high"), unit
    )
    if text == "–":
        return "Chưa có mục tiêu số"
    text = text[0].upper() + text[1:] + (" (đến kỳ này)" if row.get("basis") == "path" else "")
    return _keep_together(text)


def _keep_together(text: str) -> str:
    """No line break inside '≥ 80%' or '2,3 điểm %' in a narrow table cell (no-break spaces)."""
    for sign in ("≥ ", "≤ ", "> ", "< ", "điểm %"):
        text = text.replace(sign, sign.replace(" ", "\u00a0"))
    return text


def _result_text(row: dict, unit: str | None) -> str:
    value = row.get("value")
    if value is None or pd.isna(value):
        return NO_DATA
    when = row.get("as_of")
    date = formatting.date(when) if when is not None and not pd.isna(when) else ""
    sources = [s for s in str(row.get("source") or "").split(",") if s]
    demo = "demo" in sources
    where = ", ".join(SOURCES.get(s, s).lower() for s in sources if s != "demo")
    detail = "; ".join(x for x in (f"đến {date}" if date else "", f"nguồn: {where}" if where else "") if x)
    text = status.value_text(value, unit) + (f" ({detail})" if detail else "")
    return text + (f" {DEMO_MARK}" if demo else "")


def _gap_text(row: dict, unit: str | None) -> str:
    gap = status.target_gap(
        row.get("value"), row.get("comparator"), row.get("target"), row.get("target_high"), row.get("direction")
    )
    if gap is None or gap <= 0 or row.get("status") not in ("near", "not_achieved", "not_due"):
        return ""
    pts = "điểm %" if unit and unit.startswith("%") else (unit or "")
    return _keep_together(f"còn thiếu {formatting.number(gap)} {pts}".strip())


def _note(row: dict, gap: str) -> str:
    """Ghi chú/Giải trình: how far from the target, conflicting figures, whose figure it is."""
    parts = []
    a = row.get("attainment")
    if row.get("status") in WITH_DATA and a is not None and not pd.isna(a):
        parts.append(f"Đạt {formatting.percent(a * 100)} mục tiêu")
    if gap:
        parts.append(gap)
    value, target, comparator = row.get("value"), row.get("target"), row.get("comparator")
    if (
        row.get("status") == "not_due"
        and comparator in status.COMPARATOR_TEXT
        and not pd.isna(value)
        and not pd.isna(target)
        and status.met(float(value), comparator, float(target), None, row.get("direction"))
    ):
        parts.append(f"đã đạt mức mục tiêu {int(row['target_year'])} trước hạn")
    n = row.get("n_distinct_values")
    if n is not None and not pd.isna(n) and int(n) > 1:
        parts.append(f"văn bản nêu {int(n)} số liệu khác nhau")
    if row.get("role") in ("lead", "partner") and row.get("value") is not None and not pd.isna(row.get("value")):
        parts.append("số liệu riêng của cơ quan" if row.get("own_figure") else "số liệu chung của chỉ tiêu")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def rows_frame(card: pd.DataFrame, own: pd.DataFrame, roles: pd.DataFrame) -> pd.DataFrame:
    """The report's rows. ``card``: the period's full scorecard; ``own``: the subject's own figures
    (query report_rows); ``roles``: indicator_code, role ('lead', 'partner' or 'unit'), the rows
    to list, in that order of roles and then by indicator code. The texts of ROW_COLUMNS come
    first, then the card's columns as the row counts them (a column added to the scorecard, e.g.
    an outlook, reaches the document's table through one ``report_docx.COLUMNS`` entry)."""
    base = roles[["indicator_code", "role"]].drop_duplicates().merge(card, on="indicator_code", how="inner")
    own_codes = set(own.indicator_code)
    mine = own.set_index("indicator_code")
    records = []
    for row in base.to_dict("records"):
        code = row["indicator_code"]
        row["own_figure"] = code in own_codes
        if row["own_figure"]:
            row.update({c: mine.at[code, c] for c in OWN if c in mine.columns})
        records.append(row)
    order = {r: i for i, r in enumerate(GROUPS)}
    records.sort(key=lambda r: (order.get(r["role"], 9), r["indicator_code"]))
    out = []
    for row in records:
        unit = row.get("measure_unit") if isinstance(row.get("measure_unit"), str) else None
        gap = _gap_text(row, unit)
        out.append(
            {
                **{k: v for k, v in row.items() if k not in ROW_COLUMNS},  # the card's own columns, after
                "role": row["role"],
                "indicator_code": row["indicator_code"],
                "name_vi": unicodedata.normalize("NFC", str(row["name_vi"])),
                "plan_text": _target_text(row, unit),
                "result_text": _result_text(row, unit),
                "status": row["status"],
                "status_text": STATUSES[row["status"]].label if row["status"] in STATUSES else row["status"],
                "note": _note(row, gap),
                "demo": "demo" in str(row.get("source") or ""),
                "own_figure": bool(row["own_figure"]),
                "attainment": row.get("attainment"),
                "gap_text": gap,
            }
        )
    extra = [c for c in (out[0] if out else {}) if c not in ROW_COLUMNS]
    return pd.DataFrame(out, columns=ROW_COLUMNS + extra)


def build(
    subject: Subject,
    period: str,
    card: pd.DataFrame,
    own: pd.DataFrame,
    roles: pd.DataFrame,
    missing: list[str],
    data_date: str,
    snapshot_id: str | None,
    include_demo: bool,
) -> Report:
    parse_period(period)  # a bad period fails here, with the Vietnamese message
    return Report(
        subject,
        period,
        rows_frame(card, own, roles),
        tuple(missing),
        data_date,
        snapshot_id,
        include_demo,
    )


def file_name(report: Report) -> str:
    """'bao-cao-cds-2025-q3-so-khoa-hoc-va-cong-nghe.docx': ASCII only, the period and the issuer."""
    return file_name_for(report.period, report.subject)


def file_name_for(period: str, subject: Subject) -> str:
    text = ascii_fold(f"{period} {subject.issuer}").lower()
    slug = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text)
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"bao-cao-cds-{slug.strip('-')[:70].strip('-')}.docx"
