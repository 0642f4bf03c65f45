"""The meeting pack opens on its key messages (board/narrative.key_messages): 3–5 sentences, with
real and demo data, inside the PPTX slide at a readable size and in the PDF's text."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.util import Pt
from pypdf import PdfReader

from vlboard.board import screens
from vlboard.domain import filters
from vlboard.export import pack, pdf, pptx
from vlboard.store.source import Snapshot


@pytest.fixture(scope="module")
def packs(shipped_data):
    src = Snapshot.current(shipped_data)
    out = {}
    for source in ("all", "real"):
        options = screens.filter_options(src, source == "all")
        f, _ = filters.parse({"source": source}, options)
        p = pack.build(src, f, options, snapshot_id=src.snapshot_id)
        p.png_ok = False  # tables and text only: the geometry of the messages is what is checked
        out[source] = p
    yield out
    src.con.close()


@pytest.mark.parametrize("source", ["all", "real"])
def test_first_page_holds_three_to_five_messages_inside_the_slide(packs, source):
    p = packs[source]
    first = p.pages[0]
    assert first.title.startswith("Thông điệp chính") and 3 <= len(first.messages) <= 5
    assert all(m and "None" not in m and "nan" not in m for m in first.messages)
    prs = Presentation(io.BytesIO(pptx.render(p)))
    slide = prs.slides[1]
    boxes = [s for s in slide.shapes if s.has_text_frame and "•" in s.text_frame.text]
    assert len(boxes) == 1
    box = boxes[0]
    assert box.left >= 0 and box.top >= 0
    assert box.left + box.width <= prs.slide_width and box.top + box.height <= prs.slide_height
    sizes = {r.font.size for para in box.text_frame.paragraphs for r in para.runs}
    assert min(sizes) >= Pt(14)
    assert box.text_frame.text.count("•") == len(first.messages)
    text = " ".join(pg.extract_text() for pg in PdfReader(io.BytesIO(pdf.render(p))).pages[:3])
    assert "Thông điệp chính" in " ".join(text.split())


def test_message_size_shrinks_to_fit():
    short, long = ["Một câu ngắn."], ["x" * 400] * 5
    assert pptx.message_size(short, 12.3, 5.8) == 28
    assert 14 <= pptx.message_size(long, 12.3, 5.8) < 28
