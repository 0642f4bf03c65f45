"""Reading uploaded result files: the .xlsx template and CSV, and every way they can go wrong."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest
from openpyxl import Workbook

from tests.support.intake import cp1258
from vlboard.intake import csvfile, isolation, upload, workbook, xlsxfile
from vlboard.intake.workbook import (
    COLUMNS,
    DATA_SHEET,
    META_SHEET,
    REQUIRED_XLSX,
    TEMPLATE_VERSION,
    Problem,
    header_labels,
    read_upload,
)

XLSX_KEYS = [k for k, _ in COLUMNS[:10]]
META = {"template_version": TEMPLATE_VERSION, "scope_type": "agency", "scope_code": "SYT", "period": "2025-Q1"}
GOOD_ROWS = [
    ["CT01", "Tỷ lệ tiêm chủng", "%", 95, 90, 92.5, None, None, "Đạt", "https://vi.example/mc/1"],
    [None] * 10,  # blank row: skipped, numbering kept
    ["CT02", "Số trạm y tế", "trạm", 20, 18, 19, 19, 20, None, None],
]


def make_xlsx(rows=GOOD_ROWS, *, header=None, sheet=DATA_SHEET, meta=META, edit=None) -> bytes:
    """Three title rows, the header on row 4, data from row 5, and a hidden META_SHEET."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for text in ("BÁO CÁO KẾT QUẢ THỰC HIỆN", "Cơ quan: Sở Y tế", ""):
        ws.append([text])
    ws.merge_cells("A1:J1")  # title merges above the header are fine
    ws.append(header if header is not None else header_labels(XLSX_KEYS))
    for r in rows:
        ws.append(r)
    if meta is not None:
        m = wb.create_sheet(META_SHEET)
        m.sheet_state = "hidden"
        for k, v in meta.items():
            m.append([k, v])
    if edit:
        edit(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rezip(data: bytes, add: dict[str, bytes] | None = None, replace=None) -> bytes:
    """Copy an xlsx zip, adding entries and optionally rewriting entry contents."""
    add = add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info.filename, replace(info.filename, body) if replace else body)
        for name, body in add.items():
            dst.writestr(name, body)
    return out.getvalue()


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# --- good files -------------------------------------------------------------------------------


def test_good_xlsx_rows_and_meta():
    data = make_xlsx()
    up, problems = read_upload("ket-qua.xlsx", data)
    assert problems == []
    assert (up.kind, up.sheet, up.size, up.file_name) == ("xlsx", DATA_SHEET, len(data), "ket-qua.xlsx")
    assert len(up.sha256) == 64
    assert up.meta == META
    assert up.columns == XLSX_KEYS and up.extra == []
    assert [r.number for r in up.rows] == [5, 7]
    first = up.rows[0].values
    assert first["indicator_code"] == "CT01" and first["indicator_name"] == "Tỷ lệ tiêm chủng"
    assert first["value"] == 92.5 and isinstance(first["target"], int)
    assert first["numerator"] is None and first["evidence_url"] == "https://vi.example/mc/1"
    assert up.rows[1].values["note"] is None and up.rows[1].values["denominator"] == 20


def test_header_matching_is_lenient_and_unknown_headers_are_listed():
    labels = header_labels(XLSX_KEYS)
    header = ["  mã   CHỈ tiêu ", unicodedata.normalize("NFD", labels[1])] + labels[2:] + ["Người nhập"]
    up, problems = read_upload("a.xlsx", make_xlsx(rows=[GOOD_ROWS[0] + ["Lan"]], header=header))
    assert problems == []
    assert up.columns == XLSX_KEYS and up.extra == ["Người nhập"]
    assert "Người nhập" not in up.rows[0].values


def test_nfd_strings_become_nfc():
    nfd = unicodedata.normalize("NFD", "Phường Tân Ngãi đạt chỉ tiêu")
    row = ["CT01", nfd, "%", 1, 1, 1, None, None, nfd + " " + "Đạt", None]
    up, problems = read_upload(
        "a.xlsx", make_xlsx(rows=[row], meta={"scope_code": unicodedata.normalize("NFD", "Tân")})
    )
    assert problems == []
    assert up.rows[0].values["indicator_name"] == "Phường Tân Ngãi đạt chỉ tiêu"
    assert up.rows[0].values["note"] == "Phường Tân Ngãi đạt chỉ tiêu Đạt"
    assert up.meta == {"scope_code": "Tân"}


