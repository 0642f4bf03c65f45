"""The meeting pack as PDF (fpdf2, landscape A4, Noto Sans embedded)."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from vlboard.export import layout, pack

FONT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/truetype/dejavu")
FONTS = {"": ("NotoSans-Regular.ttf", "DejaVuSans.ttf"), "B": ("NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf")}


def _font_file(style: str) -> str:
    for d in FONT_DIRS:
        for name in FONTS[style]:
            p = Path(d) / name
            if p.exists():
                return str(p)
    raise RuntimeError("Thiếu phông chữ tiếng Việt (fonts-noto-core): chạy «make setup».")


def _t(text) -> str:
    return unicodedata.normalize("NFC", pack.cell(text))


class _PDF(FPDF):
    """Landscape A4 with the footer (data date, filters, page n/N) on every page."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Noto", "", 9)
        self.set_text_color(68, 68, 68)
        width = self.w - self.l_margin - self.r_margin
        self.cell(width - 25, 5, _t(self.footer_text))
        self.cell(25, 5, f"Trang {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def render(p: pack.Pack, *, progress: Callable[[int, int, str], None] | None = None) -> bytes:
    pdf = _PDF(orientation="L", format="A4")
    pdf.footer_text = p.footer
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(pack.TITLE)
    pdf.set_creator("vlboard")
    for style in ("", "B"):
        pdf.add_font("Noto", style, _font_file(style))
    symbols = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if symbols.exists():  # ✔ ✖ ◐ ≥ … are not in Noto Sans
        pdf.add_font("Symbols", "", str(symbols))
        pdf.set_fallback_fonts(["Symbols"], exact_match=False)
    steps = len(p.pages) + 1
    pdf.add_page()
    pdf.set_font("Noto", "B", 24)
    pdf.multi_cell(0, 14, _t(pack.TITLE), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    for key, value in p.cover.items():
        if key == "Tiêu đề":
            continue
        pdf.set_font("Noto", "B", 13)
        pdf.cell(55, 9, _t(key))
        pdf.set_font("Noto", "", 13)
        pdf.multi_cell(0, 9, _t(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not p.png_ok:
        pdf.ln(4)
        pdf.set_font("Noto", "", 11)
        pdf.multi_cell(0, 7, _t(f"Bộ tài liệu này chỉ có bảng: {p.png_reason}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if progress:
        progress(1, steps, "Trang bìa")
    source = pack.source_line(p)
    for i, page in enumerate(p.pages, start=2):
        pdf.add_page()
        pdf.set_font("Noto", "B", 18)
        pdf.multi_cell(0, 10, _t(page.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if page.messages:
            _messages(pdf, page.messages)
        if p.png_ok and page.figures:
            _figures(pdf, page, source)
        for line in page.lines:
            pdf.set_font("Noto", "", 12)
            pdf.multi_cell(0, 7, _t(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if page.table is not None and not page.table.empty:
            if p.png_ok and page.figures and pdf.get_y() > pdf.h * 0.6 and len(page.table) > 4:
                pdf.add_page()  # a long table after a chart starts on its own page, titled
                pdf.set_font("Noto", "B", 18)
                pdf.multi_cell(0, 10, _t(f"{page.title} (tiếp)"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            _table(pdf, page)
        if progress:
            progress(i, steps, page.title)
    return bytes(pdf.output())


def _messages(pdf: FPDF, messages: list[str]) -> None:
    """Key messages: one bullet each, 16 pt, wrapped inside the page's margins."""
    pdf.ln(3)
    for text in messages:
        pdf.set_font("Noto", "B", 16)
        pdf.cell(8, 9, "•")
        pdf.set_font("Noto", "", 16)
        pdf.multi_cell(0, 9, _t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)


SLIDE_IN = 12.5  # inches: the width a chart is composed for (the PPTX slide's content width)


def _figures(pdf: FPDF, page: pack.Page, source: str) -> None:
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    n = len(page.figures)
    width = usable / n
    y = pdf.get_y() + 2
    room = pdf.h - 16 - y - (45 if page.table is not None and n > 1 else 0)
    heights = []
    for k, (fig, w, h) in enumerate(page.figures):
        pic_w = width - 2
        pic_h = min(room, pic_w * h / w)
        # drawn as on a 12,5-inch slide and set in the page's 10,7 inches: text ≥ 12 pt on paper,
        # and a bar's value still fits beside its name
        k_slide = max(1.0, SLIDE_IN / (pic_w / 25.4)) if n == 1 else 1.0
        img = layout.placed_png(fig, k_slide * pic_w / 25.4, k_slide * pic_h / 25.4, source)
        x = pdf.l_margin + k * width
        pdf.image(io.BytesIO(img), x=x, y=y, w=pic_w, h=pic_h)
        heights.append(pic_h)
    pdf.set_y(y + max(heights) + 4)
    if pdf.get_y() > pdf.h - 40:
        pdf.add_page()


def _table(pdf: FPDF, page: pack.Page) -> None:
    df = page.table.head(page.max_rows)
    pdf.set_font("Noto", "", 10)
    widths = _widths(df, (pdf.w - pdf.l_margin - pdf.r_margin) / 25.4 * 72)
    style = _heading_style()
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5, headings_style=style, repeat_headings=1) as t:
        row = t.row()
        for c in df.columns:
            row.cell(_t(c))
        for values in df.itertuples(index=False):
            row = t.row()
            for v in values:
                row.cell(_t(v))
    if len(page.table) > page.max_rows:
        pdf.set_font("Noto", "", 9)
        pdf.cell(0, 6, _t(f"… và {len(page.table) - page.max_rows} dòng nữa (xem phụ lục hoặc tải CSV)."))


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=(230, 236, 245))


def _widths(df, width_pt: float) -> tuple[float, ...]:
    """Column widths by content (``layout.column_widths`` at the table's 10 pt)."""
    rows = [[pack.cell(v) for v in r] for r in df.itertuples(index=False)]
    return tuple(layout.column_widths([str(c) for c in df.columns], rows, width_pt, 10))


def write(p: pack.Pack, out: Path, **kw) -> Path:
    out.write_bytes(render(p, **kw))
    return out


def count(out: Path) -> int:
    """Pages of a written PDF (a long table runs over several pages: not the pack's page count)."""
    return len(re.findall(rb"/Type\s*/Page\b", out.read_bytes()))
