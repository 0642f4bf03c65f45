"""The «chưa duyệt» marks where decisions are made (issue 19), on a data folder where ward w1 has
imported a C-01 figure below its target and not submitted it: the indicator page's «Duyệt» column,
the overview's off-track table and caption, the wall's tag and footer, the pack's key message and
tables, the CSV download. Approved, the same screens carry no mark."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.app.test_pages import open_page
from tests.app.test_wall import open_wall, page_text
from tests.support.intake import EXPLAINED, WARD1, filled, intake_tables, run
from tests.unit.intake.conftest import _folder
from vlboard.api import routes, tokens
from vlboard.board import breakdowns, indicator, screens
from vlboard.domain import approval, filters
from vlboard.export import downloads, pack
from vlboard.intake import auth, cycle, imports
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")
P = "2025-Q3"
REVIEWER = auth.User("tham-dinh", "Sở KH&CN", "reviewer", plan="p-tp")


@pytest.fixture
def reported(tmp_path) -> snapshots.DataDir:
    d = _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_DELTA)
    imports.commit(d, WARD1, run(d, filled(d, {"C-01": {"value": 12, **EXPLAINED}}), WARD1))  # far below 70%, explained
    return d


def approve(d) -> None:
    cycle.act(d, WARD1, "submit", "unit", "w1", P, expected_state="chua_nop")
    cycle.act(d, REVIEWER, "approve", "unit", "w1", P, expected_state="da_nop")


def real() -> filters.Filters:
    return filters.Filters(period=P, source="real")


def test_board_frames_and_csv_carry_the_mark(reported):
    src = Snapshot.current(reported)
    card = screens.scorecard(src, real())
    worst = screens.overview.off_track(card)
    assert worst.set_index("Mã").loc["C-01", approval.COLUMN] == "chưa duyệt"
    assert list(worst.columns).index(approval.COLUMN) == list(worst.columns).index("Tình trạng") + 1
    mine = breakdowns.drill_down(screens.agency_rows(src, real(), card), card, "A-1", "lead")  # A-1 leads C-01
    assert mine.set_index("Mã").loc["C-01", approval.COLUMN] == "chưa duyệt"
    moved = screens.overview.movers(card, screens.scorecard(src, real(), "2025-Q2"))  # 55% (document) → 12%
    assert moved.set_index("Mã").loc["C-01", approval.COLUMN] == "chưa duyệt"
    values = indicator.results_table(src.q("indicator_results", code="C-01"), "%")
    csv = downloads.to_csv(values).decode("utf-8-sig")
    assert '"Duyệt"' in csv and "Chưa nộp (đang nhập)" in csv and "Văn bản" in csv
    approve(reported)
    src = Snapshot.current(reported)
    assert approval.COLUMN not in screens.overview.off_track(screens.scorecard(src, real())).columns
    values = indicator.results_table(src.q("indicator_results", code="C-01"), "%")
    assert "Đã duyệt" in set(values[approval.COLUMN]) and "Chưa nộp (đang nhập)" not in set(values[approval.COLUMN])


def test_pack_says_it_on_the_first_page_and_in_its_tables(reported):
    src = Snapshot.current(reported)
    options = screens.filter_options(src, False)
    p = pack.build(src, real(), options, snapshot_id=src.snapshot_id, now=dt.datetime(2025, 11, 1, 9, 0))
    first = p.pages[0]
    assert first.title.startswith("Thông điệp chính") and approval.message(1) in first.messages
    assert 3 <= len(first.messages) <= 5  # the page's limit holds with the added message
    marked = [pg for pg in p.pages if pg.table is not None and approval.COLUMN in pg.table.columns]
    assert marked and all("chưa duyệt" in set(pg.table[approval.COLUMN]) for pg in marked)
    assert any(pg.title.startswith("Chỉ tiêu chậm tiến độ") for pg in marked)


def test_indicator_and_overview_pages(monkeypatch, reported):
    at = open_page(monkeypatch, reported, "views/indicator.py", code="C-01", source="real", period=P)
    assert not at.exception
    tables = [t.value for t in at.dataframe if approval.COLUMN in t.value.columns]
    assert tables and "Chưa nộp (đang nhập)" in set(tables[0][approval.COLUMN])
    assert any(m.value.startswith("**✖ Chưa đạt** · ⚠ chưa duyệt — Quý III/2025") for m in at.markdown)
    at = open_page(monkeypatch, reported, "views/overview.py", source="real", period=P)
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "1 giá trị báo cáo chưa duyệt trong kỳ" in captions


def test_wall_tags_the_row_and_says_it_in_the_footer(monkeypatch, reported):
    at = open_wall(monkeypatch, reported, source="real", slides="offtrack", rotate="600")
    assert not at.exception
    shown = html.unescape(" ".join(m.value for m in at.markdown))
    assert re.search(r"<b>C-01</b> <span class='w-unapproved'>chưa duyệt</span> Tỷ lệ", shown)
    assert "1 giá trị báo cáo chưa duyệt trong kỳ" in page_text(at)
    approve(reported)
    at = open_wall(monkeypatch, reported, source="real", slides="offtrack", rotate="600")
    assert "<b>C&#45;01</b>" in " ".join(m.value for m in at.markdown)  # still off track, now approved
    assert "chưa duyệt" not in page_text(at) and "w-unapproved'>" not in " ".join(m.value for m in at.markdown)


def test_data_api_says_each_results_approval(monkeypatch, reported):
    monkeypatch.setenv("VLBOARD_DATA", str(reported.root))
    monkeypatch.setenv("VLBOARD_SECRETS", str(reported.root / "no-secrets.toml"))
    key = tokens.add(reported, "client", tokens.Scope(None))[0]
    routes.THROTTLE.reset()
    client = TestClient(Starlette(routes=routes.routes()))

    def approvals() -> dict:
        r = client.get(f"{routes.PREFIX}/results", params={"unit": "w1"}, headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200, r.text
        assert r.json()["approval_workflow"] is True
        return {(x["provenance"]["source"], x["period"]): x["approval"] for x in r.json()["data"]}

    assert approvals()[("report", P)] == "draft" and approvals()[("document", "2025-Q2")] == "document"
    cycle.act(reported, WARD1, "submit", "unit", "w1", P, expected_state="chua_nop")
    assert approvals()[("report", P)] == "submitted"
    cycle.act(reported, REVIEWER, "return", "unit", "w1", P, expected_state="da_nop", reason="Thiếu biên bản")
    assert approvals()[("report", P)] == "returned"


def test_pack_off_track_page_carries_the_explanation_as_text(reported):
    """Issue 20: the pack's off-track table says why (the ward's giải trình), hostile text kept as
    text in the table the PDF and the PPTX draw."""
    from vlboard.intake import commentary

    hostile = '<b>Thiếu</b> máy chủ =HYPERLINK("x")'
    commentary.explain(reported, WARD1, "C-01", P, "unit", "w1", hostile, "Thuê **đám mây**", "")
    src = Snapshot.current(reported)
    options = screens.filter_options(src, False)
    p = pack.build(src, real(), options, snapshot_id=src.snapshot_id, now=dt.datetime(2025, 11, 1, 9, 0))
    page = next(pg for pg in p.pages if pg.title.startswith("Chỉ tiêu chậm tiến độ"))
    row = page.table.set_index("Mã").loc["C-01"]
    assert row["Giải trình"] == f"Phường 1: {hostile} — Thuê **đám mây**"
    import io

    from pypdf import PdfReader

    from vlboard.export import pdf

    text = " ".join(pg.extract_text() for pg in PdfReader(io.BytesIO(pdf.render(p))).pages)
    assert "<b>Thiếu</b>" in text and "=HYPERLINK" in text and "**đám mây**" in text
