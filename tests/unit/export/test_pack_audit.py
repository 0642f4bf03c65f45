"""The meeting pack's last page: «Phụ lục: Đối chiếu chỉ tiêu giữa các kế hoạch», the same
concepts as the page (screens.target_audit), in the PDF text and the PPTX."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pypdf import PdfReader

from vlboard.board import audit, screens
from vlboard.domain import filters
from vlboard.export import pack, pdf, pptx
from vlboard.store.source import Snapshot


def build(shipped_data, monkeypatch, **params):
    monkeypatch.setenv("VLBOARD_NO_PNG", "1")
    src = Snapshot.current(shipped_data)
    options = screens.filter_options(src, False)
    f, notes = filters.parse({"source": "real", **params}, options)
    assert notes == []
    return src, pack.build(src, f, options, snapshot_id=src.snapshot_id)


def test_appendix_is_the_last_page_with_the_conflicts_of_the_audit(shipped_data, monkeypatch):
    src, p = build(shipped_data, monkeypatch)
    last = p.pages[-1]
    assert last.title == pack.AUDIT_TITLE
    items = screens.target_audit(src)
    want = audit.appendix_table(items)
    assert last.table is not None and last.table.equals(want)
    assert set(last.table["Khái niệm"]) == {c.label for c in items if c.conflict}
    assert last.lines[0] == audit.short_summary(items)

    text = " ".join(pg.extract_text() for pg in PdfReader(io.BytesIO(pdf.render(p))).pages)
    flat = " ".join(text.split())
    assert pack.AUDIT_TITLE in flat and "DA2702-2025-32" in flat and audit.SOFTER in flat

    prs = Presentation(io.BytesIO(pptx.render(p)))
    titles = (pack.AUDIT_TITLE, f"{pack.AUDIT_TITLE} (tiếp)")  # 14 pt rows continue under the same header
    slides = [s for s in prs.slides if s.shapes.title.text in titles]
    assert 1 <= len(slides) <= 2, "compact: the appendix fits two slides at most"
    assert slides[-1] == prs.slides[len(prs.slides) - 1]
    cells = [c.text for s in slides for sh in s.shapes if sh.has_table for row in sh.table.rows for c in row.cells]
    assert audit.SOFTER in cells and "Người dân có tài khoản thanh toán điện tử" in cells
    for sh in (sh for s in slides for sh in s.shapes):  # inside the slide
        assert sh.left >= 0 and sh.left + sh.width <= prs.slide_width
        assert sh.top >= 0 and sh.top + sh.height <= prs.slide_height


@pytest.mark.parametrize(
    ("params", "expect"),
    [({"pillar": "kinh_te_so"}, {"Tỷ trọng kinh tế số trong GRDP"}), ({"plan": "kh-kts-xhs-2025"}, set())],
)
def test_appendix_follows_the_pillar_and_plan_filters(shipped_data, monkeypatch, params, expect):
    _, p = build(shipped_data, monkeypatch, **params)
    last = p.pages[-1]
    got = set() if last.table is None else set(last.table["Khái niệm"])
    assert got == expect
    if not expect:
        assert "không đặt mục tiêu mâu thuẫn" in last.lines[1]
