"""Hostile and careless uploads, by class: numbers, CSV structure, encodings, xlsx structure and size.

Every case goes through the import path of the page and the CLI (``imports.preview``, which reads
the file in its bounded child process, then ``imports.commit``) against one live snapshot, and must
be refused with its exact Vietnamese message (sheet, row, column), ``commit`` must refuse the
preview, and the live snapshot must stay byte-identical. The outcome of every case (refused
correctly / accepted wrongly / crashed) is counted and written to
``artifacts/hostile-input-results.json``; SECURITY.md's results section quotes those counts.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import zipfile
from collections import Counter, defaultdict

import pytest
from openpyxl import load_workbook

from tests.support.fixtures import data_dir_with
from tests.support.intake import ADMIN, fingerprint, intake_tables, make_template, run
from tests.support.served import ARTIFACTS
from vlboard.domain import numbers
from vlboard.intake import csvfile, imports, isolation, template, workbook, xlsxfile

OUTCOMES: dict[str, Counter] = defaultdict(Counter)
VAL, NUM, DEN = "Giá trị", "Tử số", "Mẫu số"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return data_dir_with(tmp_path_factory.mktemp("hostile") / "data", intake_tables(), "intake")


@pytest.fixture(scope="module")
def blank_template(data):
    return make_template(data)


@pytest.fixture(scope="module", autouse=True)
def results_file():
    yield
    if OUTCOMES:
        ARTIFACTS.mkdir(exist_ok=True)
        keys = ("refused_correctly", "refused_with_another_message", "accepted_wrongly", "crashed")
        summary = {cls: {"tried": sum(c.values()), **{k: c[k] for k in keys}} for cls, c in sorted(OUTCOMES.items())}
        (ARTIFACTS / "hostile-input-results.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))


def attempt(cls: str, d, content: bytes, name: str, expected: list[str]) -> None:
    """Preview ``content``: it must be refused with exactly ``expected`` (str of each problem),
    commit must refuse it, the live snapshot must not change. The outcome is counted per class."""
    before = fingerprint(d)
    try:
        pv = run(d, content, name=name)
    except Exception:
        OUTCOMES[cls]["crashed"] += 1
        raise
    got = [str(p) for p in pv.problems]
    if not got:
        OUTCOMES[cls]["accepted_wrongly"] += 1
    elif got != expected:
        OUTCOMES[cls]["refused_with_another_message"] += 1
    else:
        OUTCOMES[cls]["refused_correctly"] += 1
    assert got == expected
    with pytest.raises(imports.ImportRefused):
        imports.commit(d, ADMIN, pv)
    assert fingerprint(d) == before, "the live snapshot must stay byte-identical"


# ---------------------------------------------------------------------------------------- numbers

NOT_FINITE = "không phải là số hữu hạn (không nhận vô cực hay NaN)"
EXPONENT = "không nhận số viết dạng lũy thừa (e/E); hãy viết đủ chữ số, ví dụ 1.500.000"
UNDERSCORE = "không nhận dấu gạch dưới trong số; viết kiểu Việt Nam, ví dụ 1.234,5"
DIGITS = "chỉ nhận chữ số 0–9 (không nhận chữ số toàn khổ, chữ số Ả Rập hay chữ số khác)"
DOTS = (
    "dấu chấm là dấu phân cách hàng nghìn và phải đứng trước đúng 3 chữ số (ví dụ 1.234.567); "
    "số thập phân dùng dấu phẩy (ví dụ 1234,5)"
)
COMMAS = "có nhiều hơn một dấu phẩy thập phân; viết kiểu Việt Nam, ví dụ 1.234,5"
COMMA_PLACE = "dấu phẩy thập phân đặt sai chỗ; viết kiểu Việt Nam, ví dụ 1.234,5"
SPACE = "có khoảng trắng bên trong số; hãy viết liền, hàng nghìn cách bằng dấu chấm (1.234)"
SIGN = "chỉ nhận dấu trừ «-» trước số âm; số dương viết không có dấu"
JUNK = "không phải là số (viết kiểu Việt Nam, ví dụ 1.234,5)"
BIG = "số quá lớn (giới hạn 1.000.000.000.000.000)"
PERCENT = "dấu % chỉ dùng ở cột «Giá trị» của chỉ tiêu tỷ lệ (%); ở đây hãy ghi số không có %"
LONG = "quá dài để là một con số (hơn 40 ký tự)"

# text typed into a number cell → the reason; every one is tried in a CSV field and in an xlsx cell
BAD_TEXT = {
    "Infinity": NOT_FINITE,
    "-Infinity": NOT_FINITE,
    "inf": NOT_FINITE,
    "+inf": NOT_FINITE,
    "∞": NOT_FINITE,
    "NaN": NOT_FINITE,
    "-nan": NOT_FINITE,
    "sNaN": NOT_FINITE,
    "1e400": EXPONENT,
    "1E5": EXPONENT,
    "2,5e3": EXPONENT,
    "-1e-400": EXPONENT,
    "1_000": UNDERSCORE,
    "1__0": UNDERSCORE,
    "٣": DIGITS,
    "١٢": DIGITS,
    "３": DIGITS,
    "१२": DIGITS,
    "12٣": DIGITS,
    "1234.5": DOTS,
    "1.5": DOTS,
    "1.2345": DOTS,
    "12.34.567": DOTS,
    ".5": DOTS,
    "1.": DOTS,
    "1,2,3": COMMAS,
    ",5": COMMA_PLACE,
    "5,": COMMA_PLACE,
    "1,5.000": COMMA_PLACE,
    "1 234": SPACE,
    "1\u00a0234": SPACE,
    "+5": SIGN,
    "−5": SIGN,
    "khoảng 60": JUNK,
    "60 người": JUNK,
    "~60": JUNK,
    "0x1F": JUNK,
    "60-": JUNK,
    "--5": JUNK,
    "5#": JUNK,
    "1.000.000.000.000.001": BIG,
    "9" * 40: BIG,
    "1" * 41: LONG,
    "12%": PERCENT,  # a count indicator: a per-cent sign would change what the figure means
}
# (indicator, column) where the text goes; C-03 is a count, C-01 a percentage
PLACES = [("C-03", "value", VAL), ("C-01", "numerator", NUM), ("C-01", "denominator", DEN)]
CSV_HEAD = "Mã chỉ tiêu;Kỳ báo cáo;Mã phường/xã;Giá trị;Tử số;Mẫu số;Ghi chú\n"
XLSX_ROW = {"C-01": 6, "C-03": 7}
COL = {k: i for i, k in enumerate(template.TEMPLATE_KEYS, start=1)}


def csv_row(code: str, key: str, text: str) -> str:
    cells = {"value": "", "numerator": "", "denominator": ""}
    cells[key] = text
    if code == "C-01" and key == "numerator":
        cells["denominator"] = "10"
    if code == "C-01" and key == "denominator":
        cells["numerator"] = "1"
    return f"{code};2025-Q3;w1;{cells['value']};{cells['numerator']};{cells['denominator']};\n"


def xlsx_with(blank: bytes, cells: dict[tuple[str, str], object]) -> bytes:
    wb = load_workbook(io.BytesIO(blank))
    ws = wb[workbook.DATA_SHEET]
    for (code, key), v in cells.items():
        ws.cell(XLSX_ROW[code], COL[key], v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


NUMBER_CASES = [(text, place) for i, text in enumerate(BAD_TEXT) for place in [PLACES[i % len(PLACES)]]]


@pytest.mark.parametrize("text,place", NUMBER_CASES, ids=[f"{t[:12]!r}-{p[1]}" for t, p in NUMBER_CASES])
def test_refused_number_text_in_a_csv_field(data, text, place):
    code, key, label = place
    why = PERCENT if text == "12%" and key != "value" else BAD_TEXT[text]
    content = (CSV_HEAD + csv_row(code, key, text)).encode()
    attempt("numbers", data, content, "bao-cao.csv", [f"Tệp CSV, dòng 2, cột «{label}»: «{text}»: {why}"])


@pytest.mark.parametrize("text,place", NUMBER_CASES, ids=[f"{t[:12]!r}-{p[1]}" for t, p in NUMBER_CASES])
def test_refused_number_text_in_an_xlsx_cell(data, blank_template, text, place):
    code, key, label = place
    why = PERCENT if text == "12%" and key != "value" else BAD_TEXT[text]
    cells = {(code, key): text}
    if code == "C-01":
        cells[(code, "denominator" if key == "numerator" else "numerator")] = 10 if key == "numerator" else 1
    attempt(
        "numbers",
        data,
        xlsx_with(blank_template, cells),
        "bao-cao.xlsx",
        [f"Trang «Số liệu», dòng {XLSX_ROW[code]}, cột «{label}»: «{text}»: {why}"],
    )


# Excel cells that are not text: a real number is fine when finite and within the limit
BAD_CELLS = {
    "true": (True, "«True»: là giá trị đúng/sai (TRUE/FALSE), không phải là số"),
    "date": (dt.datetime(2025, 9, 30), "«2025-09-30 00:00:00»: là ngày tháng hoặc thời gian, không phải là số"),
    "1e300": (1e300, f"«1e+300»: {BIG}"),
    "10**20": (10**20, f"«1e+20»: {BIG}"),  # openpyxl stores it as a float
}


@pytest.mark.parametrize("case", list(BAD_CELLS))
def test_refused_excel_cells_that_are_not_plain_numbers(data, blank_template, case):
    value, message = BAD_CELLS[case]
    attempt(
        "numbers",
        data,
        xlsx_with(blank_template, {("C-03", "value"): value}),
        "bao-cao.xlsx",
        [f"Trang «Số liệu», dòng 7, cột «Giá trị»: {message}"],
    )


def _percent_formatted(blank: bytes, code: str, key: str, value: float) -> bytes:
    wb = load_workbook(io.BytesIO(blank))
    cell = wb[workbook.DATA_SHEET].cell(XLSX_ROW[code], COL[key], value)
    cell.number_format = "0.0%"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("code,key,label", [("C-03", "value", VAL), ("C-01", "denominator", DEN)])
def test_percent_formatted_cells_outside_a_percentage_are_refused(data, blank_template, code, key, label):
    """Excel turns a typed «62,5%» into 0.625 shown as 62,5%: never stored as 0.625 without a word."""
    content = _percent_formatted(blank_template, code, key, 0.625)
    if code == "C-01":
        content = xlsx_with(content, {("C-01", "numerator"): 1})
    attempt(
        "numbers",
        data,
        content,
        "bao-cao.xlsx",
        [f"Trang «Số liệu», dòng {XLSX_ROW[code]}, cột «{label}»: «62,5%»: {PERCENT}"],
    )


def test_a_percent_formatted_value_of_a_percentage_is_read_as_shown(data, blank_template):
    pv = run(data, _percent_formatted(blank_template, "C-01", "value", 0.625))
    assert pv.problems == [] and list(pv.rows.value) == [62.5]


def test_an_infinite_excel_cell_is_refused(data, blank_template):
    """<v>1E999</v> in a numeric cell: openpyxl reads +inf (the figure that once made a roll-up ∞)."""
    content = xlsx_with(blank_template, {("C-03", "value"): 424242})
    content = rezip(content, {"xl/worksheets/sheet1.xml": lambda b: b.replace(b"<v>424242</v>", b"<v>1E999</v>")})
    attempt("numbers", data, content, "bao-cao.xlsx", [f"Trang «Số liệu», dòng 7, cột «Giá trị»: «inf»: {NOT_FINITE}"])


GOOD = [
    ("C-03", "1.234,5", 1234.5),
    ("C-03", "1234", 1234.0),
    ("C-03", "0,25", 0.25),
    ("C-03", " 7 ", 7.0),
    ("C-03", "1.234.567", 1234567.0),
    ("C-01", "62,5%", 62.5),
    ("C-01", "62,5 %", 62.5),
    ("C-01", "100", 100.0),
]


@pytest.mark.parametrize("code,text,expected", GOOD)
def test_vietnamese_numbers_are_read_exactly(data, code, text, expected):
    pv = run(data, (CSV_HEAD + f"{code};2025-Q3;w1;{text};;;\n").encode(), name="bao-cao.csv")
    assert pv.problems == [] and list(pv.rows.value) == [expected]


def test_excel_numeric_cells_are_taken_as_they_are(data, blank_template):
    pv = run(data, xlsx_with(blank_template, {("C-03", "value"): 1234.5, ("C-01", "value"): 62.5}))
    assert pv.problems == [] and sorted(pv.rows.value) == [62.5, 1234.5]


def test_every_number_path_uses_the_one_parser():
    """validate.number is numbers.parse: the same answer for every refused text."""
    from vlboard.intake import validate

    for text, why in BAD_TEXT.items():
        with pytest.raises(numbers.NotANumber) as exc:
            validate.number(text, percent=False)
        assert exc.value.reason == why


# ----------------------------------------------------------------------------------- CSV structure

H4 = "Mã chỉ tiêu,Kỳ báo cáo,Mã phường/xã,Giá trị\n"
H5 = "Mã chỉ tiêu,Kỳ báo cáo,Mã phường/xã,Giá trị,Ghi chú\n"
EXTRA = (
    "dòng có 5 ô nhưng dòng tiêu đề có 4 ô; không đoán ô nào thừa hay thiếu. Số thập phân có dấu phẩy phải "
    'đặt trong ngoặc kép (ví dụ "77,5") hoặc dùng dấu chấm phẩy (;) để phân cách cột'
)
UNCLOSED = (
    'có dấu ngoặc kép (") mở ở dòng này mà không được đóng; mọi dòng sau bị gộp vào một ô. Hãy đóng dấu ngoặc kép'
)
BADQUOTE = (
    'sai dấu ngoặc kép ("): trong ô đặt trong ngoặc kép, dấu ngoặc kép bên trong phải viết đôi ("") và ô '
    "phải kết thúc ngay sau dấu ngoặc kép đóng"
)


def _span(a: int, b: int) -> str:
    return (
        f'dấu ngoặc kép (") mở ở dòng {a} đến dòng {b} mới đóng, nên các dòng giữa bị gộp vào một ô; hãy đóng '
        "dấu ngoặc kép trên cùng dòng (ô nhiều dòng hãy dùng mẫu Excel)"
    )


CSV_CASES = {
    "unquoted decimal, one field too many": (H4 + "C-03,2025-Q3,w1,77,5\n", [f"Tệp CSV, dòng 2: {EXTRA}"]),
    "unquoted decimal before a note": (
        H5 + "C-03,2025-Q3,w1,77,5\n",
        [
            "Tệp CSV, dòng 2, cột «Giá trị»: «77» rồi «5» ở cột «Ghi chú»: có thể là số thập phân 77,5 bị dấu phẩy tách "
            'làm hai ô; hãy đặt số trong ngoặc kép ("77,5") hoặc dùng dấu chấm phẩy (;) để phân cách cột'
        ],
    ),
    "one field too few": (
        H5 + "C-03,2025-Q3,w1,7\n",
        ["Tệp CSV, dòng 2: dòng có 4 ô nhưng dòng tiêu đề có 5 ô; không đoán ô nào thừa hay thiếu."],
    ),
    "fields too many on two lines": (
        H4 + "C-03,2025-Q3,w1,7\nC-01,2025-Q3,w1,6,0\nC-03,2025-Q3,w1,1,2,3\n",
        [f"Tệp CSV, dòng 3: {EXTRA}", f"Tệp CSV, dòng 4: {EXTRA.replace('5 ô', '6 ô', 1)}"],
    ),
    "quote never closed swallows the rest": (
        H5 + 'C-03,2025-Q3,w1,7,"ghi chú\nC-01,2025-Q3,w1,60,x\nC-01,2025-Q3,w1,61,y\n',
        [f"Tệp CSV, dòng 2: {UNCLOSED}"],
    ),
    "quote closed lines later": (
        H5 + 'C-03,2025-Q3,w1,7,"ghi chú\nC-01,2025-Q3,w1,60,x"\n',
        [f"Tệp CSV, dòng 2: {_span(2, 3)}"],
    ),
    "text after a closing quote": (H5 + 'C-03,2025-Q3,w1,7,"ghi" chú\n', [f"Tệp CSV, dòng 2: {BADQUOTE}"]),
    "semicolon file with a stray field": (
        H4.replace(",", ";") + "C-03;2025-Q3;w1;7;8\n",
        ["Tệp CSV, dòng 2: dòng có 5 ô nhưng dòng tiêu đề có 4 ô; không đoán ô nào thừa hay thiếu."],
    ),
    "backtracking bait header 64 KB": (
        ',"' * 32_768 + "\nC-03,2025-Q3,w1,7\n",
        ["Tệp CSV, dòng 1: dòng tiêu đề dài quá 4.096 ký tự; không phải dòng tiêu đề của mẫu"],
    ),
    "backtracking bait header 200 KB": (
        ',"' * 100_000 + "\n",
        ["Tệp CSV, dòng 1: dòng tiêu đề dài quá 4.096 ký tự; không phải dòng tiêu đề của mẫu"],
    ),
    "quote bait inside a header": (
        H4.rstrip("\n") + ',"' * 1501 + "\nC-03,2025-Q3,w1,7\n",
        [f"Tệp CSV, dòng 1: {UNCLOSED}"],
    ),
    "a cell of 200 000 characters": (
        H5 + 'C-03,2025-Q3,w1,7,"' + "x" * 200_000 + '"\n',
        [
            'Tệp CSV, dòng 2: có ô quá dài (hơn 131.072 ký tự), thường do dấu ngoặc kép (") mở ở dòng này mà không được '
            "đóng; hãy đóng dấu ngoặc kép"
        ],
    ),
}


@pytest.mark.parametrize("case", list(CSV_CASES))
def test_csv_structure_is_strict(data, case):
    text, expected = CSV_CASES[case]
    attempt("csv structure", data, text.encode(), "bao-cao.csv", expected)


def test_the_delimiter_comes_from_a_linear_count_not_a_sniffer():
    assert csvfile._delimiter('a;b;"c,d,e";f\n1,2') == ";"
    assert csvfile._delimiter("a\tb\tc,d\n") == "\t"
    assert csvfile._delimiter("abc\n") == ","
    assert csvfile._delimiter(',"' * 3000) is None  # longer than a header: refused, not scanned on


# --------------------------------------------------------------------------------------- encodings

ROW = "C-03,2025-Q3,w1,7,"
ENCODING_CASES = {
    "damaged UTF-8 in a note": (
        (H5 + ROW + "ok\n").encode() + ROW.encode() + b"Ph\xc6\xb0\xe1\xbbng\n",
        [
            "Tệp CSV, dòng 3: mã hoá ký tự bị hỏng: dòng có chỗ là UTF-8, có chỗ không; "
            "hãy mở tệp và lưu lại với mã hoá UTF-8"
        ],
    ),
    "byte undefined in Windows-1258": (
        (H5 + ROW + "ok\n").encode() + ROW.encode() + b"\x81\n",
        ["Tệp CSV, dòng 3: không đọc được mã hoá ký tự (cần UTF-8 hoặc Windows-1258)"],
    ),
    "truncated UTF-16": (
        codecs.BOM_UTF16_LE + (H5 + ROW + "x\n").encode("utf-16-le") + b"\x00",
        ["Tệp CSV, dòng 3: không đọc được mã hoá UTF-16 (tệp bị hỏng từ dòng này); hãy lưu lại tệp với mã hoá UTF-8"],
    ),  # the odd byte after the last line break
    "lone surrogate in UTF-16": (
        codecs.BOM_UTF16_LE + (H5 + ROW).encode("utf-16-le") + b"\x00\xd8x\x00\n\x00",
        ["Tệp CSV, dòng 2: không đọc được mã hoá UTF-16 (tệp bị hỏng từ dòng này); hãy lưu lại tệp với mã hoá UTF-8"],
    ),
    "NUL bytes without a UTF-16 mark": (
        (H5 + ROW + "a\x00b\n").encode(),
        ["Tệp «bao-cao.csv» không phải Excel (.xlsx) hoặc CSV"],
    ),
    "UTF-16 without its mark": (
        (H5 + ROW + "x\n").encode("utf-16-le"),
        ["Tệp «bao-cao.csv» không phải Excel (.xlsx) hoặc CSV"],
    ),
}


@pytest.mark.parametrize("case", list(ENCODING_CASES))
def test_bad_encodings_are_refused_with_their_line(data, case):
    content, expected = ENCODING_CASES[case]
    attempt("encodings", data, content, "bao-cao.csv", expected)


# ------------------------------------------------------------------------------ xlsx structure, size

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
TOO_MANY = "Tệp «bao-cao.xlsx» có quá nhiều ô (hơn 300.000 ô); hãy chỉ giữ trang «Số liệu» với các dòng số liệu"
BROKEN = "Tệp Excel «bao-cao.xlsx» bị hỏng, không mở được; hãy mở bằng Excel, lưu lại rồi tải lên lại"


def rezip(data: bytes, replace: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info.filename, replace[info.filename](body) if info.filename in replace else body)
    return out.getvalue()


def sheet_of(
    cell: bytes,
    n: int,
    *,
    root: bytes = b"<worksheet " + NS + b"><sheetData>",
    end: bytes = b"</sheetData></worksheet>",
) -> bytes:
    """A worksheet of ``n`` cells in rows of 10, each cell written as ``cell`` with ``%d`` = a running
    number (so that the zip's compression ratio stays that of a real sheet, under the bomb guard)."""
    rows = [
        b'<row r="%d">' % r + b"".join(cell % (10 * r + i) if b"%d" in cell else cell for i in range(10)) + b"</row>"
        for r in range(1, n // 10 + 1)
    ]
    return root + b"".join(rows) + end


CELL_SPELLINGS = {
    "cells split by a line break": b"<c\n><v>%d</v></c>",
    "cells split by a tab": b"<c\t><v>%d</v></c>",
    "cells without attributes": b"<c><v>%d</v></c>",
    "empty self-closing cells with a style": b'<c s="%d"/>',
    "cells with a namespace prefix": None,  # below: x:c under xmlns:x
}


@pytest.mark.parametrize("case", list(CELL_SPELLINGS))
def test_cells_are_counted_by_parsing_however_written(data, blank_template, case):
    n = xlsxfile.MAX_CELLS + 10
    if CELL_SPELLINGS[case] is None:
        body = (
            sheet_of(
                b"<x:c><x:v>%d</x:v></x:c>",
                n,
                root=b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>',
                end=b"</x:sheetData></x:worksheet>",
            )
            .replace(b"<row", b"<x:row")
            .replace(b"</row>", b"</x:row>")
        )
    else:
        body = sheet_of(CELL_SPELLINGS[case], n)
    attempt(
        "xlsx structure and size",
        data,
        rezip(blank_template, {"xl/worksheets/sheet1.xml": lambda b: body}),
        "bao-cao.xlsx",
        [TOO_MANY],
    )


def test_a_million_cells_written_c_newline_are_refused_before_anything_big(data, blank_template):
    """The issue's file: 1 M cells written ``<c\\n r=…>`` passed the byte count and took 19 s, 670 MB."""
    body = sheet_of(b'<c\n r="A%d"><v>1</v></c>', 1_000_000)  # the r= numbers keep the ratio real
    attempt(
        "xlsx structure and size",
        data,
        rezip(blank_template, {"xl/worksheets/sheet1.xml": lambda b: body}),
        "bao-cao.xlsx",
        [TOO_MANY],
    )


def _member_added(name: str, body: bytes):
    def add(content: bytes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(info.filename, src.read(info))
            dst.writestr(name, body)
        return out.getvalue()

    return add


HIDDEN_PARTS = {  # cells in a part outside xl/worksheets/: a relationship can point a sheet anywhere
    "cells in xl/other/sheet.xml": "xl/other/sheet.xml",
    "cells in a part named like an image": "xl/media/image9.png",
}


@pytest.mark.parametrize("case", list(HIDDEN_PARTS))
def test_cells_are_counted_in_every_part(data, blank_template, case):
    content = _member_added(HIDDEN_PARTS[case], sheet_of(b"<c><v>%d</v></c>", xlsxfile.MAX_CELLS + 10))(blank_template)
    attempt("xlsx structure and size", data, content, "bao-cao.xlsx", [TOO_MANY])


def test_binary_parts_are_not_xml_and_pass(data, blank_template):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    content = _member_added("xl/media/image1.png", png)(xlsx_with(blank_template, {("C-03", "value"): 7}))
    pv = run(data, content)
    assert pv.problems == [] and list(pv.rows.value) == [7.0]


XLSX_CASES = {
    "too many shared strings": (
        "xl/sharedStrings.xml",
        lambda b: b"<sst " + NS + b">" + b"".join(b"<si><t>%d</t></si>" % i for i in range(300_010)) + b"</sst>",
        [TOO_MANY],
    ),
    "entities (billion laughs) in a sheet": (
        "xl/worksheets/sheet1.xml",
        lambda b: (
            b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            b"]>" + b.split(b"?>", 1)[-1]
        ),
        [BROKEN],
    ),
    "external entity in a sheet": (
        "xl/worksheets/sheet1.xml",
        lambda b: (
            b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + b.split(b"?>", 1)[-1]
        ),
        [BROKEN],
    ),
    "malformed sheet XML": ("xl/worksheets/sheet1.xml", lambda b: b[: len(b) // 2], [BROKEN]),
    "a million rows without cells": (
        "xl/worksheets/sheet1.xml",
        lambda b: (
            b"<worksheet "
            + NS
            + b"><sheetData>"
            + b"".join(b'<row r="%d"/>' % i for i in range(1, 1_000_001))
            + b"</sheetData></worksheet>"
        ),
        [TOO_MANY],
    ),
}


@pytest.mark.parametrize("case", list(XLSX_CASES))
def test_xlsx_structure_is_refused_before_it_is_built(data, blank_template, case):
    member, change, expected = XLSX_CASES[case]
    content = blank_template
    if member == "xl/sharedStrings.xml" and member not in zipfile.ZipFile(io.BytesIO(content)).namelist():
        content = _with_member(content, member)
    attempt("xlsx structure and size", data, rezip(content, {member: change}), "bao-cao.xlsx", expected)


def _with_member(data: bytes, member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr(member, b"<sst " + NS + b"/>")
    return out.getvalue()


# ------------------------------------------------------------ the bounded reader (child process)


def test_an_upload_over_the_time_budget_is_refused_and_the_child_killed(data, monkeypatch, blank_template):
    monkeypatch.setattr(workbook, "WORKER_SECONDS", 0.05)  # less than starting Python
    # stopped by the wall clock after 5 ms, counted as over its time (not starved): on a quiet machine
    # Python, openpyxl and a small file fit in the 0.2 s wall bound of a 0.05 s step
    monkeypatch.setattr(isolation, "WALL_FACTOR", 0.1)
    monkeypatch.setattr(isolation, "STARVED", 0.0)
    attempt(
        "xlsx structure and size",
        data,
        blank_template,
        "bao-cao.xlsx",
        [
            "Tệp «bao-cao.xlsx» cần hơn 0,05 giây để đọc; hệ thống dừng đọc để không làm chậm người dùng khác. Hãy chỉ "
            "giữ trang «Số liệu» với các dòng số liệu rồi tải lên lại"
        ],
    )


def test_an_upload_over_the_memory_budget_is_refused(data, monkeypatch, blank_template):
    """200 000 cells (under the cell cap) need ~100 MB more in openpyxl: with 50 MB allowed the
    child's MemoryError comes back as a Vietnamese refusal (not as a 'broken file')."""
    monkeypatch.setattr(workbook, "WORKER_MB", 50)
    body = sheet_of(b"<c><v>%d</v></c>", 200_000)
    content = rezip(blank_template, {"xl/worksheets/sheet1.xml": lambda b: body})
    attempt(
        "xlsx structure and size",
        data,
        content,
        "bao-cao.xlsx",
        [
            "Tệp «bao-cao.xlsx» cần quá nhiều bộ nhớ hoặc thời gian để đọc (giới hạn 50 MB, 30 giây); hệ thống từ chối "
            "để không ảnh hưởng người dùng khác. Hãy chỉ giữ trang «Số liệu» với các dòng số liệu rồi tải lên lại"
        ],
    )


def test_the_isolated_reader_gives_what_the_inline_reader_gives(blank_template):
    for name, content in [("a.xlsx", blank_template), ("a.csv", (CSV_HEAD + "C-03;2025-Q3;w1;7;;;x\n").encode())]:
        assert workbook.read_upload_isolated(name, content) == workbook.read_upload(name, content)


# ------------------------------------------------------------------------------- the CLI path

CLI_CASES = {
    "Infinity in a count": (
        CSV_HEAD + "C-03;2025-Q3;w1;Infinity;;;\n",
        "bao-cao.csv",
        f"Tệp CSV, dòng 2, cột «Giá trị»: «Infinity»: {NOT_FINITE}",
    ),
    "unquoted decimal": (H4 + "C-03,2025-Q3,w1,77,5\n", "bao-cao.csv", f"Tệp CSV, dòng 2: {EXTRA}"),
    "sniffer bait": (
        ',"' * 100_000 + "\n",
        "bao-cao.csv",
        "Tệp CSV, dòng 1: dòng tiêu đề dài quá 4.096 ký tự; không phải dòng tiêu đề của mẫu",
    ),
}


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_the_cli_refuses_the_same_way(data, tmp_path, case):
    from tests.support.intake import FAST, PASSWORD, cli
    from vlboard.intake import auth

    text, name, expected = CLI_CASES[case]
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[vlboard.accounts.admin]\nrole = "admin"\npassword_hash = "'
        + auth.hash_password(PASSWORD, _hasher=FAST)
        + '"\n',
        encoding="utf-8",
    )
    path = tmp_path / name
    path.write_bytes(text.encode())
    before = fingerprint(data)
    out = cli(data, secrets, "import", str(path), "--user", "admin")
    shown = out.stdout + out.stderr
    crashed = "Traceback" in shown
    OUTCOMES["CLI path"][
        "crashed"
        if crashed
        else "refused_correctly"
        if out.returncode != 0 and expected in shown
        else "accepted_wrongly"
        if out.returncode == 0
        else "refused_with_another_message"
    ] += 1
    assert out.returncode != 0 and expected in shown and not crashed, shown[-2000:]
    assert fingerprint(data) == before
