"""Exports: meeting packs (PDF/PPTX) read back, PNG not blank, safe downloads, CLI, no-Chromium path."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import unicodedata

import pandas as pd
import pytest
from openpyxl import load_workbook
from PIL import Image, ImageStat
from pptx import Presentation
from pypdf import PdfReader

from tests.support.fixtures import ROOT
from vlboard import charts
from vlboard.board import screens
from vlboard.domain import filters
from vlboard.export import downloads, pack, pdf, png, pptx
from vlboard.store.source import Snapshot

NEEDS_PNG = pytest.mark.skipif(
    not png.available()[0] and not __import__("os").environ.get("CI"), reason="no chromium/kaleido here"
)


@pytest.fixture(scope="module")
def content(shipped_data):
    src = Snapshot.current(shipped_data)
    options = screens.filter_options(src, True)
    f, notes = filters.parse({"pillar": "xa_hoi_so", "period": "2025-Q3"}, options)
    assert notes == []
    return pack.build(src, f, options, snapshot_id=src.snapshot_id), src.snapshot_id


def not_blank(png_bytes: bytes) -> bool:
    img = Image.open(io.BytesIO(png_bytes)).convert("L")
    stat = ImageStat.Stat(img)
    return stat.stddev[0] > 10 and len(img.getcolors(maxcolors=1 << 16) or ()) > 20


@NEEDS_PNG
def test_pdf_pack_reads_back_with_vietnamese_and_filters(content, tmp_path):
    p, sid = content
    steps = []
    data = pdf.render(p, progress=lambda i, n, label: steps.append((i, n)))
    assert steps[-1][0] == steps[-1][1] == len(p.pages) + 1
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= len(p.pages) + 1
    cover = reader.pages[0].extract_text()
    assert unicodedata.is_normalized("NFC", cover)
    for needle in ("Bộ tài liệu họp", "Chuyển đổi số tỉnh Vĩnh Long", "Quý III/2025", "Xã hội số", sid):
        assert needle in cover, needle
    text = " ".join(pg.extract_text() for pg in reader.pages)
    assert "Trụ cột xã hội số" in text and "Chỉ tiêu chậm tiến độ" in text and "Nhiệm vụ quá hạn" in text
    # the first content page, rendered back to an image, is not blank
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "2", "-l", "2", str(path), str(tmp_path / "pg")], check=True)
    assert not_blank((tmp_path / "pg-02.png").read_bytes())


@NEEDS_PNG
def test_pptx_pack_reads_back_with_titles_tables_and_pictures(content):
    p, sid = content
    prs = Presentation(io.BytesIO(pptx.render(p)))
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[0] == pack.TITLE and "Tổng quan — Quý III/2025" in titles
    assert any(t.startswith("Trụ cột xã hội số") for t in titles)
    cover_cells = [c.text for sh in prs.slides[0].shapes if sh.has_table for row in sh.table.rows for c in row.cells]
    assert sid in cover_cells and any("Xã hội số" in c for c in cover_cells)
    assert all(unicodedata.is_normalized("NFC", c) for c in cover_cells)
    pictures = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) >= 4  # 3 gauges + the pillar chart at least
    assert prs.slide_width > prs.slide_height  # 16:9


@NEEDS_PNG
def test_server_png_has_vietnamese_title_date_and_is_not_blank():
    fig = charts.pillar_gauge(72.5, 3, 8, pillar_label="Chính quyền số", data_date="30/09/2025")
    data = pack.render_png(fig, 700, 420, "Nguồn: vlboard · bản dữ liệu X")
    assert data[:4] == b"\x89PNG" and not_blank(data)
    img = Image.open(io.BytesIO(data))
    assert img.size == (1400, 840)  # scale 2


def test_pack_without_chromium_still_has_tables(shipped_data, monkeypatch):
    monkeypatch.setenv("VLBOARD_NO_PNG", "1")
    src = Snapshot.current(shipped_data)
    options = screens.filter_options(src, True)
    f, _ = filters.parse({}, options)
    p = pack.build(src, f, options, snapshot_id=src.snapshot_id)
    assert not p.png_ok and "VLBOARD_NO_PNG" in p.png_reason
    text = " ".join(pg.extract_text() for pg in PdfReader(io.BytesIO(pdf.render(p))).pages)
    assert "Bộ tài liệu này chỉ có bảng" in text and "Phụ lục" in text
    prs = Presentation(io.BytesIO(pptx.render(p)))
    assert not [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
    with pytest.raises(RuntimeError, match="VLBOARD_NO_PNG"):
        png.figure_png(charts.pillar_gauge(1, 1, 1, pillar_label="x"))


def test_same_snapshot_and_filters_give_the_same_pack(shipped_data):
    import datetime as dt

    src = Snapshot.current(shipped_data)
    options = screens.filter_options(src, True)
    f, _ = filters.parse({"plan": "qd3100-2023-tpvl"}, options)
    now = dt.datetime(2026, 11, 23, 9, 0)
    a, b = (pack.build(src, f, options, snapshot_id=src.snapshot_id, now=now) for _ in range(2))
    assert a.cover == b.cover and [p.title for p in a.pages] == [p.title for p in b.pages]
    for pa, pb in zip(a.pages, b.pages):
        assert (pa.table is None and pb.table is None) or pa.table.equals(pb.table)


@pytest.mark.parametrize("evil", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_injection_is_neutralised_in_csv_and_xlsx(evil):
    df = pd.DataFrame({"Tên": [evil, "Phường 1"], "Giá trị": [1.5, 2.0]})
    import csv

    rows = list(csv.reader(io.StringIO(downloads.to_csv(df).decode("utf-8-sig"), newline="")))
    assert rows[1][0] == "'" + evil and rows[2][0] == "Phường 1" and rows[0] == ["Tên", "Giá trị"]
    ws = load_workbook(io.BytesIO(downloads.to_xlsx(df, "Dữ liệu"))).active
    assert ws["A2"].value == "'" + evil and ws["A2"].data_type == "s"
    assert ws["A1"].value == "Tên" and ws["B2"].value == 1.5


def test_cli_export_and_unknown_filter(shipped_data, tmp_path):
    out = tmp_path / "hop.pptx"
    env = {**__import__("os").environ, "VLBOARD_NO_PNG": "1"}
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "vlboard",
            "--data",
            str(shipped_data.root),
            "export",
            "--format",
            "pptx",
            "--out",
            str(out),
            "--plan",
            "qd2702-2024",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert ok.returncode == 0, ok.stderr
    assert out.exists() and "Đã ghi" in ok.stdout and "[##############################]" in ok.stderr
    from pptx import Presentation

    assert f"KB, {len(Presentation(str(out)).slides)} trang)" in ok.stdout  # the slides written, not the pack's pages
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "vlboard",
            "--data",
            str(shipped_data.root),
            "export",
            "--format",
            "pdf",
            "--out",
            str(tmp_path / "x.pdf"),
            "--pillar",
            "kinh_te",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert bad.returncode == 2 and "Lỗi: Bộ lọc trụ cột 'kinh_te' không có trong dữ liệu." in bad.stderr
    assert not (tmp_path / "x.pdf").exists()


PLACEHOLDER = __import__("re").compile(r"(?<![\w/])(None|nan|NaN|NaT|null|empty|undefined|No data)(?![\w/])")


def _pack_text(p: pack.Pack) -> str:
    parts = list(p.cover.values())
    for page in p.pages:
        parts.append(page.title)
        parts += page.lines
        if page.table is not None:
            parts += [str(c) for c in page.table.columns]
            parts += [pack.cell(v) or "None" for v in page.table.astype(object).to_numpy().ravel()]
    return "\n".join(parts)


def test_pack_with_real_data_only_has_figures_or_says_which_period_has(shipped_data):
    src = Snapshot.current(shipped_data)
    options = screens.filter_options(src, False)
    for period in options.periods:
        f, _ = filters.parse({"source": "real", "period": period}, options)
        p = pack.build(src, f, options, snapshot_id=src.snapshot_id)
        titles = [pg.title for pg in p.pages]
        assert any(t.startswith("Nhiệm vụ quá hạn") for t in titles)  # tasks never depend on results
        text = _pack_text(p)
        assert not PLACEHOLDER.search(text), (period, PLACEHOLDER.search(text).group(0))
        brief = screens.briefing(src, f, dt.date.today())
        assert p.pages[0].title.startswith("Thông điệp chính") and p.pages[1].title.startswith("Tổng quan")
        first = p.pages[1]  # the overview page, after the key messages (test_key_messages.py)
        if brief.judged:
            assert first.figures and not any("chưa có chỉ tiêu nào đủ điều kiện" in x for x in first.lines)
            assert any(t.startswith("Xếp hạng cơ quan") for t in titles) == (not brief.league.empty)
        else:
            line = first.lines[0]
            assert f"{options.periods[period]}: chưa có chỉ tiêu nào đủ điều kiện so với mục tiêu" in line
            if brief.latest:
                assert options.periods[brief.latest] in line and f"period={brief.latest}" in line


def test_pack_league_is_the_agencies_page_league(shipped_data):
    src = Snapshot.current(shipped_data)
    options = screens.filter_options(src, True)
    f, _ = filters.parse({"period": "2025-Q2"}, options)
    p = pack.build(src, f, options, snapshot_id=src.snapshot_id)
    page = [pg for pg in p.pages if pg.title.startswith("Xếp hạng cơ quan")][0]
    card = screens.narrow(screens.full_card(src, "2025-Q2", True), src, f)
    assert list(page.table["Cơ quan"]) == list(screens.agency_league(src, f, card, "lead").name.head(15))
    assert "UBND 11 phường" in set(page.table["Cơ quan"])  # collective leads are ranked, as on the page
