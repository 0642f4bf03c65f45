"""The drafted «Báo cáo kết quả thực hiện» (.docx): its frame against the status queries, the
document read back with python-docx (NĐ 30 layout, one row per indicator, Vietnamese intact and
NFC, fonts), the CLI (exit codes, messages), the page buttons, and LibreOffice opening it."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import unicodedata

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from tests.support.fixtures import ROOT
from vlboard.board import report, report_text, screens
from vlboard.cli import main
from vlboard.domain import filters
from vlboard.export import report_docx
from vlboard.store.source import Snapshot

AGENCY, AGENCY_PERIOD = "S-TTTT", "2024"  # real document figures (27/12/2024), lead and partner rows
UNIT, UNIT_PERIOD = "x2025-29557", "2025-Q3"  # Phường Phước Hậu: demo figures only


@pytest.fixture(scope="module")
def src(shipped_data):
    return Snapshot.current(shipped_data)


@pytest.fixture(scope="module")
def agency_report(src):
    return screens.report_frame(src, AGENCY_PERIOD, False, agency=AGENCY)


@pytest.fixture(scope="module")
def unit_report(src):
    return screens.report_frame(src, UNIT_PERIOD, True, unit=UNIT)


def read(r: report.Report):
    return Document(io.BytesIO(report_docx.render(r)))


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts += [c.text for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_agency_rows_are_its_assignments_with_the_status_the_agency_page_shows(src, agency_report):
    f = filters.Filters(period=AGENCY_PERIOD, source="real")
    shown = src.q("status_agencies", **filters.status_params(f))
    shown = shown[shown.agency_code == AGENCY]
    got = agency_report.rows.set_index(["indicator_code", "role"]).status.sort_index()
    want = shown.set_index(["indicator_code", "role"]).status.sort_index()
    assert got.to_dict() == want.to_dict()
    assert set(agency_report.rows.role) == {"lead", "partner"}
    assert not agency_report.has_demo and agency_report.rows.result_text.str.contains("nguồn: văn bản").any()


def test_unit_rows_are_the_units_own_figures(src, unit_report):
    f = filters.Filters(period=UNIT_PERIOD, source="all")
    units = src.q("status_units", **filters.status_params(f))
    units = units[(units.unit_code == UNIT) & units.value.notna()]
    assert dict(zip(unit_report.rows.indicator_code, unit_report.rows.status)) == dict(
        zip(units.indicator_code, units.status)
    )
    assert unit_report.rows.demo.all() and unit_report.rows.result_text.str.endswith(report.DEMO_MARK).all()
    assert unit_report.subject.issuer == "UBND phường Phước Hậu" and unit_report.subject.is_commune


def test_the_document_reads_back_in_the_nd30_layout(agency_report):
    doc = read(agency_report)
    section = doc.sections[0]
    mm = [round(v.mm) for v in (section.page_width, section.page_height)]
    mm += [round(v.mm) for v in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)]
    assert mm == [210, 297, 20, 20, 30, 15]  # A4; NĐ 30: top, bottom 20–25, left 30–35, right 15–20
    left, right = (c.text for c in doc.tables[0].rows[0].cells)
    assert left.splitlines()[:2] == ["UBND TỈNH VĨNH LONG", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"]
    assert "Số: ……/BC-STTTT" in left
    assert right.splitlines()[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert "Vĩnh Long, ngày …… tháng …… năm 20……" in right
    # the header table has no borders; the motto's rule is a paragraph border under it
    assert doc.tables[0]._tbl.tblPr.find(qn("w:tblBorders")) is None
    assert doc.tables[0].rows[0].cells[1]._tc.xml.count("<w:bottom ") == 1
    texts = [p.text for p in doc.paragraphs]
    title = texts.index("BÁO CÁO")
    assert texts[title + 1] == "Kết quả thực hiện các chỉ tiêu chuyển đổi số năm 2024"
    assert doc.paragraphs[title].runs[0].bold
    order = [texts.index(h) for h in ("I. KẾT QUẢ CHUNG", "II. KẾT QUẢ THỰC HIỆN TỪNG CHỈ TIÊU")]
    order += [texts.index(h) for h in ("III. TỒN TẠI, HẠN CHẾ", "IV. ĐỀ XUẤT, KIẾN NGHỊ")]
    assert order == sorted(order)
    assert report_text.PROPOSALS in texts  # section IV: the agency's own text, marked
    closing = doc.tables[-1].rows[0].cells
    assert closing[0].text.splitlines() == ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    first = closing[0].paragraphs[0].runs[0]
    assert first.bold and first.italic and first.font.size.pt == 12
    assert closing[1].text.startswith("THỦ TRƯỞNG CƠ QUAN")


def test_one_table_row_per_indicator_with_the_frames_texts(agency_report):
    doc = read(agency_report)
    tables = doc.tables[1:-1]
    assert len(tables) == 2  # lead, then partner
    for table, role in zip(tables, ("lead", "partner")):
        rows = agency_report.group(role)
        header = table.rows[0]
        assert [c.text for c in header.cells] == [c.header for c in report_docx.COLUMNS]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
        assert len(table.rows) == len(rows) + 1
        for n, (tr, row) in enumerate(zip(table.rows[1:], rows.to_dict("records")), start=1):
            cells = [c.text for c in tr.cells]
            assert cells == report_docx.cells(row, n)
            assert row["indicator_code"] in cells[1] and cells[4] == row["status_text"]
    widths = [int(c.get(qn("w:w"))) for c in tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert widths[1] == max(widths) and widths[0] == min(widths)  # by content: the name widest


def test_vietnamese_text_is_nfc_and_every_run_is_times_new_roman(agency_report, unit_report):
    for r in (agency_report, unit_report):
        doc = read(r)
        text = all_text(doc)
        assert unicodedata.is_normalized("NFC", text) and "None" not in text and "nan" not in text
        assert "Kết quả thực hiện các chỉ tiêu chuyển đổi số" in text
        normal = doc.styles["Normal"]
        assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
        fonts = normal.element.rPr.rFonts
        assert {fonts.get(qn(k)) for k in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {"Times New Roman"}
        runs = [run for p in doc.paragraphs for run in p.runs]
        runs += [run for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for run in p.runs]
        assert runs and {run.font.name for run in runs} == {"Times New Roman"}
        assert {run.font.size.pt for run in runs} <= {11, 12, 13, 14}


def test_commune_report_signs_for_the_peoples_committee_and_marks_demo(unit_report):
    doc = read(unit_report)
    left = doc.tables[0].rows[0].cells[0].text.splitlines()
    assert left[:2] == ["UBND TỈNH VĨNH LONG", "UBND PHƯỜNG PHƯỚC HẬU"] and "Số: ……/BC-UBND" in left
    assert doc.tables[-1].rows[0].cells[1].text.splitlines()[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    table = doc.tables[1]
    assert len(table.rows) == len(unit_report.rows) + 1
    assert all(report.DEMO_MARK in row.cells[3].text for row in table.rows[1:])
    assert any("dữ liệu minh họa" in p.text and p.text.startswith("Lưu ý") for p in doc.paragraphs)


def test_without_figures_the_report_says_so_instead_of_empty_rows(src):
    r = screens.report_frame(src, UNIT_PERIOD, False, unit=UNIT)  # real data: no ward report yet
    assert r.rows.empty and r.missing
    doc = read(r)
    assert len(doc.tables) == 2  # header and closing only: no empty indicator table
    texts = [p.text for p in doc.paragraphs]
    assert "Chưa có số liệu báo cáo." in texts
    assert any(t.startswith(f"- {len(r.missing)} chỉ tiêu phải báo cáo trong kỳ") for t in texts)
    assert report.DEMO_MARK not in all_text(doc)


def test_the_outlook_column_is_the_pages_khả_năng_đạt(src, unit_report):
    """«Khả năng đạt» comes from screens.outlook, the same frame as the pillar and agency tables."""
    table = read(unit_report).tables[1]
    assert [c.text for c in table.rows[0].cells][-1] == "Khả năng đạt"
    chances = screens.outlook(src, filters.Filters(period=UNIT_PERIOD, source="all"))
    by_code = dict(zip(chances.indicator_code, chances.cell))
    assert [row.cells[-1].text for row in table.rows[1:]] == [
        str(by_code[c]) if c in by_code else "–" for c in unit_report.rows.indicator_code
    ]
    assert any(row.cells[-1].text.endswith("%") for row in table.rows[1:])  # some are forecast


def test_a_column_is_one_line(agency_report, monkeypatch):
    table = read(agency_report).tables[1]
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(widths) - Mm(165).twips) < 10  # still the text width between the margins
    # a scorecard column reaches the table through its entry alone
    unit = report_docx.Column("Đơn vị tính", "measure_unit", 1.2)
    monkeypatch.setattr(report_docx, "COLUMNS", [*report_docx.COLUMNS[:-1], unit])
    table = read(agency_report).tables[1]
    lead = agency_report.group("lead")
    assert [row.cells[-1].text for row in table.rows[1:]] == [
        u if isinstance(u, str) else "–" for u in lead.measure_unit
    ]


@pytest.mark.parametrize(
    ("name", "abbr"),
    [
        ("Sở Khoa học và Công nghệ", "SKHCN"),
        ("Văn phòng UBND tỉnh", "VPUBND"),
        ("Phòng Kinh tế thành phố Vĩnh Long", "PKT"),
        ("Sở Giáo dục và Đào tạo", "SGDDT"),
    ],
)
def test_document_symbol(name, abbr):
    assert report.abbreviation(name) == abbr


def test_file_names_are_ascii_with_period_and_subject(agency_report, unit_report):
    assert report.file_name(agency_report) == "bao-cao-cds-2024-so-thong-tin-va-truyen-thong.docx"
    assert report.file_name(unit_report) == "bao-cao-cds-2025-q3-ubnd-phuong-phuoc-hau.docx"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2025-Q9", "--agency", AGENCY], "Kỳ báo cáo không hợp lệ: '2025-Q9'"),
        (["--period", "2019", "--agency", AGENCY], "bản dữ liệu không có kỳ «2019»"),
        (["--period", "2025", "--agency", "KHONG-CO"], "Không có cơ quan mã «KHONG-CO»"),
        (["--period", "2025", "--unit", "x-khong-co"], "Không có phường, xã mã «x-khong-co»"),
        (["--period", "2025"], "cần --period và đúng một trong hai --agency"),
        (["--period", "2025", "--agency", AGENCY, "--unit", UNIT], "cần --period và đúng một trong hai"),
        (["--period", "2025", "--agency", AGENCY, "--out", "bao-cao.pdf"], "tệp ra phải có đuôi .docx"),
    ],
)
def test_cli_refuses_bad_input_in_vietnamese(shipped_data, tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(["--data", str(shipped_data.root), "report", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: ") and message in err
    assert not list(tmp_path.iterdir())


def test_cli_writes_the_default_file_name(shipped_data, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    args = ["--data", str(shipped_data.root), "report", "--period", UNIT_PERIOD, "--unit", UNIT, "--include-demo"]
    assert main(args) == 0
    out = tmp_path / "bao-cao-cds-2025-q3-ubnd-phuong-phuoc-hau.docx"
    said = capsys.readouterr().out
    assert out.exists() and f"Đã ghi dự thảo báo cáo {out.name}" in said and "số liệu minh họa" in said
    assert "TM. ỦY BAN NHÂN DÂN" in all_text(Document(str(out)))


@pytest.mark.usefixtures("clear_streamlit_caches")
@pytest.mark.parametrize(
    ("page", "params", "issuer"),
    [
        ("views/agencies.py", {"agency": AGENCY, "period": AGENCY_PERIOD}, "Sở Thông tin và Truyền thông"),
        ("views/units.py", {"unit": UNIT, "period": UNIT_PERIOD}, "UBND phường Phước Hậu"),
    ],
)
def test_pages_offer_the_draft_for_the_selected_subject(monkeypatch, shipped_data, page, params, issuer):
    monkeypatch.setenv("VLBOARD_DATA", str(shipped_data.root))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    buttons = [b for b in at.get("download_button") if "Tải dự thảo báo cáo (.docx)" in b.proto.label]
    assert len(buttons) == 1 and issuer in buttons[0].proto.help
    unselected = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    unselected.query_params["period"] = params["period"]
    unselected.run()
    unselected.switch_page(page).run()
    assert not [b for b in unselected.get("download_button") if "dự thảo" in b.proto.label]


# Debian's fonts-liberation 1.07, LibreOffice's metric-compatible replacement for "Times New Roman",
# lacks the letters of U+1EA0–1EF9 (ả, ế, ộ, …): LibreOffice then takes them one by one from another
# font and the PDF text comes out in pieces (the page looks right, its text layer does not). Office
# machines have Times New Roman itself; the test's private profile replaces it with DejaVu Serif
# (make setup installs it) through LibreOffice's own replacement table, until fonts-liberation2
# (2.1.5, the whole Vietnamese block) is installed.
REPLACEMENT_TABLE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Font/Substitution">
<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs"><node oor:name="_0" oor:op="replace">
<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>
<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>
<prop oor:name="ReplaceFont" oor:op="fuse"><value>Times New Roman</value></prop>
<prop oor:name="SubstituteFont" oor:op="fuse"><value>DejaVu Serif</value></prop></node></item>
</oor:items>
"""


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (make setup installs it)")
def test_libreoffice_opens_the_draft(agency_report, tmp_path):
    """The .docx opens in a real office suite: LibreOffice converts it to PDF, whose text has the
    title and a Vietnamese indicator name intact."""
    src = tmp_path / "bao-cao.docx"
    report_docx.write(agency_report, src)
    profile = tmp_path / "lo-profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(REPLACEMENT_TABLE)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True,
        timeout=180,
        check=True,
    )
    pdf = PdfReader(str(tmp_path / "bao-cao.pdf"))
    text = unicodedata.normalize("NFC", " ".join(page.extract_text() for page in pdf.pages))
    flat = " ".join(text.split())
    assert "BÁO CÁO" in flat and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Kết quả thực hiện các chỉ tiêu chuyển đổi số năm 2024" in flat
    name = agency_report.group("lead").name_vi.iloc[0]
    assert " ".join(name.split()[:6]) in flat  # the first words of a Vietnamese indicator name
