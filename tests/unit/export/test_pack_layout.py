"""The meeting pack as a presenter shows it: every shape and table row inside its slide, body text
at least 14 pt and footers 12 pt, the footer (data date, filters, n/N) on every slide and PDF page,
tables continued under the same header; rendered through LibreOffice and pdftoppm, nothing is cut."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import plotly.graph_objects as go
import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Pt
from pypdf import PdfReader

from vlboard.board import screens
from vlboard.domain import filters
from vlboard.export import layout, pack, pdf, png, pptx
from vlboard.store.source import Snapshot


@pytest.fixture(scope="module")
def packs(shipped_data):
    src = Snapshot.current(shipped_data)
    out = {}
    for source in ("all", "real"):
        options = screens.filter_options(src, source == "all")
        f, _ = filters.parse({"source": source}, options)
        p = pack.build(src, f, options, snapshot_id=src.snapshot_id)
        p.png_ok = False  # tables and text: their geometry is what is checked here
        card = screens.scorecard(src, f)
        p.n_indicators = 0 if card is None else len(card)  # type: ignore[attr-defined]
        out[source] = p
    yield out
    src.con.close()


def _runs(shape):
    frames = [shape.text_frame] if shape.has_text_frame else []
    if shape.has_table:
        frames = [c.text_frame for row in shape.table.rows for c in row.cells]
    return [r for fr in frames for para in fr.paragraphs for r in para.runs if r.text.strip()]


@pytest.mark.parametrize("source", ["all", "real"])
def test_every_shape_and_row_inside_its_slide_at_readable_sizes(packs, source):
    p = packs[source]
    prs = Presentation(io.BytesIO(pptx.render(p)))
    n = len(prs.slides)
    footer_top = pptx.BOTTOM * 914400
    for i, slide in enumerate(prs.slides, start=1):
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        assert p.footer in texts and f"{i}/{n}" in texts, i
        for sh in slide.shapes:
            assert sh.left >= 0 and sh.top >= 0, (i, sh.name)
            assert sh.left + sh.width <= prs.slide_width and sh.top + sh.height <= prs.slide_height, (i, sh.name)
            footer = sh.has_text_frame and (sh.text_frame.text == p.footer or sh.text_frame.text == f"{i}/{n}")
            least = Pt(12) if footer else Pt(14)
            assert all(r.font.size is not None and r.font.size >= least for r in _runs(sh)), (i, sh.name)
            if sh.has_table:  # the rows as laid out end above the footer
                assert sh.top + sum(r.height for r in sh.table.rows) <= footer_top, (i, sh.name)
                widths = [c.width for c in sh.table.columns]
                assert len(set(widths)) > 1 or len(widths) == 1, "columns sized by content"


def test_long_tables_continue_under_the_same_header(packs):
    p = packs["all"]
    appendix = next(pg for pg in p.pages if pg.title.startswith("Phụ lục: chỉ tiêu có số liệu"))
    prs = Presentation(io.BytesIO(pptx.render(p)))
    slides = [s for s in prs.slides if s.shapes.title.text.startswith(appendix.title)]
    assert len(slides) > 1
    header = list(appendix.table.columns)
    codes = []
    for s in slides:
        (table,) = [sh.table for sh in s.shapes if sh.has_table]
        assert [c.text for c in table.rows[0].cells] == header
        codes += [row.cells[0].text for k, row in enumerate(table.rows) if k]
    assert codes == [pptx._t(c) for c in appendix.table["Mã"]]  # every row once, in order


def test_the_appendix_leaves_no_indicator_out(packs):
    """Indicators with a figure get a row; the others are listed by code under their status."""
    for p in packs.values():
        pages = [pg for pg in p.pages if pg.title.startswith("Phụ lục: ") and pg.table is not None]
        pages = [pg for pg in pages if "Mã" in pg.table or "Mã chỉ tiêu" in pg.table]
        codes = [c for pg in pages if "Mã" in pg.table for c in pg.table["Mã"]]
        listed = [
            c.strip()
            for pg in pages
            if "Mã chỉ tiêu" in pg.table
            for m in pg.table["Mã chỉ tiêu"]
            for c in m.split(",")
        ]
        assert len(codes) == len(set(codes)) and not set(codes) & set(listed)
        column = "Tình trạng (số chỉ tiêu)"
        counted = sum(
            int(t.rsplit("(", 1)[1].rstrip(")"))
            for pg in pages
            if column in pg.table
            for t in pg.table[column]
            if t != "(tiếp)"
        )
        assert counted == len(listed)
        assert p.n_indicators > 0 and len(codes) + len(listed) == p.n_indicators


def test_names_wrap_to_three_lines_at_most():
    names = ["Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình trên tổng số hồ sơ " * 1]
    rows = [["TPVL-001", "✖ Chưa đạt", n, "73,6%", "mục tiêu 2025 ≥ 100%"] for n in names]
    spec = layout.table(["Mã", "Tình trạng", "Chỉ tiêu", "Thực hiện", "Mục tiêu"], rows, 12.5 * 72, 14, 6)
    assert spec.widths[2] == max(spec.widths) and abs(sum(spec.widths) - 12.5 * 72) < 1
    assert spec.row_height(rows[0]) <= 3 * layout.LINE * 14 + 6
    assert layout.wrapped_lines("một hai ba", 3) == 3 and layout.wrapped_lines("x" * 10, 4) == 3


@pytest.mark.parametrize("source", ["all", "real"])
def test_pdf_has_the_footer_and_page_number_on_every_page(packs, source):
    p = packs[source]
    reader = PdfReader(io.BytesIO(pdf.render(p)))
    n = len(reader.pages)
    for i, page in enumerate(reader.pages, start=1):
        text = " ".join(page.extract_text().split())
        assert " ".join(p.footer.split()) in text and f"Trang {i}/{n}" in text, i


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (make setup installs it)")
def test_libreoffice_draws_every_slide_with_every_last_row(packs, tmp_path):
    p = packs["real"]
    src = tmp_path / "hop.pptx"
    pptx.write(p, src)
    prs = Presentation(str(src))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path), str(src)],
        env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True,
        timeout=300,
        check=True,
    )
    reader = PdfReader(str(tmp_path / "hop.pdf"))
    assert len(reader.pages) == len(prs.slides)
    for k, slide in enumerate(prs.slides):
        text = "".join(reader.pages[k].extract_text().split())  # a code may wrap inside its cell
        for sh in slide.shapes:
            if sh.has_table:
                last = sh.table.rows[len(sh.table.rows) - 1].cells[0].text
                assert "".join(last.split()) in text, (k + 1, last)
        assert f"{k + 1}/{len(prs.slides)}" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", "-l", "3", str(tmp_path / "hop.pdf"), str(tmp_path / "s")], check=True
    )
    assert len(list(tmp_path.glob("s-*.png"))) == 3
    # the PDF pack: pdftoppm draws every page, none blank
    (tmp_path / "pack.pdf").write_bytes(pdf.render(p))
    pages = len(PdfReader(str(tmp_path / "pack.pdf")).pages)
    subprocess.run(["pdftoppm", "-png", "-r", "20", str(tmp_path / "pack.pdf"), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == pages
    assert all(len(Image.open(im).convert("L").getcolors(1 << 16) or ()) > 5 for im in images)


@pytest.mark.skipif(not png.available()[0], reason="no chromium/kaleido here")
def test_charts_are_rendered_at_their_placed_size_inside_the_slide(shipped_data):
    src = Snapshot.current(shipped_data)
    options = screens.filter_options(src, True)
    f, _ = filters.parse({"pillar": "xa_hoi_so", "period": "2025-Q3"}, options)
    p = pack.build(src, f, options, snapshot_id=src.snapshot_id)
    prs = Presentation(io.BytesIO(pptx.render(p)))
    pictures = [(i, sh) for i, s in enumerate(prs.slides) for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) >= 4
    for i, sh in pictures:
        assert sh.top + sh.height <= pptx.BOTTOM * 914400 and sh.left + sh.width <= prs.slide_width, i
        w, h = Image.open(io.BytesIO(sh.image.blob)).size
        # 2 image pixels per CSS px, 96 CSS px per inch: fonts of 19 CSS px are 14 pt on the slide
        assert abs(w / (sh.width / 914400) - 192) < 2 and abs(h / (sh.height / 914400) - 192) < 2, (i, w, h)
    src.con.close()


def test_fonts_are_raised_for_projection():
    fig = go.Figure(go.Bar(x=[1], y=["a"], text=["x"], textfont=dict(size=9)))
    fig.update_layout(font=dict(size=11), title=dict(text="t", font=dict(size=30)))
    fig.add_annotation(text="n", font=dict(size=8))
    big = layout.enlarge_fonts(fig, pack_px := 19)
    assert big.layout.font.size == pack_px and big.layout.title.font.size == 30
    assert big.data[0].textfont.size == pack_px and big.layout.annotations[0].font.size == pack_px
