"""The drafted «Báo cáo kết quả thực hiện» as an editable .docx (python-docx), laid out as
Nghị định 30/2020/NĐ-CP, Phụ lục I prescribes for an administrative document: A4, margins top and
bottom 20 mm, left 30 mm, right 15 mm, Times New Roman 13–14 pt (every script of the run, so Word
and LibreOffice keep Vietnamese in it or in a metric-compatible substitute); the header as a
borderless two-column table (superior body and issuer with a short rule and «Số: …/BC-…»; the
national motto with its rule, place and date to fill in), the title, sections I–IV, the
«Nơi nhận» and signing blocks, and page numbers from page 2.

The indicator table is built from ``COLUMNS``, one spec per column: adding a column (e.g. the
outlook, «Khả năng đạt») is one line there, and a row without that field prints «–».
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.shared import Cm, Pt

from vlboard.board import report as rep
from vlboard.board import report_text
from vlboard.export.nd30 import (
    BODY_PT,
    DOTS,
    TABLE_PT,
    TEXT_W_CM,
    borders,
    fixed_table,
    font,
    nfc,
    para,
    row_flags,
    rule,
    setup_page,
)


@dataclass(frozen=True)
class Column:
    """One column of the indicator table: its header, the report row's field it prints (a
    missing field prints «–»), its relative width and alignment."""

    header: str
    field: str
    weight: float
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT


COLUMNS = [
    Column("STT", "stt", 1.3, WD_ALIGN_PARAGRAPH.CENTER),
    Column("Chỉ tiêu", "indicator", 5.0),
    Column("Kế hoạch", "plan_text", 2.4),
    Column("Kết quả", "result_text", 2.9),
    Column("Đánh giá", "status_text", 1.8, WD_ALIGN_PARAGRAPH.CENTER),
    Column("Ghi chú/Giải trình", "note", 3.0),
    Column("Khả năng đạt", "outlook", 1.6),
]


LEFT_CM = 6.8  # the header's left column: superior body, issuer, number


def _header(doc, r: rep.Report) -> None:
    s = r.subject
    right_cm = TEXT_W_CM - LEFT_CM
    table = doc.add_table(rows=1, cols=2)
    fixed_table(table, [LEFT_CM, right_cm])
    left, right = table.rows[0].cells
    first = left.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first.paragraph_format.space_after = Pt(0)
    if s.superior:
        font(first.add_run(nfc(s.superior.upper())), 12)
        para(left, s.issuer.upper(), 12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space=0)
    else:
        font(first.add_run(nfc(s.issuer.upper())), 12, bold=True)
    rule(left, 2.2, LEFT_CM)
    para(left, "", 8, space=0)
    para(left, f"Số: {DOTS}/BC-{s.abbr}", 13, align=WD_ALIGN_PARAGRAPH.CENTER)
    motto = right.paragraphs[0]
    font(motto.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12, bold=True)
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    motto.paragraph_format.space_after = Pt(0)
    para(right, "Độc lập - Tự do - Hạnh phúc", 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space=0)
    rule(right, 5.6, right_cm)
    para(right, "", 8, space=0)
    para(
        right,
        f"Vĩnh Long, ngày {DOTS} tháng {DOTS} năm 20{DOTS}",
        13,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )


def _heading(doc, text: str, keep: bool = True) -> None:
    p = para(doc, text, BODY_PT, bold=True, space=6)
    p.paragraph_format.keep_with_next = keep
    p.paragraph_format.first_line_indent = Cm(1)


def _body(doc, text: str, *, italic=False):
    p = para(doc, text, BODY_PT, italic=italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space=6)
    p.paragraph_format.first_line_indent = Cm(1)
    return p


def _cell(cell, text: str, align, *, bold=False) -> None:
    p = cell.paragraphs[0]
    font(p.add_run(nfc(text)), TABLE_PT, bold)
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)


def cells(row: dict, n: int) -> list[str]:
    """The texts of one table row, in COLUMNS order."""
    values = {
        **row,
        "stt": str(n),
        "indicator": f"{row['name_vi']} ({row['indicator_code']})",
    }
    out = []
    for c in COLUMNS:
        v = values.get(c.field)
        out.append("–" if v is None or (isinstance(v, float) and v != v) or v == "" else str(v))
    return out


def _table(doc, rows) -> None:
    total = sum(c.weight for c in COLUMNS)
    widths = [TEXT_W_CM * c.weight / total for c in COLUMNS]
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table._tbl.tblPr.append(borders("w:tblBorders", ("top", "left", "bottom", "right", "insideH", "insideV"), "4"))
    fixed_table(table, widths)
    row_flags(table.rows[0], header=True)
    for cell, c in zip(table.rows[0].cells, COLUMNS):
        _cell(cell, c.header, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    for n, row in enumerate(rows.to_dict("records"), start=1):
        tr = table.add_row()
        row_flags(tr, header=False)
        for cell, c, text, w in zip(tr.cells, COLUMNS, cells(row, n), widths):
            cell.width = Cm(w)
            _cell(cell, text, c.align)


def _closing(doc, r: rep.Report) -> None:
    table = doc.add_table(rows=1, cols=2)
    fixed_table(table, [7.5, TEXT_W_CM - 7.5])
    row_flags(table.rows[0], header=False)  # the two blocks stay together on one page
    left, right = table.rows[0].cells
    p = left.paragraphs[0]
    font(p.add_run("Nơi nhận:"), 12, bold=True, italic=True)
    p.paragraph_format.space_after = Pt(0)
    for line in ("- Như trên;", "- Lưu: VT."):
        para(left, line, 11, space=0)
    sign = right.paragraphs[0]
    sign.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sign.paragraph_format.space_after = Pt(0)
    if r.subject.is_commune:
        font(sign.add_run("TM. ỦY BAN NHÂN DÂN"), 14, bold=True)
        para(right, "CHỦ TỊCH", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space=0)
    else:
        font(sign.add_run("THỦ TRƯỞNG CƠ QUAN"), 14, bold=True)
    para(right, "(Ký, ghi rõ họ tên, đóng dấu)", 13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, space=60)
    para(right, DOTS * 3, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def render(r: rep.Report) -> bytes:
    doc = Document()
    setup_page(doc)
    _header(doc, r)
    para(doc, "", BODY_PT, space=6)
    para(doc, "BÁO CÁO", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space=0)
    para(
        doc,
        f"Kết quả thực hiện các chỉ tiêu chuyển đổi số {r.period_phrase}",
        14,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space=18,
    )
    _heading(doc, "I. KẾT QUẢ CHUNG")
    for line in report_text.summary(r):
        _body(doc, line)
    _heading(doc, "II. KẾT QUẢ THỰC HIỆN TỪNG CHỈ TIÊU")
    if r.rows.empty:
        _body(doc, f"{rep.NO_DATA}.")
    else:
        groups = [g for g in rep.GROUPS if not r.group(g).empty]
        for i, role in enumerate(groups, start=1):
            if rep.GROUPS[role]:
                _heading(doc, f"{i}. {rep.GROUPS[role]}", keep=False)
            _table(doc, r.group(role))
            para(doc, "", 6, space=0)
    _heading(doc, "III. TỒN TẠI, HẠN CHẾ")
    for line in report_text.shortcomings(r):
        _body(doc, line)
    _heading(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    mark = _body(doc, report_text.PROPOSALS, italic=True)
    for run in mark.runs:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    _body(
        doc,
        f"Trên đây là báo cáo kết quả thực hiện các chỉ tiêu chuyển đổi số {r.period_phrase} của {r.subject.issuer}./.",
    )
    _closing(doc, r)
    props = doc.core_properties
    props.title = nfc(f"Báo cáo kết quả thực hiện các chỉ tiêu chuyển đổi số {r.period_phrase}")
    props.subject = nfc(r.subject.issuer)
    props.author = "vlboard (dự thảo)"
    props.language = "vi-VN"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def write(r: rep.Report, out: Path) -> Path:
    out.write_bytes(render(r))
    return out
