"""What the CSV and the .xlsx readers share: the template's columns, the :class:`Upload` and
:class:`Problem` they return, the header mapping and the building of rows with their limits."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from vlboard.domain.textnorm import collapse, nfc

DATA_SHEET = "Số liệu"
META_SHEET = "_vlboard"  # hidden sheet: column A key, column B value, from row 1
TEMPLATE_VERSION = "1"
MAX_ROWS = 5000
MAX_CHARS = 2000  # longest accepted text in one cell
COLUMNS: list[tuple[str, str]] = [  # (key, header label shown in the template)
    ("indicator_code", "Mã chỉ tiêu"),
    ("indicator_name", "Tên chỉ tiêu"),
    ("unit_of_measure", "Đơn vị tính"),
    ("target", "Mục tiêu năm"),
    ("previous", "Kỳ trước"),
    ("value", "Giá trị"),
    ("numerator", "Tử số"),
    ("denominator", "Mẫu số"),
    ("note", "Ghi chú"),
    ("evidence_url", "Đường dẫn minh chứng"),
    # CSV only (an .xlsx template carries these in META_SHEET instead):
    ("period", "Kỳ báo cáo"),
    ("agency_code", "Mã cơ quan"),
    ("unit_code", "Mã phường/xã"),
    # commentary (giải trình, vlboard.domain.commentary): optional; the template puts them after
    # «Ghi chú» (template.TEMPLATE_KEYS), older templates and CSV files may lack them
    ("cause", "Nguyên nhân chưa đạt"),
    ("remedy", "Giải pháp khắc phục"),
    ("back_by", "Dự kiến đạt (dd/mm/yyyy)"),
]
REQUIRED_XLSX = ["indicator_code", "value", "numerator", "denominator", "note", "evidence_url"]
REQUIRED_CSV = ["indicator_code", "period", "value"]  # plus at least one of agency_code / unit_code

LABEL = dict(COLUMNS)
# C0/C1 controls except tab and newline, and the bidi embeddings/overrides/isolates.
CTRL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# texts kept as typed (NFC, trimmed): a control character in them is refused, not removed
# (vlboard.domain.commentary.text)
RAW_TEXT = ("cause", "remedy")


@dataclass(frozen=True)
class Problem:
    sheet: str | None  # None for file-level problems; "CSV" for a CSV file
    row: int | None  # spreadsheet row number as Excel shows it (CSV: header line = 1)
    column: str | None  # the header label, or a cell ref
    message: str

    def __str__(self) -> str:
        if self.sheet is None:
            return self.message
        where = "Tệp CSV" if self.sheet == "CSV" else f"Trang «{self.sheet}»"
        if self.row is not None:
            where += f", dòng {self.row}"
        if self.column:
            where += f", cột «{self.column}»"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Row:
    number: int  # spreadsheet row number
    values: dict[str, object]  # key of every recognised column → str (NFC) / int / float / datetime / bool / None


@dataclass(frozen=True)
class Upload:
    file_name: str
    kind: str  # "xlsx" | "csv"
    sha256: str  # of the raw bytes
    size: int
    sheet: str  # DATA_SHEET for xlsx, "CSV" for csv
    meta: dict[str, str]  # META_SHEET key → value, {} for CSV
    columns: list[str]  # recognised keys, in file order
    extra: list[str]  # header labels not recognised
    rows: list[Row]  # data rows, entirely blank rows skipped


def ods_message(name: str) -> str:
    """Why an OpenDocument spreadsheet is refused, and how to save it as .xlsx in LibreOffice Calc."""
    return (
        f"Tệp «{name}» là bảng tính OpenDocument (.ods); hệ thống chỉ nhận Excel (.xlsx) hoặc CSV. "
        "Cách lưu lại bằng LibreOffice Calc: 1) mở tệp; 2) nhấn Ctrl+Shift+S (lưu thành tệp khác); "
        "3) ở ô kiểu tệp chọn «Excel 2007-365 (.xlsx)», giữ nguyên tên, bấm nút lưu; "
        "4) khi được hỏi định dạng, chọn giữ định dạng Excel 2007-365; 5) tải tệp .xlsx vừa lưu lên"
    )


def header_labels(keys: list[str]) -> list[str]:
    """The template header labels of column ``keys`` (KeyError for an unknown key)."""
    return [LABEL[k] for k in keys]


def norm(label: object) -> str:
    return collapse(CTRL.sub("", str(label))).casefold()


BY_NAME = {norm(name): key for key, label in COLUMNS for name in (key, label)}


def file_problem(message: str) -> Problem:
    return Problem(None, None, None, message)


def vn(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def clean(v: object, key: str = "") -> object:
    """Strings: NFC, controls and bidi overrides removed (kept in RAW_TEXT columns, for the
    validation to refuse), stripped, "" → None; others unchanged."""
    if isinstance(v, str) and key in RAW_TEXT:
        return nfc(v).strip() or None
    if isinstance(v, str):
        return CTRL.sub("", nfc(v)).strip() or None
    return v


def header_map(cells: list[tuple[int, object]], sheet: str, row: int, required: list[str]):
    """Map column index → key for one header row; unknown labels go to ``extra``."""
    colmap: dict[int, str] = {}
    extra: list[str] = []
    problems: list[Problem] = []
    for c, v in cells:
        if v is None or not norm(v):
            continue
        key = BY_NAME.get(norm(v))
        if key is None:
            extra.append(collapse(CTRL.sub("", str(v))))
        elif key in colmap.values():
            problems.append(Problem(sheet, row, LABEL[key], f"cột «{LABEL[key]}» bị lặp lại trong dòng tiêu đề"))
        else:
            colmap[c] = key
    problems += [Problem(sheet, row, LABEL[k], f"thiếu cột «{LABEL[k]}»") for k in required if k not in colmap.values()]
    return colmap, extra, problems


def collect_rows(sheet: str, numbered, colmap: dict[int, str], problems: list[Problem]):
    """Build Rows from (row number, {column index: raw value}); None when there are too many rows."""
    rows: list[Row] = []
    for number, raw in numbered:
        values = {key: clean(raw.get(c), key) for c, key in colmap.items()}
        for key, v in values.items():
            if isinstance(v, str) and len(v) > MAX_CHARS:
                problems.append(Problem(sheet, number, LABEL[key], f"nội dung quá {MAX_CHARS} ký tự ({len(v)} ký tự)"))
        if any(v is not None for v in values.values()):
            rows.append(Row(number, values))
            if len(rows) > MAX_ROWS:
                limit = vn(MAX_ROWS)
                return None, [
                    file_problem(f"Tệp có hơn {limit} dòng số liệu (giới hạn {limit} dòng); hãy chia thành nhiều tệp")
                ]
    if not rows:
        return None, [file_problem("Tệp không có dòng số liệu nào (chỉ có dòng tiêu đề)")]
    return rows, problems
