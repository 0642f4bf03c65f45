"""The approval of reported values (sql/macros/06_approval.sql) through the reporting cycle: an
imported report is a draft, then submitted, returned, approved and, reopened, a draft again; the
indicator page's rows, the data API and the scorecard's count of unapproved values say the same."""

from __future__ import annotations

import pytest

from tests.support.intake import ADMIN, EXPLAINED, WARD1, filled, intake_tables, run
from tests.unit.intake.conftest import _folder
from vlboard.board import screens
from vlboard.domain import approval, filters
from vlboard.intake import auth, cycle, imports
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

P = "2025-Q3"
REVIEWER = auth.User("tham-dinh", "Sở KH&CN", "reviewer", plan="p-tp")


@pytest.fixture
def folder(tmp_path) -> snapshots.DataDir:
    return _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_DELTA)


def seen(d) -> tuple[str, str, int, str]:
    """(indicator page approval, data API approval, scorecard n_unapproved, «Duyệt» mark) of C-01 in w1."""
    src = Snapshot.current(d)
    rows = src.q("indicator_results", code="C-01")
    page = rows[(rows.source == "report") & (rows.unit_code == "w1") & (rows.period == P)]
    assert len(page) == 1
    api = src.q(
        "api_results", plan=None, pillar=None, agency=None, unit="w1", period=P, include_demo=False, limit=50, offset=0
    )
    api = api[(api.indicator_code == "C-01") & (api.source == "report")]
    f = filters.Filters(period=P, source="real")
    card = screens.scorecard(src, f)
    n = int(card.set_index("indicator_code").n_unapproved["C-01"])
    table = screens.overview.status_list(card)
    marks = dict(zip(table["Mã"], table[approval.COLUMN])) if approval.COLUMN in table else {}
    return page.approval.iloc[0], api.approval.iloc[0], n, marks.get("C-01", "")


def c01(d, source: str) -> tuple:
    """C-01's headline (value, status, n_unapproved) with the source filter ``source``."""
    row = screens.scorecard(Snapshot.current(d), filters.Filters(period=P, source=source)).set_index("indicator_code")
    return tuple(row.loc["C-01", ["value", "status", "n_unapproved"]])


def test_approval_follows_the_cycle(folder):
    d = folder
    src = Snapshot.current(d)
    unreported = c01(d, "real")
    assert c01(d, "approved") == unreported  # nothing reported: the two filters agree
    before = src.q("indicator_results", code="C-01")
    assert set(before.approval) <= {"document", "demo"}  # nothing reported yet
    assert approval.count(screens.scorecard(src, filters.Filters(period=P, source="real"))) == 0

    pv = run(d, filled(d, {"C-01": {"value": 64, **EXPLAINED}}), WARD1)  # a miss, explained
    imports.commit(d, WARD1, pv)
    assert seen(d) == ("draft", "draft", 1, "chưa duyệt")
    assert c01(d, "real")[0] == 64 and c01(d, "approved") == unreported  # «Chỉ số liệu đã duyệt»: left out
    cycle.act(d, WARD1, "submit", "unit", "w1", P, expected_state="chua_nop")
    assert seen(d) == ("submitted", "submitted", 1, "chưa duyệt")
    cycle.act(d, REVIEWER, "return", "unit", "w1", P, expected_state="da_nop", reason="Chưa khớp biên bản")
    assert seen(d) == ("returned", "returned", 1, "chưa duyệt")
    cycle.act(d, WARD1, "submit", "unit", "w1", P, expected_state="tra_lai")
    cycle.act(d, REVIEWER, "approve", "unit", "w1", P, expected_state="da_nop")
    assert seen(d) == ("approved", "approved", 0, "")
    assert c01(d, "approved") == c01(d, "real") == (64, c01(d, "real")[1], 0)
    cycle.act(d, ADMIN, "reopen", "unit", "w1", P, expected_state="da_duyet", reason="Sửa theo văn bản mới")
    assert seen(d) == ("draft", "draft", 1, "chưa duyệt")
    assert c01(d, "approved") == unreported
    # the other ward's state never leaks: w2 has no event, its period is another subject
    b = cycle.board(Snapshot.current(d), P).set_index("subject_code")
    assert b.state["w2"] == "chua_nop"


def test_labels_and_caption():
    assert [approval.label(c) for c in ("approved", "submitted", "returned", "draft", "document", "demo")] == [
        "Đã duyệt",
        "Chờ duyệt",
        "Bị trả lại",
        "Chưa nộp (đang nhập)",
        "Văn bản",
        "Minh họa",
    ]
    assert approval.label(None) == "–" and approval.label(float("nan")) == "–"
    assert approval.caption(0) == "" and approval.mark(0) == "" and approval.mark(None) == ""
    assert approval.caption(3).startswith("3 giá trị báo cáo chưa duyệt trong kỳ")
    assert approval.mark(2) == "chưa duyệt (2 giá trị)"