def test_hostile_strings_stay_plain_data():
    row = ["CT01", "<script>alert(1)</script>", None, None, None, 1, None, None, "a\u202etxt.exe\u2066b", None]

    def edit(ws):
        ws["J5"].value = "=cmd|' /C calc'!A0"
        ws["J5"].data_type = "s"  # typed text, not a formula

    up, problems = read_upload("a.xlsx", make_xlsx(rows=[row], edit=edit))
    assert problems == []
    v = up.rows[0].values
    assert v["indicator_name"] == "<script>alert(1)</script>"
    assert v["note"] == "atxt.exeb"
    assert v["evidence_url"] == "=cmd|' /C calc'!A0"


# --- xlsx problems ----------------------------------------------------------------------------


def test_formulas_reported_per_cell():
    def edit(ws):
        ws["F5"] = "=SUM(D5:E5)"
        ws["H7"] = "=G7*2"

    up, problems = read_upload("a.xlsx", make_xlsx(edit=edit))
    assert [(p.sheet, p.row, p.column) for p in problems] == [(DATA_SHEET, 5, "Giá trị"), (DATA_SHEET, 7, "Mẫu số")]
    assert "ô F5 chứa công thức chưa có kết quả lưu sẵn" in problems[0].message
    assert "dán giá trị" in problems[0].message and "Paste" not in problems[0].message
    assert str(problems[0]).startswith("Trang «Số liệu», dòng 5, cột «Giá trị»: ô F5 chứa công thức")
    assert up.rows[0].values["value"] is None  # the formula text never passes as data


def _with_cached(data: bytes, cells: dict[str, str]) -> bytes:
    """The workbook as Excel or LibreOffice save it: each formula cell also stores its last result
    (``<v>``), which openpyxl does not write."""
    import re

    def patch(name, body):
        if not name.startswith("xl/worksheets/sheet1"):
            return body
        text = body.decode()
        for ref, value in cells.items():
            text = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(<v>[^<]*</v>|<v\s*/>)?', rf"\1\2<v>{value}</v>", text)
        return text.encode()

    return rezip(data, replace=patch)


def test_formula_read_by_its_stored_result():
    def edit(ws):
        ws["F5"] = "=SUM(D5:E5)/2"
        ws["H7"] = "=G7+1"

    data = _with_cached(make_xlsx(edit=edit), {"F5": "92.5", "H7": "20"})
    up, problems = read_upload("a.xlsx", data)
    assert problems == []
    assert up.rows[0].values["value"] == 92.5 and up.rows[1].values["denominator"] == 20


def test_formula_with_and_without_stored_result_reported_in_one_pass():
    def edit(ws):
        ws["F5"] = "=SUM(D5:E5)/2"
        ws["H7"] = "=G7+1"
        ws["J7"] = "không phải link"

    data = _with_cached(make_xlsx(edit=edit), {"F5": "92.5"})  # H7 saved by a program that does not calculate
    up, problems = read_upload("a.xlsx", data)
    assert [(p.row, p.column) for p in problems] == [(7, "Mẫu số")]
    assert "ô H7" in problems[0].message and up.rows[0].values["value"] == 92.5


def _ods() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    return buf.getvalue()


@pytest.mark.parametrize("name", ["bao-cao.ods", "bao-cao.xlsx"])  # known by content, not by name
def test_ods_refused_with_the_steps_to_save_as_xlsx(name):
    up, problems = read_upload(name, _ods())
    msg = only(problems).message
    assert up is None and "OpenDocument (.ods)" in msg
    assert "LibreOffice Calc" in msg and "Ctrl+Shift+S" in msg and "Excel 2007-365 (.xlsx)" in msg


