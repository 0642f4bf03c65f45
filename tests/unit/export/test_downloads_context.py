"""Exports carry their context: the CSV/XLSX header block, typed XLSX cells, the PNG footer and
the file names all name the filters they show; a hostile filter label stays inert."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import unicodedata

import pandas as pd
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook

from vlboard import charts
from vlboard.domain import filters
from vlboard.export import context, downloads, png

VI = downloads.VI
HOSTILE = '=cmd|" /C calc"!A0'
OPTIONS = filters.Options(
    plans={"qd3100-2023-tpvl": "QĐ 3100/QĐ-UBND (2023, TP Vĩnh Long)"},
    periods={"2025-Q3": "Quý III/2025", "2024": "Năm 2024"},
    agencies={"S-TTTT": "Sở Thông tin và Truyền thông"},
    units={"x2025-29557": "Phường Phước Hậu", "evil": HOSTILE, "markup": '<a href="x">Phường</a>'},
    default_period="2025-Q3",
)
TABLE = pd.DataFrame(
    {
        "Mã": ["TPVL-001", "1.234"],
        "Đơn vị": ["Phường Phước Hậu", "-2+3"],
        "Thực hiện": ["10,8%", "74%"],
        "Giá trị": ["1.234,5", "12"],
        "Năm": [2025, 2024],
        "Tỷ lệ": [0.5, 0.25],
        "Hạn cuối": ["31/12/2025", "–"],
        "Số phường": [3, 12],
    }
)


def ctx_of(params: dict, demo: bool | None = None) -> context.Context:
    f, notes = filters.parse(params, OPTIONS)
    assert notes == []
    return context.of(f, OPTIONS, date="30/09/2025", snapshot_id="20251001T000000Z-abc", demo=demo)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert unicodedata.is_normalized("NFC", text)
    return list(csv.reader(io.StringIO(text, newline="")))


def test_file_names_carry_the_filters_in_ascii():
    real = ctx_of({"period": "2025-Q3", "plan": "qd3100-2023-tpvl", "pillar": "xa_hoi_so", "source": "real"})
    name = context.file_name("tinh trang tru cot", real, "csv")
    assert name == "tinh-trang-tru-cot_2025-q3-qd3100-2023-tpvl-xa-hoi-so-so-lieu-that.csv"
    unit = ctx_of({"period": "2024", "unit": "x2025-29557", "agency": "S-TTTT"})
    assert context.file_name("Xếp hạng Quý III/2025", unit, "xlsx") == (
        "xep-hang-quy-iii-2025_2024-s-tttt-x2025-29557-gom-minh-hoa.xlsx"
    )
    evil = context.file_name(HOSTILE * 10, ctx_of({"unit": "evil"}), "png")
    assert re.fullmatch(r"[a-z0-9-]+_[a-z0-9-]+\.png", evil) and len(evil) <= 160
    assert context.file_name("bang", None, "csv") == "bang.csv"


def test_csv_starts_with_the_header_block_then_the_table():
    ctx = ctx_of({"period": "2025-Q3", "pillar": "xa_hoi_so"})
    rows = read_csv(downloads.to_csv(TABLE, ctx, "Chỉ tiêu chậm nhất"))
    assert [r[0] for r in rows[:6]] == [
        "Bảng điều hành CĐS Vĩnh Long",
        "Chỉ tiêu chậm nhất",
        "Bộ lọc: Quý III/2025 · Xã hội số · Gồm số liệu minh họa",
        "Số liệu đến 30/09/2025",
        "Bản dữ liệu 20251001T000000Z-abc",
        "Có số liệu minh họa",
    ]
    assert rows[6] == [] and rows[7] == list(TABLE.columns)
    assert rows[8][0] == "TPVL-001" and rows[9][1] == "'-2+3"  # injection still neutralised
    assert float(rows[8][4]) == 2025 and float(rows[9][5]) == 0.25  # numbers parse
    assert len(rows) == 8 + len(TABLE)
    real = read_csv(downloads.to_csv(TABLE, ctx_of({"source": "real"}), "Bảng"))
    assert "Có số liệu minh họa" not in [r[0] for r in real if r] and real[5] == []
    # a page without results carries no demo mark even with demo included
    assert "Có số liệu minh họa" not in downloads.to_csv(TABLE, ctx_of({}, demo=False), "B").decode("utf-8-sig")


def test_filters_in_words_come_from_describe():
    f, _ = filters.parse({"period": "2025-Q3", "agency": "S-TTTT", "source": "real"}, OPTIONS)
    ctx = context.of(f, OPTIONS, date="30/09/2025", snapshot_id="s")
    assert ctx.filters == filters.describe(f, OPTIONS)
    assert ctx.filters == "Quý III/2025 · Sở Thông tin và Truyền thông · Chỉ số liệu thật (văn bản, báo cáo)"


def test_hostile_filter_label_stays_inert_in_csv_and_xlsx():
    ctx = ctx_of({"unit": "evil"})
    assert HOSTILE in ctx.filters
    rows = read_csv(downloads.to_csv(TABLE, ctx, HOSTILE))
    assert rows[1][0] == "'" + HOSTILE and rows[2][0].startswith("Bộ lọc: ")
    ws = load_workbook(io.BytesIO(downloads.to_xlsx(TABLE, HOSTILE, ctx, HOSTILE))).active
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(v.startswith(downloads.DANGEROUS) for v in values), values
    assert ws["A2"].value == "'" + HOSTILE and ws["A2"].data_type == "s"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert "/" not in ws.title and len(ws.title) <= 31


def test_xlsx_keeps_numbers_and_dates_typed_with_vietnamese_formats():
    ctx = ctx_of({"period": "2025-Q3"})
    ws = load_workbook(io.BytesIO(downloads.to_xlsx(TABLE, "Bảng", ctx, "Bảng thử"))).active
    assert [ws.cell(row=i, column=1).value for i in range(1, 8)] == ctx.lines("Bảng thử") + [None]
    assert ws["A1"].font.bold and ws["A2"].value == "Bảng thử"
    header = [c.value for c in ws[8]]
    assert header == list(TABLE.columns) and all(c.font.bold for c in ws[8])
    assert ws.freeze_panes == "A9"
    first, second = ws[9], ws[10]
    assert first[0].value == "TPVL-001" and second[0].value == "1.234"  # a code column stays text
    assert second[1].value == "'-2+3" and second[1].data_type == "s"
    assert first[2].value == pytest.approx(0.108) and first[2].number_format == VI + "0.0%"
    assert second[2].value == pytest.approx(0.74) and second[2].number_format == VI + "0%"
    assert first[3].value == 1234.5 and first[3].number_format == VI + "#,##0.0"
    assert second[3].value == 12 and isinstance(second[3].value, int)
    assert first[4].value == 2025 and first[4].number_format == VI + "0"  # a year shows no separator
    assert first[5].value == 0.5 and first[5].number_format == VI + "#,##0.00"
    assert first[6].value.date() == dt.date(2025, 12, 31) and first[6].number_format == "dd/mm/yyyy"
    assert second[6].value == "–" and second[6].data_type == "s"
    assert first[7].value == 3 and first[7].number_format == VI + "#,##0"
    for row in (first, second):
        for c in row[2:6]:
            assert c.data_type == "n", (c.coordinate, c.value)
    widths = {k: ws.column_dimensions[k].width for k in "ABCDEFGH"}
    assert widths["B"] > widths["E"] and all(8 <= w <= 60 for w in widths.values())


def test_plain_downloads_are_unchanged_without_context():
    rows = read_csv(downloads.to_csv(TABLE))
    assert rows[0] == list(TABLE.columns)
    ws = load_workbook(io.BytesIO(downloads.to_xlsx(TABLE))).active
    assert ws["A1"].value == "Mã" and ws.freeze_panes == "A2"


@pytest.mark.parametrize(
    "text,value,fmt",
    [
        ("1.234,5", 1234.5, VI + "#,##0.0"),
        ("-2,25", -2.25, VI + "#,##0.00"),
        ("12.000", 12000, VI + "#,##0"),
        ("99,5%", 0.995, VI + "0.0%"),
        ("01/02/2025", dt.date(2025, 2, 1), "dd/mm/yyyy"),
    ],
)
def test_shown_numbers_read_back(text, value, fmt):
    assert downloads.parse_cell(text) == (value, fmt)


@pytest.mark.parametrize("text", ["029557", "1.2", "7% (4/59)", "31/02/2025", "12,5 triệu", "", "1,234.5"])
def test_text_that_is_not_exactly_a_number_stays_text(text):
    assert downloads.parse_cell(text) is None


def _figure() -> go.Figure:
    fig = go.Figure(go.Bar(x=["Chính quyền số", "Xã hội số"], y=[3, 5]))
    return charts.finish(
        fig, title="Tình trạng chỉ tiêu — Quý III/2025", data_date="30/09/2025", note="Có số liệu minh họa"
    )


def test_png_footer_states_filters_date_and_snapshot():
    fig = _figure()
    ctx = ctx_of({"period": "2025-Q3", "unit": "evil"})
    out = png.with_context(fig, ctx, 500)
    footer = [a for a in out.layout.annotations if a.name == "footer"]
    assert len(footer) == 1
    text = footer[0].text
    assert "Số liệu đến ngày 30/09/2025" in text and "Có số liệu minh họa" in text  # the figure's own lines kept
    assert text.count("Số liệu đến") == 1  # the data date once
    assert "Bộ lọc: Quý III/2025" in text and "Bản dữ liệu 20251001T000000Z-abc · Nguồn: vlboard" in text
    assert HOSTILE in text
    marked = png.with_context(fig, ctx_of({"unit": "markup"}), 500)
    text = [a for a in marked.layout.annotations if a.name == "footer"][0].text
    assert '&lt;a href="x"&gt;Phường&lt;/a&gt;' in text and "<a " not in text  # shown as text, not markup
    assert out.layout.height == 500 + out.layout.margin.b - fig.layout.margin.b
    assert out.layout.title.text == fig.layout.title.text and fig is not out
    assert [a.text for a in fig.layout.annotations if a.name == "footer"] != [text]  # the page's figure untouched


def test_png_footer_adds_the_data_date_when_the_figure_has_none():
    out = png.with_context(go.Figure(go.Bar(x=["a"], y=[1])), ctx_of({"period": "2024"}), 400)
    text = [a for a in out.layout.annotations if a.name == "footer"][0].text
    assert text.endswith("Số liệu đến 30/09/2025 · Bản dữ liệu 20251001T000000Z-abc · Nguồn: vlboard")
    assert text.startswith("Bộ lọc: Năm 2024") and out.layout.height > 400


def test_png_footer_wraps_a_long_filter_line():
    long = filters.Options(
        plans={"p": "Kế hoạch " + "rất dài " * 40},
        periods={"2024": "Năm 2024"},
        agencies={},
        units={},
        default_period="2024",
    )
    f, _ = filters.parse({"plan": "p"}, long)
    out = png.with_context(_figure(), context.of(f, long, date="31/12/2024", snapshot_id="s"), 500)
    lines = [a for a in out.layout.annotations if a.name == "footer"][0].text.split("<br>")
    assert len(lines) >= 4 and max(len(x) for x in lines) <= 1200 // 7


@pytest.mark.skipif(not png.available()[0], reason="no chromium/kaleido here")
def test_png_with_context_renders_taller_than_without():
    from PIL import Image

    fig = _figure()
    data = png.context_png(fig, ctx_of({"period": "2025-Q3"}), width=700, height=420)
    img = Image.open(io.BytesIO(data))
    assert img.size[0] == 1400 and img.size[1] > 840


def test_plotly_toolbar_speaks_vietnamese():
    config = charts.plotly_config("bieu do")
    assert config["locale"] == "vi"
    words = config["locales"]["vi"]["dictionary"]
    assert words["Download plot as a PNG"] == "Tải ảnh PNG" and words["Zoom in"] == "Phóng to"
    assert all(unicodedata.is_normalized("NFC", v) for v in words.values())


def test_every_table_on_a_page_has_a_vietnamese_title():
    """Every literal name given to ``ui.table`` (its 2nd argument) or ``briefing.with_outlook``
    (its 4th) in the pages has a Vietnamese title for the downloads' header block."""
    import ast
    from pathlib import Path

    from vlboard.ui import widgets

    root = Path(__file__).resolve().parents[3]
    sources = [*root.joinpath("views").glob("*.py"), root / "vlboard" / "ui" / "briefing.py"]
    names, fixed = set(), set()
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = ast.unparse(node.func)
            at = {"ui.table": 1, "table": 1, "briefing.with_outlook": 3}.get(func)
            if at is None or len(node.args) <= at:
                continue
            arg = node.args[at]
            if isinstance(arg, ast.Constant):
                names.add(arg.value)
            elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                fixed.add(arg.values[0].value)
    assert len(names) >= 15, names
    assert sorted(n for n in names if n not in widgets.TITLES) == []
    assert all(any(p.startswith(x) for x in widgets.PREFIXES) for p in fixed), fixed
    assert widgets.table_title("doi chieu CN-01") == "Đối chiếu mục tiêu CN-01"


