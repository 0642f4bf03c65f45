"""The meeting pack as PPTX (python-pptx, 16:9, editable titles and tables, charts as images)."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from pathlib import Path

from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from vlboard.export import pack

ROWS_PER_SLIDE = 12


def _t(text) -> str:
    return unicodedata.normalize("NFC", pack.cell(text))


def _title(slide, text: str, prs) -> None:
    box = slide.shapes.title
    box.left, box.top, box.width, box.height = Inches(0.4), Inches(0.2), prs.slide_width - Inches(0.8), Inches(0.9)
    box.text = _t(text)
    for para in box.text_frame.paragraphs:
        for run in para.runs:
            run.font.size = Pt(28)
            run.font.name = "Noto Sans"


def render(p: pack.Pack, *, progress: Callable[[int, int, str], None] | None = None) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    layout = prs.slide_layouts[5]  # title only
    steps = len(p.pages) + 1
    cover = prs.slides.add_slide(layout)
    _title(cover, pack.TITLE, prs)
    rows = [(k, v) for k, v in p.cover.items() if k != "Tiêu đề"]
    if not p.png_ok:
        rows.append(("Biểu đồ", f"Bộ tài liệu này chỉ có bảng: {p.png_reason}"))
    _add_table(cover, prs, ["Mục", "Nội dung"], rows, top=Inches(1.4))
    if progress:
        progress(1, steps, "Trang bìa")
    source = pack.source_line(p)
    for i, page in enumerate(p.pages, start=2):
        slide = prs.slides.add_slide(layout)
        _title(slide, page.title, prs)
        top = Inches(1.2)
        if page.messages:
            _messages(slide, prs, page.messages, top)
        if p.png_ok and page.figures:
            top = _pictures(slide, prs, page, source, top)
        if page.lines:
            box = slide.shapes.add_textbox(Inches(0.5), top, prs.slide_width - Inches(1), Inches(0.6))
            box.text_frame.text = _t("\n".join(page.lines))
            top += Inches(0.7)
        if page.table is not None and not page.table.empty:
            df = page.table.head(page.max_rows)
            chunks = [df.iloc[k : k + ROWS_PER_SLIDE] for k in range(0, len(df), ROWS_PER_SLIDE)]
            first = True
            for chunk in chunks:
                target = slide
                if not first or top > Inches(5.8):
                    target = prs.slides.add_slide(layout)
                    _title(target, f"{page.title} (tiếp)", prs)
                    top = Inches(1.2)
                _add_table(target, prs, list(df.columns), chunk.itertuples(index=False), top=top)
                first = False
        if progress:
            progress(i, steps, page.title)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def message_size(messages: list[str], width_in: float, height_in: float) -> int:
    """The largest font size (pt, 28 down to 14) at which the bullets fit the box: characters per
    line estimated at 0.5 em per character, lines 1.2 em high plus 0.5 em between bullets."""
    for size in (28, 24, 22, 20, 18, 16, 14):
        per_line = max(1, int(width_in * 72 / (0.5 * size)))
        lines = sum(-(-(len(m) + 2) // per_line) for m in messages)
        if (lines * 1.2 + len(messages) * 0.5) * size / 72 <= height_in:
            return size
    return 14


def _messages(slide, prs, messages: list[str], top) -> None:
    """Key messages in one word-wrapped text box that stays inside the slide."""
    width, height = prs.slide_width - Inches(1), prs.slide_height - top - Inches(0.4)
    size = message_size(messages, width / 914400, height / 914400)
    frame = slide.shapes.add_textbox(Inches(0.5), top, width, height).text_frame
    frame.word_wrap = True
    for k, text in enumerate(messages):
        para = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        para.text = "• " + _t(text)
        para.space_after = Pt(size // 2)
        for run in para.runs:
            run.font.size = Pt(size)
            run.font.name = "Noto Sans"


def _pictures(slide, prs, page: pack.Page, source: str, top) -> Emu:
    n = len(page.figures)
    usable = prs.slide_width - Inches(0.8)
    width = int(usable / n)
    max_h = Inches(3.2) if page.table is not None else Inches(5.6)
    heights = []
    for k, (fig, w, h) in enumerate(page.figures):
        img = pack.render_png(fig, w, h, source)
        pic_w = width - Inches(0.1)
        pic_h = int(pic_w * h / w)
        if pic_h > max_h:
            pic_w, pic_h = int(max_h * w / h), max_h
        slide.shapes.add_picture(io.BytesIO(img), Inches(0.4) + k * width, top, width=pic_w, height=pic_h)
        heights.append(pic_h)
    return top + max(heights) + Inches(0.15)


def _add_table(slide, prs, header: list[str], rows, *, top) -> None:
    rows = [list(r) for r in rows]
    shape = slide.shapes.add_table(
        len(rows) + 1, len(header), Inches(0.4), top, prs.slide_width - Inches(0.8), Inches(0.3) * (len(rows) + 1)
    )
    table = shape.table
    for j, h in enumerate(header):
        table.cell(0, j).text = _t(h)
    for i, r in enumerate(rows, start=1):
        for j, v in enumerate(r):
            table.cell(i, j).text = _t(v)
    for row in table.rows:
        for c in row.cells:
            for para in c.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(11)


def write(p: pack.Pack, out: Path, **kw) -> Path:
    out.write_bytes(render(p, **kw))
    return out