def test_merged_cells_in_data_and_header():
    def edit(ws):
        ws.merge_cells("F5:G5")
        ws.merge_cells("I4:J4")

    _, problems = read_upload("a.xlsx", make_xlsx(edit=edit))
    # the header merge also hides the "Đường dẫn minh chứng" label under I4
    assert [(p.row, p.column, p.message[:18]) for p in problems] == [
        (4, "Đường dẫn minh chứng", "thiếu cột «Đường d"),
        (4, "Ghi chú", "ô gộp I4:J4; hãy b"),
        (5, "Giá trị", "ô gộp F5:G5; hãy b"),
    ]


def test_missing_and_duplicate_columns():
    labels = header_labels(XLSX_KEYS)
    header = [lab if lab != "Giá trị" else "Tử số" for lab in labels]
    up, problems = read_upload("a.xlsx", make_xlsx(header=header))
    assert [(p.row, p.column, p.message) for p in problems] == [
        (4, "Tử số", "cột «Tử số» bị lặp lại trong dòng tiêu đề"),
        (4, "Giá trị", "thiếu cột «Giá trị»"),
    ]
    assert up is not None and "value" not in up.columns


def test_missing_data_sheet_names_sheets_found():
    up, problems = read_upload("a.xlsx", make_xlsx(sheet="Sheet1"))
    assert up is None
    p = only(problems)
    assert (p.sheet, p.row) == (None, None)
    assert "không có trang «Số liệu»" in p.message and "«Sheet1»" in p.message and META_SHEET not in p.message


def test_no_header_within_first_rows():
    up, problems = read_upload("a.xlsx", make_xlsx(header=["Mã", "Tên"]))
    assert up is None and "không tìm thấy dòng tiêu đề" in only(problems).message


def test_header_without_rows():
    up, problems = read_upload("a.xlsx", make_xlsx(rows=[[None] * 10, [" "] * 10]))
    assert up is None and "Tệp không có dòng số liệu nào" in only(problems).message


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(upload, "MAX_ROWS", 1)
    up, problems = read_upload("a.xlsx", make_xlsx())
    assert up is None and "Tệp có hơn 1 dòng số liệu" in only(problems).message


def test_too_long_text_is_a_problem_not_truncated():
    row = ["CT01", None, None, None, None, 1, None, None, "x" * 2001, None]
    up, problems = read_upload("a.xlsx", make_xlsx(rows=[row]))
    p = only(problems)
    assert (p.row, p.column) == (5, "Ghi chú") and "quá 2000 ký tự" in p.message
    assert len(up.rows[0].values["note"]) == 2001


# --- file-level refusals ----------------------------------------------------------------------


def test_size_limit():
    _, problems = read_upload("a.csv", b"a" * int(7.2 * 1024 * 1024))
    assert only(problems).message == "Tệp 7,2 MB vượt giới hạn 5 MB"
    up, problems = read_upload("a.xlsx", make_xlsx(), max_bytes=1000)
    assert up is None and "vượt giới hạn" in only(problems).message


def test_empty_file():
    up, problems = read_upload("a.csv", b"")
    assert up is None and "không có dòng số liệu nào" in only(problems).message


