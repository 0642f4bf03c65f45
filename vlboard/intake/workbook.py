"""Read an uploaded results file (the .xlsx template or a CSV) into plain rows, safely.

Nothing here knows about indicators: :func:`read_upload` checks that the bytes are a sane
spreadsheet, finds the header and returns the rows, or problems in Vietnamese naming the sheet, the
row (as Excel shows it) and the column. Any problem means the upload must not be accepted.
File-level problems (size, format, macros, zip bomb, missing sheet or header, no or too many rows)
return no :class:`Upload`; cell-level ones (formulas without a stored result, merged cells, missing or repeated columns,
over-long text) still return it, so the validation can show every problem in one go.
The page and the CLI call :func:`read_upload_isolated`: the same reading in a child process with a
time and memory limit, so that no upload can slow down or starve the server's other visitors.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import re
import time
import warnings
import xml.parsers.expat
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from vlboard.intake import isolation
from vlboard.domain.textnorm import collapse, nfc

DATA_SHEET = "Số liệu"
META_SHEET = "_vlboard"  # hidden sheet: column A key, column B value, from row 1
TEMPLATE_VERSION = "1"
MAX_BYTES = 5 * 1024 * 1024  # default upload limit
MAX_UNZIPPED = 50 * 1024 * 1024  # zip bomb guard: total uncompressed size
MAX_RATIO = 100  # zip bomb guard: per entry compression ratio (entries > 1 MB uncompressed)
MAX_ENTRIES = 2000  # zip bomb guard: number of entries
MAX_CELLS = 300_000  # stored cells over all worksheets: openpyxl needs ~1 s and ~50 MB per 100 000
MAX_ELEMENTS = 3 * MAX_CELLS + 100_000  # all XML elements of the worksheets (a cell is <c>, <v>, maybe <f>)
MAX_SCAN_SECONDS = 5  # counting the cells (expat, no tree) of the largest accepted file takes ~0.3 s
_CHUNK = 64 * 1024
_BINARY_PARTS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".bin", ".wdp",
                 ".xlsx", ".docx", ".pptx", ".ole", ".vml")  # may be binary or, for Excel's VML, not well-formed
WORKER_SECONDS = 30  # wall clock (and CPU) of one upload's reading in its child process
WORKER_MB = 768  # resident memory the reading may add in that process (the largest xlsx read adds ~120 MB)
MAX_ROWS = 5000
MAX_CHARS = 2000  # longest accepted text in one cell
MAX_HEADER_CHARS = 4096  # a CSV header line (13 labels at most) is far shorter
MAX_STRUCTURE_PROBLEMS = 50  # CSV lines of the wrong shape listed before giving up
_DELIMITERS = (",", ";", "\t")
HEADER_SCAN = 15  # the header row must be within the first rows of DATA_SHEET
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
]
REQUIRED_XLSX = ["indicator_code", "value", "numerator", "denominator", "note", "evidence_url"]
REQUIRED_CSV = ["indicator_code", "period", "value"]  # plus at least one of agency_code / unit_code

_MB = 1024 * 1024
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_LABEL = dict(COLUMNS)
# C0/C1 controls except tab and newline, and the bidi embeddings/overrides/isolates.
_CTRL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


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
    return (f"Tệp «{name}» là bảng tính OpenDocument (.ods); hệ thống chỉ nhận Excel (.xlsx) hoặc CSV. "
            "Cách lưu lại bằng LibreOffice Calc: 1) mở tệp; 2) nhấn Ctrl+Shift+S (lưu thành tệp khác); "
            "3) ở ô kiểu tệp chọn «Excel 2007-365 (.xlsx)», giữ nguyên tên, bấm nút lưu; "
            "4) khi được hỏi định dạng, chọn giữ định dạng Excel 2007-365; 5) tải tệp .xlsx vừa lưu lên")


def header_labels(keys: list[str]) -> list[str]:
    """The template header labels of column ``keys`` (KeyError for an unknown key)."""
    return [_LABEL[k] for k in keys]


def _norm(label: object) -> str:
    return collapse(_CTRL.sub("", str(label))).casefold()


_BY_NAME = {_norm(name): key for key, label in COLUMNS for name in (key, label)}


def _file(message: str) -> Problem:
    return Problem(None, None, None, message)


def _mb(n: int, up: bool) -> str:
    x = (math.ceil if up else math.floor)(n / _MB * 10) / 10
    return f"{x:.1f}".removesuffix(".0").replace(".", ",")


def _num(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def _vn(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _clean(v: object) -> object:
    """Strings: NFC, controls and bidi overrides removed, stripped, "" → None; others unchanged."""
    if isinstance(v, str):
        return _CTRL.sub("", nfc(v)).strip() or None
    return v


def read_upload(file_name: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> tuple[Upload | None, list[Problem]]:
    """Read an uploaded .xlsx template or CSV; see the module docstring for what comes back."""
    name = file_name or "không tên"
    ext = file_name.lower().rpartition(".")[2] if "." in file_name else ""
    if not data:
        return None, [_file(f"Tệp «{name}» trống, không có dòng số liệu nào")]
    if len(data) > max_bytes:
        return None, [_file(f"Tệp {_mb(len(data), True)} MB vượt giới hạn {_mb(max_bytes, False)} MB")]
    if data.startswith(b"PK"):
        kind, (parsed, problems) = "xlsx", _read_xlsx(data, name)
    elif data.startswith(b"\xd0\xcf\x11\xe0") or ext == "xls":
        return None, [_file(f"Tệp «{name}» là Excel đời cũ (.xls) hoặc có đặt mật khẩu; hãy mở bằng Excel, "
                            "bỏ mật khẩu nếu có và lưu lại thành .xlsx (Excel Workbook)")]
    elif ext == "ods":
        return None, [_file(ods_message(name))]
    elif ext in ("xlsx", "xlsm") or data.startswith(_BINARY_MAGIC) or (
            b"\x00" in data and not data.startswith(_UTF16_BOMS)):
        return None, [_file(f"Tệp «{name}» không phải Excel (.xlsx) hoặc CSV")]
    else:
        kind, (parsed, problems) = "csv", _read_csv(data)
    if parsed is None:
        return None, problems
    meta, columns, extra, rows = parsed
    return Upload(file_name, kind, hashlib.sha256(data).hexdigest(), len(data),
                  DATA_SHEET if kind == "xlsx" else "CSV", meta, columns, extra, rows), problems


def read_upload_isolated(file_name: str, data: bytes, *, max_bytes: int = MAX_BYTES
                         ) -> tuple[Upload | None, list[Problem]]:
    """:func:`read_upload` in a child process (:mod:`vlboard.intake.isolation`) with a wall-clock limit
    (WORKER_SECONDS) and a memory limit (WORKER_MB): the page and the CLI read uploads this way,
    so that no file, however built, can hold the server's CPU (and with it every other visitor) or
    its memory. Over a limit: a Vietnamese refusal."""
    if not data or len(data) > max_bytes:  # answered at once, without a process
        return read_upload(file_name, data, max_bytes=max_bytes)
    status, answer = isolation.run("read", (file_name, data), {"max_bytes": max_bytes},
                                   seconds=WORKER_SECONDS, mb=WORKER_MB, label=file_name)
    return answer if status == "ok" else (None, [_file(refusal(status, file_name, "đọc"))])


def refusal(status: str, file_name: str, step: str) -> str:
    """The Vietnamese refusal of an isolated step (``step``: "đọc", "kiểm tra") that did not answer."""
    name = file_name or "không tên"
    fix = (f"Hãy chỉ giữ trang «{DATA_SHEET}» với các dòng số liệu rồi tải lên lại" if step == "đọc"
           else "Hãy chia tệp thành nhiều tệp nhỏ hơn rồi tải lên lại")
    if status == "busy":
        return "Hệ thống đang xử lý nhiều tệp khác cùng lúc; hãy tải tệp lên lại sau ít phút"
    if status == "timeout":
        return (f"Tệp «{name}» cần hơn {_num(WORKER_SECONDS)} giây để {step}; hệ thống dừng {step} để không làm "
                f"chậm người dùng khác. {fix}")
    if status == "memory":
        return (f"Tệp «{name}» cần quá nhiều bộ nhớ hoặc thời gian để {step} (giới hạn {WORKER_MB} MB, "
                f"{_num(WORKER_SECONDS)} giây); hệ thống từ chối để không ảnh hưởng người dùng khác. {fix}")
    return (f"Không {step} được tệp «{name}» do lỗi của hệ thống (đã ghi vào nhật ký máy chủ); "
            "chưa ghi gì. Hãy báo quản trị viên")


def _header(cells: list[tuple[int, object]], sheet: str, row: int, required: list[str]):
    """Map column index → key for one header row; unknown labels go to ``extra``."""
    colmap: dict[int, str] = {}
    extra: list[str] = []
    problems: list[Problem] = []
    for c, v in cells:
        if v is None or not _norm(v):
            continue
        key = _BY_NAME.get(_norm(v))
        if key is None:
            extra.append(collapse(_CTRL.sub("", str(v))))
        elif key in colmap.values():
            problems.append(Problem(sheet, row, _LABEL[key], f"cột «{_LABEL[key]}» bị lặp lại trong dòng tiêu đề"))
        else:
            colmap[c] = key
    problems += [Problem(sheet, row, _LABEL[k], f"thiếu cột «{_LABEL[k]}»") for k in required if k not in colmap.values()]
    return colmap, extra, problems


def _collect(sheet: str, numbered, colmap: dict[int, str], problems: list[Problem]):
    """Build Rows from (row number, {column index: raw value}); None when there are too many rows."""
    rows: list[Row] = []
    for number, raw in numbered:
        values = {key: _clean(raw.get(c)) for c, key in colmap.items()}
        for key, v in values.items():
            if isinstance(v, str) and len(v) > MAX_CHARS:
                problems.append(Problem(sheet, number, _LABEL[key], f"nội dung quá {MAX_CHARS} ký tự ({len(v)} ký tự)"))
        if any(v is not None for v in values.values()):
            rows.append(Row(number, values))
            if len(rows) > MAX_ROWS:
                limit = _vn(MAX_ROWS)
                return None, [_file(f"Tệp có hơn {limit} dòng số liệu (giới hạn {limit} dòng); hãy chia thành nhiều tệp")]
    if not rows:
        return None, [_file("Tệp không có dòng số liệu nào (chỉ có dòng tiêu đề)")]
    return rows, problems


def _read_xlsx(data: bytes, name: str):
    broken = [_file(f"Tệp Excel «{name}» bị hỏng, không mở được; hãy mở bằng Excel, lưu lại rồi tải lên lại")]
    try:  # inspect the zip before any XML is parsed; zipfile never inflates past the declared sizes
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if (len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNZIPPED
                    or any(i.file_size > _MB and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)):
                return None, [_file(f"Tệp «{name}» có cấu trúc nén bất thường (quá lớn khi giải nén); "
                                    "hệ thống từ chối vì lý do an toàn")]
            names = {i.filename.lower(): i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                if "mimetype" in names and zf.read(names["mimetype"]).startswith(ODS_MIME):
                    return None, [_file(ods_message(name))]
                return None, [_file(f"Tệp «{name}» không phải Excel (.xlsx) hoặc CSV")]
            types = zf.read(names["[content_types].xml"]) if "[content_types].xml" in names else b""
            # every part, not only xl/worksheets/*.xml: a sheet can sit at any path its relationship names
            cells, strings, in_time = _count_cells(zf, infos, deadline=time.monotonic() + MAX_SCAN_SECONDS)
            if not in_time:
                return None, [_file(f"Tệp «{name}» cần quá {MAX_SCAN_SECONDS} giây chỉ để đếm các ô; hệ thống dừng "
                                    "đọc để không làm chậm người dùng khác. Hãy chỉ giữ trang "
                                    f"«{DATA_SHEET}» với các dòng số liệu")]
            if cells > MAX_CELLS or strings > MAX_CELLS:
                return None, [_file(f"Tệp «{name}» có quá nhiều ô (hơn {_vn(MAX_CELLS)} ô); hãy chỉ giữ trang "
                                    f"«{DATA_SHEET}» với các dòng số liệu")]
    except MemoryError:  # not a broken file: the reader's memory limit (read_upload_isolated)
        raise
    except Exception:  # BadZipFile, encrypted or unsupported entries, malformed XML, a DTD, …
        return None, broken
    if any(n.endswith("vbaproject.bin") for n in names) or b"macroenabled" in types.lower():
        return None, [_file("Tệp có macro (VBA); hệ thống không nhận tệp có macro. "
                            "Hãy lưu lại thành .xlsx (Excel Workbook) rồi tải lên lại")]
    from openpyxl import load_workbook  # heavy: imported only when an xlsx arrives

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    except MemoryError:
        raise
    except Exception:
        return None, broken
    sheets = {_norm(ws.title): ws for ws in wb.worksheets}
    ws = sheets.get(_norm(DATA_SHEET))
    if ws is None:
        found = ", ".join(f"«{t}»" for t in wb.sheetnames if _norm(t) != _norm(META_SHEET)) or "không có"
        return None, [_file(f"Tệp không có trang «{DATA_SHEET}» (các trang trong tệp: {found}); "
                            "hãy dùng đúng mẫu tải từ hệ thống")]
    meta = _meta(sheets[_norm(META_SHEET)]) if _norm(META_SHEET) in sheets else {}
    grid: dict[int, dict[int, object]] = {}
    for (r, c), cell in ws._cells.items():  # stored cells only: iter_rows would create every blank cell
        grid.setdefault(r, {})[c] = cell
    head = next((r for r in sorted(grid) if r <= HEADER_SCAN
                 and any(_BY_NAME.get(_norm(x.value)) == "indicator_code" for x in grid[r].values()
                         if isinstance(x.value, str))), None)
    if head is None:
        return None, [Problem(DATA_SHEET, None, None, f"không tìm thấy dòng tiêu đề có cột «Mã chỉ tiêu» "
                                                      f"trong {HEADER_SCAN} dòng đầu")]
    colmap, extra, problems = _header([(c, x.value) for c, x in sorted(grid[head].items())], DATA_SHEET, head,
                                      REQUIRED_XLSX)
    label = {c: _LABEL[k] for c, k in colmap.items()}
    formulas = [(r, c) for r in sorted(grid) for c, cell in sorted(grid[r].items()) if cell.data_type == "f"]
    cached = _cached_values(data, ws.title, formulas) if formulas else {}
    for r, c in formulas:  # Excel and LibreOffice store each formula's last result: use it
        if cached.get((r, c)) is None:
            problems.append(Problem(DATA_SHEET, r, label.get(c), (
                f"ô {grid[r][c].coordinate} chứa công thức chưa có kết quả lưu sẵn; hãy mở tệp bằng Excel hoặc "
                "LibreOffice, lưu lại rồi tải lên (hoặc chép ô rồi dán đặc biệt, chỉ dán giá trị)")))
    for rng in sorted(ws.merged_cells.ranges, key=lambda g: (g.min_row, g.min_col)):
        if rng.max_row >= head:
            problems.append(Problem(DATA_SHEET, rng.min_row, label.get(rng.min_col),
                                    f"ô gộp {rng.coord}; hãy bỏ gộp ô"))
    numbered = ((r, {c: _as_shown(cached.get((r, c)) if x.data_type == "f" else x.value, x.number_format)
                     for c, x in grid[r].items()})
                for r in sorted(grid) if r > head)
    rows, problems = _collect(DATA_SHEET, numbered, colmap, problems)
    return (None if rows is None else (meta, list(colmap.values()), extra, rows)), problems


_QUOTED = re.compile(r'"[^"]*"|\\.')


def _as_shown(value: object, number_format: str | None) -> object:
    """A number in a percent-formatted cell as the text the clerk sees: Excel turns a typed «62,5%»
    into 0.625 shown as 62,5%. Handing on 0.625 would store a percentage a hundred times too small
    without a word; as text «62,5%» (full precision, not the rounded display) it meets the number
    parser's rule for % (only in the value of a percent indicator, else refused)."""
    if (isinstance(value, (int, float)) and not isinstance(value, bool) and number_format
            and "%" in _QUOTED.sub("", number_format) and math.isfinite(value)):
        shown = format((Decimal(repr(value)) * 100).normalize(), "f")
        return shown.replace(".", ",") + "%"
    return value


