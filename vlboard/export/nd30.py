"""Nghị định 30/2020/NĐ-CP, Phụ lục I, as python-docx primitives: the A4 page and its margins (top
and bottom 20 mm, left 30 mm, right 15 mm), Times New Roman set for every script of a run (Word
and LibreOffice keep Vietnamese in it or in their metric-compatible substitute), the page number
centred in the top margin from page 2, paragraphs, the short rules under the issuer and the
motto, fixed-width tables and rows that repeat or do not split."""

from __future__ import annotations

import unicodedata

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
PAGE_W, MARGIN_L, MARGIN_R = Mm(210), Mm(30), Mm(15)
TEXT_W_CM = (210 - 30 - 15) / 10
DOTS = "……"


def nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text))


def font(run, size: float, bold: bool = False, italic: bool = False):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), FONT)
    return run


def para(container, text: str = "", size: float = BODY_PT, *, bold=False, italic=False, align=None, space=3.0):
    p = container.add_paragraph()
    if text:
        font(p.add_run(nfc(text)), size, bold, italic)
    p.alignment = align
    p.paragraph_format.space_after = Pt(space)
    p.paragraph_format.space_before = Pt(0)
    return p


def rule(container, width_cm: float, cell_cm: float) -> None:
    """A centred line ``width_cm`` long under the previous paragraph (NĐ 30's short rules): the
    bottom border of an empty 2-pt paragraph indented to that width."""
    p = para(container, "", 2, space=0)
    side = max(0.0, (cell_cm - width_cm) / 2)
    p.paragraph_format.left_indent = Cm(side)
    p.paragraph_format.right_indent = Cm(side)
    p.paragraph_format.line_spacing = Pt(2)
    p._p.get_or_add_pPr().append(borders("w:pBdr", ("bottom",), "6"))


def borders(tag: str, edges: tuple[str, ...], size: str):
    """A border element (paragraph or table) with a single black line on ``edges``."""
    borders = OxmlElement(tag)
    for edge in edges:
        e = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", size), ("w:space", "0"), ("w:color", "000000")):
            e.set(qn(key), value)
        borders.append(e)
    return borders


def setup_page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = MARGIN_L, MARGIN_R
    section.header_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    rpr.append(lang)
    # page number centred in the top margin, not on the first page (NĐ 30, Phụ lục I)
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    field.append(OxmlElement("w:r"))
    p._p.append(field)


def fixed_table(table, widths_cm: list[float]) -> None:
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(Cm(w).twips)))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm):
            cell.width = Cm(w)


def row_flags(row, header: bool) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page
