"""Reading an .xlsx upload: the zip and cell-count guards (zip bomb, macros, DTDs, too many
cells) run before openpyxl parses anything; then the data sheet, its header, formulas' stored
results, merged cells, percent-formatted numbers and the hidden meta sheet."""

from __future__ import annotations

import io
import math
import re
import time
import warnings
import xml.parsers.expat
import zipfile
from decimal import Decimal

from vlboard.intake.upload import (
    BY_NAME,
    DATA_SHEET,
    LABEL,
    META_SHEET,
    REQUIRED_XLSX,
    Problem,
    clean,
    collect_rows,
    file_problem,
    header_map,
    norm,
    ods_message,
    vn,
)

MAX_UNZIPPED = 50 * 1024 * 1024  # zip bomb guard: total uncompressed size
MAX_RATIO = 100  # zip bomb guard: per entry compression ratio (entries > 1 MB uncompressed)
MAX_ENTRIES = 2000  # zip bomb guard: number of entries
MAX_CELLS = 300_000  # stored cells over all worksheets: openpyxl needs ~1 s and ~50 MB per 100 000
MAX_ELEMENTS = 3 * MAX_CELLS + 100_000  # all XML elements of the worksheets (a cell is <c>, <v>, maybe <f>)
MAX_SCAN_SECONDS = 5  # counting the cells (expat, no tree) of the largest accepted file takes ~0.3 s
_CHUNK = 64 * 1024
_BINARY_PARTS = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".bmp",
    ".tif",
    ".tiff",
    ".emf",
    ".wmf",
    ".svg",
    ".bin",
    ".wdp",
    ".xlsx",
    ".docx",
    ".pptx",
    ".ole",
    ".vml",
)  # may be binary or, for Excel's VML, not well-formed
HEADER_SCAN = 15  # the header row must be within the first rows of DATA_SHEET
_MB = 1024 * 1024
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def read_xlsx(data: bytes, name: str):
    broken = [file_problem(f"Tệp Excel «{name}» bị hỏng, không mở được; hãy mở bằng Excel, lưu lại rồi tải lên lại")]
    try:  # inspect the zip before any XML is parsed; zipfile never inflates past the declared sizes
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if (
                len(infos) > MAX_ENTRIES
                or sum(i.file_size for i in infos) > MAX_UNZIPPED
                or any(i.file_size > _MB and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
            ):
                return None, [
                    file_problem(
                        f"Tệp «{name}» có cấu trúc nén bất thường (quá lớn khi giải nén); "
                        "hệ thống từ chối vì lý do an toàn"
                    )
                ]
            names = {i.filename.lower(): i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                if "mimetype" in names and zf.read(names["mimetype"]).startswith(ODS_MIME):
                    return None, [file_problem(ods_message(name))]
                return None, [file_problem(f"Tệp «{name}» không phải Excel (.xlsx) hoặc CSV")]
            types = zf.read(names["[content_types].xml"]) if "[content_types].xml" in names else b""
            # every part, not only xl/worksheets/*.xml: a sheet can sit at any path its relationship names
            cells, strings, in_time = _count_cells(zf, infos, deadline=time.monotonic() + MAX_SCAN_SECONDS)
            if not in_time:
                return None, [
                    file_problem(
                        f"Tệp «{name}» cần quá {MAX_SCAN_SECONDS} giây chỉ để đếm các ô; hệ thống dừng "
                        "đọc để không làm chậm người dùng khác. Hãy chỉ giữ trang "
                        f"«{DATA_SHEET}» với các dòng số liệu"
                    )
                ]
            if cells > MAX_CELLS or strings > MAX_CELLS:
                return None, [
                    file_problem(
                        f"Tệp «{name}» có quá nhiều ô (hơn {vn(MAX_CELLS)} ô); hãy chỉ giữ trang "
                        f"«{DATA_SHEET}» với các dòng số liệu"
                    )
                ]
    except MemoryError:  # not a broken file: the reader's memory limit (read_upload_isolated)
        raise
    except Exception:  # BadZipFile, encrypted or unsupported entries, malformed XML, a DTD, …
        return None, broken
    if any(n.endswith("vbaproject.bin") for n in names) or b"macroenabled" in types.lower():
        return None, [
            file_problem(
                "Tệp có macro (VBA); hệ thống không nhận tệp có macro. "
                "Hãy lưu lại thành .xlsx (Excel Workbook) rồi tải lên lại"
            )
        ]
    from openpyxl import load_workbook  # heavy: imported only when an xlsx arrives

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    except MemoryError:
        raise
    except Exception:
        return None, broken
    sheets = {norm(ws.title): ws for ws in wb.worksheets}
    ws = sheets.get(norm(DATA_SHEET))
    if ws is None:
        found = ", ".join(f"«{t}»" for t in wb.sheetnames if norm(t) != norm(META_SHEET)) or "không có"
        return None, [
            file_problem(
                f"Tệp không có trang «{DATA_SHEET}» (các trang trong tệp: {found}); hãy dùng đúng mẫu tải từ hệ thống"
            )
        ]
    meta = _meta(sheets[norm(META_SHEET)]) if norm(META_SHEET) in sheets else {}
    grid: dict[int, dict[int, object]] = {}
    for (r, c), cell in ws._cells.items():  # stored cells only: iter_rows would create every blank cell
        grid.setdefault(r, {})[c] = cell
    head = next(
        (
            r
            for r in sorted(grid)
            if r <= HEADER_SCAN
            and any(
                BY_NAME.get(norm(x.value)) == "indicator_code" for x in grid[r].values() if isinstance(x.value, str)
            )
        ),
        None,
    )
    if head is None:
        return None, [
            Problem(
                DATA_SHEET, None, None, f"không tìm thấy dòng tiêu đề có cột «Mã chỉ tiêu» trong {HEADER_SCAN} dòng đầu"
            )
        ]
    colmap, extra, problems = header_map(
        [(c, x.value) for c, x in sorted(grid[head].items())], DATA_SHEET, head, REQUIRED_XLSX
    )
    label = {c: LABEL[k] for c, k in colmap.items()}
    formulas = [(r, c) for r in sorted(grid) for c, cell in sorted(grid[r].items()) if cell.data_type == "f"]
    cached = _cached_values(data, ws.title, formulas) if formulas else {}
    for r, c in formulas:  # Excel and LibreOffice store each formula's last result: use it
        if cached.get((r, c)) is None:
            problems.append(
                Problem(
                    DATA_SHEET,
                    r,
                    label.get(c),
                    (
                        f"ô {grid[r][c].coordinate} chứa công thức chưa có kết quả lưu sẵn; hãy mở tệp bằng Excel hoặc "
                        "LibreOffice, lưu lại rồi tải lên (hoặc chép ô rồi dán đặc biệt, chỉ dán giá trị)"
                    ),
                )
            )
    for rng in sorted(ws.merged_cells.ranges, key=lambda g: (g.min_row, g.min_col)):
        if rng.max_row >= head:
            problems.append(
                Problem(DATA_SHEET, rng.min_row, label.get(rng.min_col), f"ô gộp {rng.coord}; hãy bỏ gộp ô")
            )
    numbered = (
        (
            r,
            {
                c: _as_shown(cached.get((r, c)) if x.data_type == "f" else x.value, x.number_format)
                for c, x in grid[r].items()
            },
        )
        for r in sorted(grid)
        if r > head
    )
    rows, problems = collect_rows(DATA_SHEET, numbered, colmap, problems)
    return (None if rows is None else (meta, list(colmap.values()), extra, rows)), problems


_QUOTED = re.compile(r'"[^"]*"|\\.')


def _as_shown(value: object, number_format: str | None) -> object:
    """A number in a percent-formatted cell as the text the clerk sees: Excel turns a typed «62,5%»
    into 0.625 shown as 62,5%. Handing on 0.625 would store a percentage a hundred times too small
    without a word; as text «62,5%» (full precision, not the rounded display) it meets the number
    parser's rule for % (only in the value of a percent indicator, else refused)."""
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and number_format
        and "%" in _QUOTED.sub("", number_format)
        and math.isfinite(value)
    ):
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
        return "" if v is None else v.isoformat() if hasattr(v, "isoformat") else str(clean(str(v)) or "")

    cells = ws._cells
    keys = sorted((r, text(x.value)) for (r, c), x in cells.items() if c == 1)
    return {k: text(cells[(r, 2)].value if (r, 2) in cells else None) for r, k in keys if k}