def _libreoffice_csv(src, out, *, shown: bool, home) -> list[str]:
    """``src`` converted by LibreOffice (private profile, English locale) to CSV:
    semicolon, UTF-8, every text cell quoted, numbers as shown (with their format) or raw."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{home}/lo-profile",
            "--headless",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):59,34,76,1,,1033,true,true,{'true' if shown else 'false'}",
            "--outdir",
            str(out),
            str(src),
        ],
        env={**os.environ, "HOME": str(home), "LC_ALL": "C.UTF-8"},
        capture_output=True,
        timeout=180,
        check=True,
    )
    return (out / f"{src.stem}.csv").read_text(encoding="utf-8").splitlines()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (make setup installs it)")
def test_libreoffice_reads_the_xlsx_numbers_as_numbers_with_vietnamese_separators(tmp_path):
    ctx = ctx_of({"period": "2025-Q3", "unit": "evil"})
    src = tmp_path / "bang.xlsx"
    src.write_bytes(downloads.to_xlsx(TABLE, "Bảng", ctx, "Bảng thử"))
    raw = _libreoffice_csv(src, tmp_path / "raw", shown=False, home=tmp_path)
    assert raw[0].startswith('"Bảng điều hành CĐS Vĩnh Long"') and raw[6].strip(";") == ""
    assert raw[2].startswith('"Bộ lọc: Quý III/2025 · =cmd|')  # the hostile label is text inside a text cell
    assert raw[7].split(";")[:2] == ['"Mã"', '"Đơn vị"']
    # text cells come out quoted, numeric cells bare: the numbers are numbers in LibreOffice
    first, second = raw[8].split(";"), raw[9].split(";")
    assert first[:2] == ['"TPVL-001"', '"Phường Phước Hậu"'] and second[:2] == ['"1.234"', '"\'-2+3"']
    assert first[2:6] + first[7:] == ["10,8%", "1234,5", "2025", "0,5", "3"], first
    assert second[6] == '"–"'
    shown = _libreoffice_csv(src, tmp_path / "shown", shown=True, home=tmp_path)
    # as shown, in an English-locale LibreOffice: the file's Vietnamese separators, dd/mm/yyyy
    assert shown[8].split(";")[2:] == ["10,8%", "1.234,5", "2025", "0,50", "31/12/2025", "3"], shown[8]
