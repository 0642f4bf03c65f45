"""The meeting pack as PPTX (python-pptx, 16:9, editable titles and tables, charts as images).

Every slide: a title, content between ``TOP`` and ``BOTTOM`` and a footer (data date, filters,
slide number) at 12 pt. Tables take column widths by content (``layout``), rows 14 pt with their
height measured, and continue on the next slide under the same header; charts are rendered at the
size they are placed, with text at least 14 pt.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from vlboard.export import layout, pack

W, H = 13.333, 7.5  # inches, 16:9
MARGIN = 0.4
TOP, BOTTOM = 1.15, 6.85  # content area, inches
BODY, FOOTER, TITLE = 14, 12, 26  # pt
CELL_PAD = 3  # pt, top and bottom margin of a table cell
SLACK = 0.3  # inches kept free above the footer under a table: office suites may draw rows a little taller
FIG_MIN = 2.4  # inches: a chart lower than this goes to its own slide with the table after it


def _t(text) -> str:
    return unicodedata.normalize("NFC", pack.cell(text))


def _runs(frame, size: int, *, bold: bool = False, color: RGBColor | None = None) -> None:
    for para in frame.paragraphs:
        for run in para.runs:
            run.font.size = Pt(size)
            run.font.name = "Noto Sans"
            run.font.bold = bold
            if color is not None:
                run.font.color.rgb = color


def _title(slide, text: str) -> None:
    box = slide.shapes.title
    box.left, box.top, box.width, box.height = Inches(MARGIN), Inches(0.2), Inches(W - 2 * MARGIN), Inches(0.85)
    box.text = _t(text)
    fits = layout.chars_per_line((W - 2 * MARGIN) * 72 - 14, TITLE)
    _runs(box.text_frame, TITLE if len(box.text) <= fits else 20, bold=True)
    box.text_frame.word_wrap = True


class Deck:
    def __init__(self) -> None:
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(W), Inches(H)
        self.layout = self.prs.slide_layouts[5]  # title only

    def slide(self, title: str):
        s = self.prs.slides.add_slide(self.layout)
        _title(s, title)
        return s

    def text(self, slide, lines: list[str], top: float, size: int = BODY) -> float:
        """A word-wrapped text box; returns the inch below it."""
        width = W - 2 * MARGIN
        h = layout.text_height(lines, width * 72 - 14, size) / 72 + 0.15
        frame = slide.shapes.add_textbox(Inches(MARGIN), Inches(top), Inches(width), Inches(h)).text_frame
        frame.word_wrap = True
        frame.text = _t("\n".join(lines))
        _runs(frame, size)
        return top + h + 0.1

    def table(self, title: str, slide, header: list[str], rows: list[list[str]], top: float, size: int = BODY):
        """The table from ``top``, continued on new slides (header repeated) as its rows need."""
        width = W - 2 * MARGIN
        spec = layout.table(header, rows, width * 72, size, 2 * CELL_PAD)
        pieces = spec.pieces((BOTTOM - SLACK - top) * 72, (BOTTOM - SLACK - TOP) * 72)
        for k, piece in enumerate(pieces):
            if k == 0 and not piece:
                continue
            if k > 0 or top is None:
                slide, top = self.slide(f"{title} (tiếp)"), TOP
            self._table(slide, spec, piece, top)

    def _table(self, slide, spec: layout.Table, piece: list[int], top: float) -> None:
        heights = [spec.header_height()] + [spec.row_height(spec.rows[i]) for i in piece]
        shape = slide.shapes.add_table(
            len(piece) + 1, len(spec.header), Inches(MARGIN), Inches(top), Inches(W - 2 * MARGIN), Pt(sum(heights))
        )
        table = shape.table
        for j, w in enumerate(spec.widths):
            table.columns[j].width = Pt(w)
        for r, h in enumerate(heights):
            table.rows[r].height = Pt(h)
        for r, values in enumerate([spec.header] + [spec.rows[i] for i in piece]):
            for j, v in enumerate(values):
                c = table.cell(r, j)
                c.text = _t(v)
                c.margin_top = c.margin_bottom = Pt(CELL_PAD)
                c.margin_left = c.margin_right = Pt(layout.EM * spec.size)
                c.text_frame.word_wrap = True
                _runs(c.text_frame, int(spec.size), bold=r == 0)
        shape.width = Emu(sum(table.columns[j].width for j in range(len(spec.widths))))

    def footers(self, text: str) -> None:
        n = len(self.prs.slides)
        grey = RGBColor(0x44, 0x44, 0x44)
        for i, s in enumerate(self.prs.slides, start=1):
            left = s.shapes.add_textbox(
                Inches(MARGIN), Inches(BOTTOM + 0.05), Inches(W - 2 * MARGIN - 1.3), Inches(0.55)
            )
            left.text_frame.word_wrap = True
            left.text_frame.text = _t(text)
            _runs(left.text_frame, FOOTER, color=grey)
            right = s.shapes.add_textbox(Inches(W - MARGIN - 1.3), Inches(BOTTOM + 0.05), Inches(1.3), Inches(0.35))
            right.text_frame.text = f"{i}/{n}"
            right.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
            _runs(right.text_frame, FOOTER, color=grey)


def render(p: pack.Pack, *, progress: Callable[[int, int, str], None] | None = None) -> bytes:
    deck = Deck()
    steps = len(p.pages) + 1
    cover = deck.slide(pack.TITLE)
    rows = [[k, v] for k, v in p.cover.items() if k != "Tiêu đề"]
    if not p.png_ok:
        rows.append(["Biểu đồ", f"Bộ tài liệu này chỉ có bảng: {p.png_reason}"])
    deck.table(pack.TITLE, cover, ["Mục", "Nội dung"], [[_t(a), _t(b)] for a, b in rows], TOP + 0.2, size=16)
    if progress:
        progress(1, steps, "Trang bìa")
    source = pack.source_line(p)
    for i, page in enumerate(p.pages, start=2):
        _page(deck, p, page, source)
        if progress:
            progress(i, steps, page.title)
    deck.footers(p.footer)
    buf = io.BytesIO()
    deck.prs.save(buf)
    return buf.getvalue()


def _page(deck: Deck, p: pack.Pack, page: pack.Page, source: str) -> None:
    slide = deck.slide(page.title)
    top = TOP
    if page.messages:
        _messages(slide, page.messages, top)
        return
    df = None
    if page.table is not None and not page.table.empty:
        df = page.table.head(page.max_rows)
    header = [] if df is None else [str(c) for c in df.columns]
    rows = [] if df is None else [[_t(v) for v in r] for r in df.itertuples(index=False)]
    if page.lines:
        top = deck.text(slide, page.lines, top)
    if p.png_ok and page.figures:
        room = BOTTOM - top
        if rows:
            spec = layout.table(header, rows, (W - 2 * MARGIN) * 72, BODY, 2 * CELL_PAD)
            need = (spec.header_height() + sum(spec.row_height(r) for r in rows)) / 72 + SLACK + 0.15
            if room - need >= FIG_MIN or (len(page.figures) > 1 and room - need >= FIG_MIN / 2):
                room -= need
        top = _pictures(slide, page, source, top, min(room, BOTTOM - top))
        if rows and BOTTOM - top < 1.0:
            slide, top = deck.slide(f"{page.title} (tiếp)"), TOP
    if rows:
        deck.table(page.title, slide, header, rows, top)
    if df is not None and len(page.table) > page.max_rows:
        last = deck.prs.slides[len(deck.prs.slides) - 1]
        note = f"… và {len(page.table) - page.max_rows} dòng nữa (xem phụ lục hoặc tải CSV)."
        deck.text(last, [note], BOTTOM - 0.45, size=BODY)


def message_size(messages: list[str], width_in: float, height_in: float) -> int:
    """The largest font size (pt, 28 down to 14) at which the bullets fit the box: characters per
    line estimated at 0.5 em per character, lines 1.2 em high plus 0.5 em between bullets."""
    for size in (28, 24, 22, 20, 18, 16, 14):
        per_line = max(1, int(width_in * 72 / (0.5 * size)))
        lines = sum(-(-(len(m) + 2) // per_line) for m in messages)
        if (lines * 1.2 + len(messages) * 0.5) * size / 72 <= height_in:
            return size
    return 14


def _messages(slide, messages: list[str], top: float) -> None:
    """Key messages in one word-wrapped text box that stays inside the slide."""
    width, height = W - 2 * MARGIN, BOTTOM - top - 0.1
    size = message_size(messages, width, height)
    frame = slide.shapes.add_textbox(Inches(MARGIN), Inches(top), Inches(width), Inches(height)).text_frame
    frame.word_wrap = True
    for k, text in enumerate(messages):
        para = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        para.text = "• " + _t(text)
        para.space_after = Pt(size // 2)
        for run in para.runs:
            run.font.size = Pt(size)
            run.font.name = "Noto Sans"


def _pictures(slide, page: pack.Page, source: str, top: float, room: float) -> float:
    """The page's charts side by side across the slide, ``room`` inches high at most, each rendered
    at its placed size; returns the inch below them."""
    n = len(page.figures)
    width = (W - 2 * MARGIN) / n
    heights = []
    for k, (fig, w, h) in enumerate(page.figures):
        pic_w = width - (0.1 if n > 1 else 0)
        pic_h = min(room - 0.05, pic_w * h / w if n > 1 else room - 0.05)
        img = layout.placed_png(fig, pic_w, pic_h, source)
        slide.shapes.add_picture(
            io.BytesIO(img), Inches(MARGIN + k * width), Inches(top), width=Inches(pic_w), height=Inches(pic_h)
        )
        heights.append(pic_h)
    return top + max(heights) + 0.1


def write(p: pack.Pack, out: Path, **kw) -> Path:
    out.write_bytes(render(p, **kw))
    return out


def count(out: Path) -> int:
    """Slides of a written deck (a long table runs over several slides)."""
    return len(Presentation(str(out)).slides)