def _cached_values(data: bytes, title: str, cells: list[tuple[int, int]]) -> dict[tuple[int, int], object]:
    """The stored results of formula cells (openpyxl ``data_only``); None where the file has none
    (a workbook written by a program that does not calculate)."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = load_workbook(io.BytesIO(data), data_only=True, keep_links=False)[title]
    stored = ws._cells
    return {rc: (stored[rc].value if rc in stored else None) for rc in cells}


class _TooBig(Exception):
    """A worksheet holds more than the budget allows (raised from the expat handler)."""


def _count_cells(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], *, deadline: float) -> tuple[int, int, bool]:
    """Parse every part with expat, streaming (no tree is built) and count the cell elements (``<c …>``
    however written: any spacing, line breaks or namespace prefix), the shared strings and all
    elements. Stops as soon as a budget is passed or the deadline is reached. A part that is not XML
    is skipped only when its name says it is binary (images, printer settings, embeddings); any other
    parse error raises, and so does a DTD (entities): no xlsx needs one.
    Returns (cells, strings, within_time)."""
    cells = strings = elements = 0

    def start(name: str, _attrs) -> None:
        nonlocal cells, strings, elements
        local = name.rpartition(" ")[2]
        elements += 1
        if local == "c":
            cells += 1
        elif local == "si":
            strings += 1
        if cells > MAX_CELLS or strings > MAX_CELLS or elements > MAX_ELEMENTS:
            raise _TooBig

    def doctype(*_args) -> None:
        raise ValueError("DTD")

    for info in infos:
        parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = start
        parser.StartDoctypeDeclHandler = doctype
        parser.EntityDeclHandler = doctype
        try:
            with zf.open(info) as f:
                while chunk := f.read(_CHUNK):
                    parser.Parse(chunk, False)
                    if time.monotonic() > deadline:
                        return cells, strings, False
                parser.Parse(b"", True)
        except xml.parsers.expat.ExpatError:
            if not info.filename.lower().endswith(_BINARY_PARTS):
                raise
        except _TooBig:
            return (MAX_CELLS + 1 if elements > MAX_ELEMENTS else cells), strings, True
    return cells, strings, True


def _meta(ws) -> dict[str, str]:
    """Column A key → column B value of the hidden META_SHEET, as NFC text."""
    def text(v: object) -> str:
        return "" if v is None else v.isoformat() if hasattr(v, "isoformat") else str(_clean(str(v)) or "")

    cells = ws._cells
    keys = sorted((r, text(x.value)) for (r, c), x in cells.items() if c == 1)
    return {k: text(cells[(r, 2)].value if (r, 2) in cells else None) for r, k in keys if k}


_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _decode(data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-16 (BOM) or UTF-8 for the whole file; else per line UTF-8, falling back to Windows-1258
    for a line with no UTF-8 sequence at all. A line that is partly UTF-8 and partly not (a damaged
    UTF-8 file) is refused with its number: decoding it as Windows-1258 would store garbled text."""
    try:
        if data.startswith(_UTF16_BOMS):
            return nfc(data.decode("utf-16")), []
        return nfc(data.decode("utf-8-sig")), []
    except UnicodeDecodeError as exc:
        if data.startswith(_UTF16_BOMS):
            line = data[:exc.start].decode("utf-16", errors="replace").count("\n") + 1
            return None, [Problem("CSV", line, None, "không đọc được mã hoá UTF-16 (tệp bị hỏng từ dòng này); "
                                                     "hãy lưu lại tệp với mã hoá UTF-8")]
    lines = []
    for i, raw in enumerate(data.removeprefix(codecs.BOM_UTF8).split(b"\n"), 1):
        try:
            lines.append(raw.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        if _UTF8_SEQ.search(raw):
            return None, [Problem("CSV", i, None, "mã hoá ký tự bị hỏng: dòng có chỗ là UTF-8, có chỗ không; "
                                                  "hãy mở tệp và lưu lại với mã hoá UTF-8")]
        try:
            lines.append(raw.decode("cp1258"))  # tone marks come as combining characters: NFC below
        except UnicodeDecodeError:
            return None, [Problem("CSV", i, None, "không đọc được mã hoá ký tự (cần UTF-8 hoặc Windows-1258)")]
    return nfc("\n".join(lines)), []


def _delimiter(text: str) -> str | None:
    """The header line's delimiter among comma, semicolon and tab: the one found most often outside
    quotes (ties: that order), a comma when there is none. One linear pass over at most
    MAX_HEADER_CHARS characters (no sniffing, no backtracking); None when the header line is longer."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for i, ch in enumerate(text):
        if i >= MAX_HEADER_CHARS:
            return None
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            if ch in counts:
                counts[ch] += 1
            elif ch in "\r\n":
                break
    best = max(_DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equal counts
    return best if counts[best] else ","


def _records(text: str, delimiter: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """(line number, fields) of every line, strictly: a quote never closed, a quote opened on one
    line and closed on another (the lines between would become one cell), a malformed quoted cell
    or a line with more or fewer cells than the header are problems naming the line; nothing is
    repaired. Blank lines are kept out."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    out: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    width = None
    start = 1
    while len(problems) < MAX_STRUCTURE_PROBLEMS:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "unexpected end of data" in str(exc) or reader.line_num > start and "field larger" not in str(exc):
                problems.append(Problem("CSV", start, None, 'có dấu ngoặc kép (") mở ở dòng này mà không được đóng; '
                                                            "mọi dòng sau bị gộp vào một ô. Hãy đóng dấu ngoặc kép"))
            elif "field larger" in str(exc):
                problems.append(Problem("CSV", start, None, f"có ô quá dài (hơn {_vn(csv.field_size_limit())} ký tự), "
                                                            'thường do dấu ngoặc kép (") mở ở dòng này mà không '
                                                            "được đóng; hãy đóng dấu ngoặc kép"))
            else:
                problems.append(Problem("CSV", start, None, 'sai dấu ngoặc kép ("): trong ô đặt trong ngoặc kép, '
                                                            'dấu ngoặc kép bên trong phải viết đôi ("") và ô phải kết '
                                                            "thúc ngay sau dấu ngoặc kép đóng"))
            break
        end = reader.line_num
        if end > start and rec:
            problems.append(Problem("CSV", start, None, f'dấu ngoặc kép (") mở ở dòng {start} đến dòng {end} mới '
                                                        "đóng, nên các dòng giữa bị gộp vào một ô; hãy đóng dấu ngoặc "
                                                        "kép trên cùng dòng (ô nhiều dòng hãy dùng mẫu Excel)"))
        elif width is None:
            width = len(rec)
            out.append((start, rec))
        elif rec and any(f.strip() for f in rec):
            if len(rec) != width:
                hint = (' Số thập phân có dấu phẩy phải đặt trong ngoặc kép (ví dụ "77,5") hoặc dùng dấu chấm phẩy '
                        "(;) để phân cách cột" if len(rec) > width and delimiter == "," else "")
                problems.append(Problem("CSV", start, None,
                                        f"dòng có {len(rec)} ô nhưng dòng tiêu đề có {width} ô; "
                                        f"không đoán ô nào thừa hay thiếu.{hint}"))
            else:
                out.append((start, rec))
        start = end + 1
    return out, problems


def _read_csv(data: bytes):
    text, problems = _decode(data)
    if text is None:
        return None, problems
    delimiter = _delimiter(text)
    if delimiter is None:
        return None, [Problem("CSV", 1, None, f"dòng tiêu đề dài quá {_vn(MAX_HEADER_CHARS)} ký tự; "
                                              "không phải dòng tiêu đề của mẫu")]
    records, problems = _records(text, delimiter)
    if problems:
        return None, problems
    header = records[0][1] if records else []
    if not any(_BY_NAME.get(_norm(v)) == "indicator_code" for v in header):
        return None, [Problem("CSV", 1, None, "không phải dòng tiêu đề: cần có cột «Mã chỉ tiêu»")]
    colmap, extra, problems = _header(list(enumerate(header)), "CSV", 1, REQUIRED_CSV)
    if not {"agency_code", "unit_code"} & set(colmap.values()):
        problems.append(Problem("CSV", 1, None, f"thiếu cột «{_LABEL['agency_code']}» hoặc «{_LABEL['unit_code']}»"))
    if delimiter == ",":
        problems += _split_decimals(records[1:], colmap)
    numbered = ((n, dict(enumerate(rec))) for n, rec in records[1:])
    rows, problems = _collect("CSV", numbered, colmap, problems)
    return (None if rows is None else ({}, list(colmap.values()), extra, rows)), problems


_NUMBER_KEYS = ("value", "numerator", "denominator", "target", "previous")
_TEXT_KEYS = ("note", "evidence_url", "indicator_name", "unit_of_measure")
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def _split_decimals(records: list[tuple[int, list[str]]], colmap: dict[int, str]) -> list[Problem]:
    """In a comma-separated file an unquoted Vietnamese decimal (``77,5``) becomes two cells; when
    the header has a text column right after the number column, the count of cells still matches.
    A number cell followed by a text cell holding only digits is therefore refused, not guessed."""
    out = []
    pairs = [(c, colmap[c], colmap[c + 1]) for c in colmap if colmap[c] in _NUMBER_KEYS
             and colmap.get(c + 1) in _TEXT_KEYS]
    for line, rec in records:
        for c, key, nxt in pairs:
            a, b = rec[c].strip(), rec[c + 1].strip()
            if _DIGITS.fullmatch(a.lstrip("-")) and _DIGITS.fullmatch(b):
                out.append(Problem("CSV", line, _LABEL[key], (
                    f"«{a}» rồi «{b}» ở cột «{_LABEL[nxt]}»: có thể là số thập phân {a},{b} bị dấu phẩy tách làm "
                    f'hai ô; hãy đặt số trong ngoặc kép ("{a},{b}") hoặc dùng dấu chấm phẩy (;) để phân cách cột')))
    return out