@pytest.mark.parametrize(
    "name,data",
    [
        ("x.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        ("x.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("x.bin", b"Ma chi tieu\x00\x01\x02"),
        ("x.xlsx", "Mã chỉ tiêu,Giá trị\nCT01,1\n".encode()),  # not a zip though named .xlsx
    ],
)
def test_not_excel_or_csv(name, data):
    up, problems = read_upload(name, data)
    assert up is None and only(problems).message == f"Tệp «{name}» không phải Excel (.xlsx) hoặc CSV"


def test_docx_is_not_excel():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert "không phải Excel" in only(read_upload("a.docx", buf.getvalue())[1]).message


def test_old_xls():
    up, problems = read_upload("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert up is None and ".xls" in only(problems).message and "lưu lại thành .xlsx" in problems[0].message


def test_macros_refused():
    good = make_xlsx()
    with_vba = rezip(good, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake vba"})
    assert "Tệp có macro (VBA)" in only(read_upload("a.xlsx", with_vba)[1]).message

    def macro_type(name, body):
        return (
            body.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml") if name == "[Content_Types].xml" else body
        )

    xlsm = rezip(good, replace=macro_type)
    assert b"macroEnabled" in zipfile.ZipFile(io.BytesIO(xlsm)).read("[Content_Types].xml")
    up, problems = read_upload("a.xlsm", xlsm)
    assert up is None and "Tệp có macro (VBA)" in only(problems).message


def test_zip_bomb_total_size():
    buf = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            for _ in range(60):
                f.write(chunk)
    data = buf.getvalue()
    assert len(data) < 200_000
    up, problems = read_upload("bom.xlsx", data)
    assert up is None and "giải nén" in only(problems).message


def test_zip_bomb_ratio_and_entry_count():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", bytes(2 * 1024 * 1024))  # ratio ~1000
    assert "giải nén" in only(read_upload("a.xlsx", buf.getvalue())[1]).message
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(2001):
            z.writestr(f"xl/x{i}.xml", "")
    assert "giải nén" in only(read_upload("a.xlsx", buf.getvalue())[1]).message


def test_too_many_cells(monkeypatch):
    monkeypatch.setattr(xlsxfile, "MAX_CELLS", 20)
    up, problems = read_upload("a.xlsx", make_xlsx())
    assert up is None and "có quá nhiều ô (hơn 20 ô)" in only(problems).message


@pytest.mark.parametrize("cut", ["garbage", "truncated", "bad xml"])
def test_corrupt_xlsx(cut):
    good = make_xlsx()
    data = {
        "garbage": b"PK\x03\x04" + b"\x07" * 300,
        "truncated": good[: len(good) // 2],
        "bad xml": rezip(good, replace=lambda n, b: b"<oops" if n == "xl/workbook.xml" else b),
    }[cut]
    up, problems = read_upload("a.xlsx", data)
    assert up is None and "bị hỏng" in only(problems).message


# --- CSV --------------------------------------------------------------------------------------


def test_csv_comma_utf8_with_bom():
    data = '\ufeffMã chỉ tiêu,Kỳ báo cáo,Giá trị,Mã phường/xã,Ghi chú\r\nCT01,2025-Q1,"1.234,5",P01,"a, b"\r\n'.encode()
    up, problems = read_upload("a.csv", data)
    assert problems == [] and (up.kind, up.sheet, up.meta) == ("csv", "CSV", {})
    assert up.columns == ["indicator_code", "period", "value", "unit_code", "note"]
    assert up.rows[0].number == 2
    assert up.rows[0].values == {
        "indicator_code": "CT01",
        "period": "2025-Q1",
        "value": "1.234,5",
        "unit_code": "P01",
        "note": "a, b",
    }


def test_csv_semicolon_and_tab_and_keys_as_headers():
    semi = "Mã chỉ tiêu;Kỳ báo cáo;Giá trị;Mã cơ quan\nCT01;2025-Q1;12,5;SYT\n".encode()
    up, problems = read_upload("a.csv", semi)
    assert problems == [] and up.rows[0].values["value"] == "12,5" and up.rows[0].values["agency_code"] == "SYT"
    tab = "indicator_code\tperiod\tvalue\tunit_code\nCT01\t2025-Q1\t7\tP01\n".encode("utf-16")
    up, problems = read_upload("a.txt", tab)
    assert problems == [] and up.rows[0].values == {
        "indicator_code": "CT01",
        "period": "2025-Q1",
        "value": "7",
        "unit_code": "P01",
    }


def test_csv_mixed_utf8_and_cp1258_lines():
    header = "Mã chỉ tiêu,Kỳ báo cáo,Giá trị,Mã phường/xã,Ghi chú\n".encode()
    line_utf8 = "CT01,2025-Q1,1,P01,Phường Tân Ngãi\n".encode()
    line_1258 = b"CT01,2025-Q1,2,P02," + cp1258("Phường Tân Ngãi") + b"\n"
    up, problems = read_upload("a.csv", header + line_utf8 + line_1258)
    assert problems == []
    notes = [r.values["note"] for r in up.rows]
    assert notes == ["Phường Tân Ngãi", "Phường Tân Ngãi"]
    assert all(unicodedata.is_normalized("NFC", n) for n in notes)


def test_csv_blank_rows_skipped_and_controls_removed():
    data = (
        "Mã chỉ tiêu,Kỳ báo cáo,Giá trị,Mã cơ quan,Ghi chú\n\n,,,,\nCT01,2025-Q1,1,SYT,\"=cmd|' /C calc'!A0\"\n"
        "CT02,2025-Q1,2,SYT,<script>x</script>\u202e\x07\n"
    ).encode()
    up, problems = read_upload("a.csv", data)
    assert problems == []
    assert [r.number for r in up.rows] == [4, 5]
    assert up.rows[0].values["note"] == "=cmd|' /C calc'!A0" and up.rows[1].values["note"] == "<script>x</script>"


def test_csv_problems():
    _, problems = read_upload("a.csv", "Mã chỉ tiêu,Giá trị\nCT01,1\n".encode())
    assert [(p.row, p.column) for p in problems] == [(1, "Kỳ báo cáo"), (1, None)]
    assert str(problems[0]) == "Tệp CSV, dòng 1, cột «Kỳ báo cáo»: thiếu cột «Kỳ báo cáo»"
    assert "«Mã cơ quan» hoặc «Mã phường/xã»" in problems[1].message
    up, problems = read_upload("a.csv", "Tên,Giá trị\nA,1\n".encode())
    assert up is None and only(problems).row == 1 and "Mã chỉ tiêu" in problems[0].message
    up, problems = read_upload("a.csv", "Mã chỉ tiêu,Kỳ báo cáo,Giá trị,Mã cơ quan\n".encode())
    assert up is None and "không có dòng số liệu nào" in only(problems).message


def test_csv_unclosed_quote():
    data = ('Mã chỉ tiêu,Kỳ báo cáo,Giá trị,Mã cơ quan\nCT01,2025-Q1,1,SYT\nCT02,2025-Q1,"2' + "x" * 200_000).encode()
    up, problems = read_upload("a.csv", data)
    assert up is None and only(problems).row == 3 and "ngoặc kép" in problems[0].message


def test_csv_too_many_rows():
    head = "Mã chỉ tiêu,Kỳ báo cáo,Giá trị,Mã cơ quan\n"
    ok = head + "CT01,2025-Q1,1,SYT\n" * upload.MAX_ROWS
    up, problems = read_upload("a.csv", ok.encode())
    assert problems == [] and len(up.rows) == upload.MAX_ROWS
    up, problems = read_upload("a.csv", (ok + "CT01,2025-Q1,1,SYT\n").encode())
    assert up is None and "Tệp có hơn 5.000 dòng số liệu" in only(problems).message


def test_header_labels_and_required():
    assert header_labels(["indicator_code", "value"]) == ["Mã chỉ tiêu", "Giá trị"]
    assert set(REQUIRED_XLSX) <= set(XLSX_KEYS)
    assert str(Problem(None, None, None, "Lỗi")) == "Lỗi"


# --- strict CSV (issue 17): nothing lost, nothing guessed, nothing that can backtrack -----------

H4 = "Mã chỉ tiêu,Kỳ báo cáo,Mã phường/xã,Giá trị\n"


def test_csv_unquoted_decimal_is_refused_not_cut():
    """``77,5`` unquoted in a comma file was stored as 77, the 5 ignored."""
    up, problems = read_upload("a.csv", (H4 + "TPVL-001,2026-Q3,x2025-29551,77,5\n").encode())
    assert up is None and [(p.row, p.column) for p in problems] == [(2, None)]
    assert problems[0].message.startswith("dòng có 5 ô nhưng dòng tiêu đề có 4 ô")
    with_note = (H4.rstrip("\n") + ",Ghi chú\n" + "TPVL-001,2026-Q3,x2025-29551,77,5\n").encode()
    up, problems = read_upload("a.csv", with_note)
    assert [(p.row, p.column) for p in problems] == [(2, "Giá trị")] and "77,5" in problems[0].message


def test_csv_quote_never_closed_swallows_nothing_silently():
    """A 3-row file whose note opens a quote imported 1 row, "1 giá trị mới", no message."""
    data = H4.rstrip("\n") + ",Ghi chú\n" + 'C-01,2025-Q3,w1,1,"ghi chú\nC-02,2025-Q3,w1,2,x\nC-03,2025-Q3,w1,3,y\n'
    up, problems = read_upload("a.csv", data.encode())
    assert up is None and only(problems).row == 2 and "không được đóng" in problems[0].message


def test_csv_field_count_must_match_the_header_both_ways():
    up, problems = read_upload("a.csv", (H4 + "C-01,2025-Q3,w1\nC-01,2025-Q3,w1,1,2\nC-01,2025-Q4,w1,1\n").encode())
    assert up is None and [p.row for p in problems] == [2, 3]
    assert [p.message.split(";")[0] for p in problems] == [
        "dòng có 3 ô nhưng dòng tiêu đề có 4 ô",
        "dòng có 5 ô nhưng dòng tiêu đề có 4 ô",
    ]


def test_csv_multiline_quoted_cell_is_refused_with_both_lines():
    up, problems = read_upload("a.csv", (H4.rstrip("\n") + ",Ghi chú\n" + 'C-01,2025-Q3,w1,1,"a\nb"\n').encode())
    assert up is None and only(problems).row == 2 and "dòng 2 đến dòng 3" in problems[0].message


def test_csv_backtracking_bait_header_is_refused_by_its_length():
    """A 64 KB first line of ``,"`` froze the server for ~18 s in csv.Sniffer (200 KB: ~3 min)."""
    for n in (32_768, 100_000):
        up, problems = read_upload("a.csv", (',"' * n + "\n").encode())
        assert up is None and only(problems).row == 1 and "dòng tiêu đề dài quá 4.096 ký tự" in problems[0].message


def test_csv_delimiter_is_counted_outside_quotes():
    assert csvfile._delimiter('a,"b;c;d";e;f\n') == ";"
    assert csvfile._delimiter('"a\tb\tc",d,e\n') == ","
    assert csvfile._delimiter("a\tb\tc\n") == "\t"
    assert csvfile._delimiter("abc\n") == ","


def test_csv_damaged_utf8_line_is_refused_not_read_as_windows_1258():
    data = H4.encode() + b"C-01,2025-Q3,w1,1\n" + b"C-02,2025-Q3,Ph\xc6\xb0\xe1\xbbng,2\n"
    up, problems = read_upload("a.csv", data)
    assert up is None and only(problems).row == 3 and "mã hoá ký tự bị hỏng" in problems[0].message


# --- xlsx cells counted by parsing, the reader bounded in its own process (issue 17) ------------


def _sheet_cells(cell: bytes, n: int) -> bytes:
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    return b"<worksheet " + ns + b"><sheetData>" + b'<row r="1">' + cell * n + b"</row></sheetData></worksheet>"


@pytest.mark.parametrize("cell", [b'<c\n r="A1"><v>1</v></c>', b"<c\t><v>1</v></c>", b"<c/>", b"<c><v>1</v></c>"])
def test_cells_counted_however_written(monkeypatch, cell):
    """Counting the bytes ``<c `` let 1 M cells written ``<c\\n r=…>`` through (19 s, 670 MB)."""
    monkeypatch.setattr(xlsxfile, "MAX_CELLS", 50)
    data = rezip(make_xlsx(), replace=lambda n, b: _sheet_cells(cell, 60) if n == "xl/worksheets/sheet1.xml" else b)
    up, problems = read_upload("a.xlsx", data)
    assert up is None and "có quá nhiều ô (hơn 50 ô)" in only(problems).message


def test_cell_count_stops_at_its_time_budget(monkeypatch):
    monkeypatch.setattr(xlsxfile, "MAX_SCAN_SECONDS", -1)  # already past: the first chunk ends the scan
    up, problems = read_upload("a.xlsx", make_xlsx())
    assert up is None and "chỉ để đếm các ô" in only(problems).message


def test_doctype_in_a_sheet_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    data = rezip(
        make_xlsx(), replace=lambda n, b: bomb + b.split(b"?>", 1)[-1] if n == "xl/worksheets/sheet1.xml" else b
    )
    up, problems = read_upload("a.xlsx", data)
    assert up is None and "bị hỏng" in only(problems).message


def test_isolated_reader_answers_like_the_inline_one():
    for name, data in [
        ("a.xlsx", make_xlsx()),
        ("a.csv", (H4 + "C-01,2025-Q3,w1,1\n").encode()),
        ("a.csv", b""),
        ("a.csv", b"x" * (workbook.MAX_BYTES + 1)),
    ]:
        assert workbook.read_upload_isolated(name, data) == read_upload(name, data)


def test_isolated_reader_refuses_past_its_time_limit(monkeypatch):
    monkeypatch.setattr(workbook, "WORKER_SECONDS", 0.05)  # less than starting Python and openpyxl
    # stopped by the wall clock after 5 ms, counted as over its time (not starved): on a quiet machine
    # Python, openpyxl and a small file fit in the 0.2 s wall bound of a 0.05 s step
    monkeypatch.setattr(isolation, "WALL_FACTOR", 0.1)
    monkeypatch.setattr(isolation, "STARVED", 0.0)
    up, problems = workbook.read_upload_isolated("a.xlsx", make_xlsx())
    assert up is None and "cần hơn 0,05 giây để đọc" in only(problems).message


def test_isolated_reader_failure_is_a_vietnamese_message_and_logged(monkeypatch, caplog):

    monkeypatch.setattr(isolation, "_child", lambda *a, **k: (1, b"", b"Traceback ...\nKeyError: 'x'\n", 0.1))
    up, problems = workbook.read_upload_isolated("a.xlsx", make_xlsx())
    assert up is None and "do lỗi của hệ thống" in only(problems).message
    assert "KeyError" in caplog.text


def test_a_starved_reader_is_busy_not_a_refusal_of_the_file(monkeypatch):
    """On a busy machine the child may wait for the CPU far longer than it computes (a deadline day,
    BENCHMARKS.md): stopped by the wall clock with little CPU used, the answer is «thử lại», and the
    file is not blamed; stopped with its CPU time used, it is the file's cost."""
    for cpu, status in ((0.2, "busy"), (29.0, "timeout")):
        monkeypatch.setattr(isolation, "_child", lambda *a, cpu=cpu, **k: (None, b"", b"", cpu))
        assert isolation.run("read", ("a.xlsx", b"x"), {}, seconds=30, mb=64, label="a.xlsx") == (status, None)
    monkeypatch.setattr(isolation, "_child", lambda *a, **k: (None, b"", b"", 0.2))
    up, problems = workbook.read_upload_isolated("a.xlsx", make_xlsx())
    assert up is None and "hãy tải tệp lên lại sau ít phút" in only(problems).message
    assert "cần hơn" not in only(problems).message


def test_a_child_past_its_cpu_limit_is_a_timeout(monkeypatch):
    import signal

    monkeypatch.setattr(isolation, "_child", lambda *a, **k: (-signal.SIGXCPU, b"", b"", 0.0))
    assert isolation.run("read", ("a.xlsx", b"x"), {}, seconds=30, mb=64, label="a.xlsx") == ("timeout", None)


def test_parts_that_may_be_binary_or_vml_are_skipped_when_not_xml():
    """Excel writes comment shapes as VML that is not well-formed XML, and images are binary."""
    data = make_xlsx()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("xl/drawings/vmlDrawing1.vml", "<xml><v:shape><br></v:shape></xml>")
        dst.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
        dst.writestr("xl/other.xml", "<oops")  # not binary by name: a broken file
    up, problems = read_upload("a.xlsx", out.getvalue())
    assert up is None and "bị hỏng" in only(problems).message
    out2 = io.BytesIO()
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(out2, "w") as dst:
        for info in src.infolist():
            if info.filename != "xl/other.xml":
                dst.writestr(info.filename, src.read(info))
    up, problems = read_upload("a.xlsx", out2.getvalue())
    assert problems == [] and up is not None and len(up.rows) == 2


def test_percent_formatted_number_is_handed_on_as_the_text_shown():
    def fmt(ws):
        ws["F5"].number_format = "0.0%"

    rows = [["CT01", "Tỷ lệ", "%", 95, 90, 0.625, None, None, None, None]]
    up, problems = read_upload("a.xlsx", make_xlsx(rows, edit=fmt))
    assert problems == [] and up.rows[0].values["value"] == "62,5%"
