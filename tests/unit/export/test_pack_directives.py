"""The meeting pack's «Chỉ đạo quá hạn» (issue 20): first after the cover when a leader's directive
is past its deadline, its text whole and shown as text in the PDF and the PPTX; none overdue → no
page, one line «Không có chỉ đạo quá hạn tại ngày dd/mm/yyyy» among the key messages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pptx import Presentation
from pypdf import PdfReader

from tests.app.test_wall_directives import HOSTILE, with_overdue
from vlboard.board import screens
from vlboard.domain import filters
from vlboard.domain.vocab import VN_TZ
from vlboard.export import directives, pack, pdf, pptx
from vlboard.store.source import Snapshot

TEXT = HOSTILE.strip()  # as stored: NFC, stripped


def build(data, monkeypatch, source="all"):
    monkeypatch.setenv("VLBOARD_NO_PNG", "1")
    src = Snapshot.current(data)
    options = screens.filter_options(src, source == "all")
    f, _ = filters.parse({"source": source}, options)
    return pack.build(src, f, options, snapshot_id=src.snapshot_id, now=dt.datetime.now(VN_TZ))


@pytest.fixture(scope="module")
def late_data(shipped_data, tmp_path_factory):
    return with_overdue(shipped_data, tmp_path_factory.mktemp("late"), days_late=40)


@pytest.mark.parametrize("source", ["all", "real"])
def test_overdue_directives_are_the_first_page_with_the_whole_text(late_data, monkeypatch, source):
    p = build(late_data, monkeypatch, source)
    first = p.pages[0]
    today = dt.datetime.now(VN_TZ).date()
    assert first.title == f"Chỉ đạo quá hạn — tại ngày {today:%d/%m/%Y}"
    row = first.table.iloc[0]
    assert row["Hạn (quá hạn)"] == f"{today - dt.timedelta(days=40):%d/%m/%Y} (40 ngày)"
    said = " ".join(first.table["Nội dung chỉ đạo (cuộc họp)"])  # a long text goes on in «(tiếp)» rows
    assert said == f"{TEXT} (cuộc họp: <b>Giao ban</b> **tháng**)"  # whole, as written
    assert list(first.table["Hạn (quá hạn)"][1:]) == ["(tiếp)"] * (len(first.table) - 1) and len(first.table) == 2
    assert row["Số liệu tại ngày ban hành và nay"].startswith("Từ ")
    assert not first.table.iloc[:1].astype(str).isin(["nan", "None", "NaT", ""]).any().any()
    assert "1 chỉ đạo của lãnh đạo đã quá hạn" in first.lines[0]
    assert not any("Không có chỉ đạo quá hạn" in m for page in p.pages for m in page.messages)


def test_hostile_text_is_text_in_the_pdf_and_the_pptx(late_data, monkeypatch):
    p = build(late_data, monkeypatch)
    text = "".join(PdfReader(io.BytesIO(pdf.render(p))).pages[1].extract_text().split())
    for piece in ("<script>alert(1)</script></div>**bold**", '=HYPERLINK("x")', "cuộchọp:<b>Giaoban</b>**tháng**)"):
        assert piece in text
    assert text.count("chỉđạodài") == 48  # the long text printed whole
    prs = Presentation(io.BytesIO(pptx.render(p)))
    cells = [
        c.text
        for slide in list(prs.slides)[1:4]
        for shape in slide.shapes
        if shape.has_table
        for r in shape.table.rows
        for c in r.cells
    ]
    said = " ".join(c for c in cells if c.startswith(("<script>", "chỉ đạo dài")))
    assert said == f"{TEXT} (cuộc họp: <b>Giao ban</b> **tháng**)"  # whole, literally
    title = next(s for s in list(prs.slides)[1].shapes if s.has_text_frame).text_frame.text
    assert title.startswith("Chỉ đạo quá hạn")


@pytest.mark.parametrize("source", ["all", "real"])
def test_none_overdue_one_line_among_the_key_messages(shipped_data, monkeypatch, source):
    p = build(shipped_data, monkeypatch, source)
    today = dt.datetime.now(VN_TZ).date()
    assert not any(page.title.startswith("Chỉ đạo quá hạn") for page in p.pages)
    first = p.pages[0]
    assert first.title.startswith("Thông điệp chính") and 1 <= len(first.messages) <= 5
    assert f"Không có chỉ đạo quá hạn tại ngày {today:%d/%m/%Y}." in first.messages


@pytest.mark.parametrize(
    "text, size, expected",
    [
        ("ngắn", 10, ["ngắn"]),
        ("một hai ba bốn", 7, ["một hai", "ba bốn"]),
        ("một hai ba bốn", 8, ["một hai", "ba bốn"]),
        ("abcdefghij kl", 4, ["abcd", "efgh", "ij", "kl"]),  # a word longer than a piece is cut inside
        ("", 5, [""]),
    ],
)
def test_long_texts_are_cut_between_words_and_nothing_is_lost(text, size, expected):
    got = directives.pieces(text, size)
    assert got == expected and all(len(p) <= size for p in got)


def test_a_two_thousand_character_directive_fits_the_slides_whole(tmp_path):
    import pandas as pd

    text = ("Rà soát toàn bộ quy trình cấp tài khoản định danh điện tử tại bộ phận một cửa; " * 30)[:2000]
    row = dict(
        text=text,
        meeting="",
        deadline_text="30/09/2026",
        days_late=66,
        owner_name="Sở Công Thương",
        target_label="Chỉ tiêu TPVL-002 — Duy trì tỷ lệ dịch vụ công trực tuyến toàn trình",
        evidence="Từ 01/08/2026: 68,1% → 66,2%, khoảng cách tới mục tiêu tăng 2,9 điểm %.",
    )
    table = directives.table(pd.DataFrame([row]))
    assert (
        " ".join(table["Nội dung chỉ đạo (cuộc họp)"]) == text and len(table) == 6
    )  # 2.000 ÷ ≤ 400, cut between words
    p = pack.Pack([pack.Page("Chỉ đạo quá hạn", table=table, max_rows=30)], {"Số liệu đến ngày": "x"}, False, "")
    prs = Presentation(io.BytesIO(pptx.render(p)))
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:  # every row inside the slide, above the footer
                assert shape.top + sum(r.height for r in shape.table.rows) < prs.slide_height * 0.93
