"""The meeting pack as PDF (fpdf2, landscape A4, Noto Sans embedded)."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from vlboard.export import pack

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


def render(p: pack.Pack, *, progress: Callable[[int, int, str], None] | None = None) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(True, margin=12)
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


def _figures(pdf: FPDF, page: pack.Page, source: str) -> None:
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    n = len(page.figures)
    width = usable / n if n > 1 else min(usable, 250)
    y = pdf.get_y() + 2
    heights = []
    for k, (fig, w, h) in enumerate(page.figures):
        img = pack.render_png(fig, w, h, source)
        x = pdf.l_margin + k * width
        pdf.image(io.BytesIO(img), x=x, y=y, w=width - 2)
        heights.append((width - 2) * h / w)
    pdf.set_y(y + max(heights) + 4)
    if pdf.get_y() > pdf.h - 40:
        pdf.add_page()


def _table(pdf: FPDF, page: pack.Page) -> None:
    df = page.table.head(page.max_rows)
    pdf.set_font("Noto", "", 9)
    widths = _widths(df)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5.5, headings_style=_heading_style()) as t:
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


def _widths(df) -> tuple[int, ...]:
    """Wider columns for longer text, never narrower than 1 share."""
    lengths = [max([len(str(c))] + [len(pack.cell(v)) for v in df[c].head(50)]) for c in df.columns]
    return tuple(max(1, min(40, n)) for n in lengths)


def write(p: pack.Pack, out: Path, **kw) -> Path:
    out.write_bytes(render(p, **kw))
    return out
