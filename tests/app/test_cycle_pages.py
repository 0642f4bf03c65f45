"""AppTest of «Kỳ báo cáo» and «Việc của tôi» across users on a format-5 data folder: the clerk
imports and submits, the reviewer returns with a reason, the clerk fixes and resubmits, the reviewer
approves, the admin reopens and the page counts the values changed since approval. Also the shipped
board (real data) and hostile text."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.intake import EXPLAINED, filled, intake_tables, report_one
from tests.support.pages import ACCOUNTS, FAST, HOSTILE, INTAKE, PASSWORD, XLSX, open_page, sign_in
from tests.unit.intake.conftest import _folder
from vlboard.domain.formatting import md_escape
from vlboard.intake import auth, cycle, sendlog
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")

CYCLE, MY_WORK = "views/cycle.py", "views/my_work.py"
P = "2025-Q3"
PASSWORD = {**PASSWORD, "td": "thẩm-định-2025!"}
USERS = {**ACCOUNTS, "td": {"name": "Sở KH&CN", "role": "reviewer", "plan": "p-tp"}}
USERS["td"]["password_hash"] = auth.hash_password(PASSWORD["td"], _hasher=FAST)


@pytest.fixture
def folder(tmp_path) -> snapshots.DataDir:
    return _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_DELTA)


def cycle_page(monkeypatch, d, period: str = P, **kw) -> AppTest:
    """«Kỳ báo cáo» opened as /ky-bao-cao?ky=<period> (a period the picker offers whatever today is)."""
    at = open_page(monkeypatch, d, **kw)
    at.query_params["ky"] = period
    at.switch_page(CYCLE).run()
    assert not at.exception and at.selectbox(key="cy_period").value == period, at.exception
    return at


def as_user(monkeypatch, d, who: str, page: str) -> AppTest:
    at = (
        cycle_page(monkeypatch, d, accounts=USERS) if page == CYCLE else open_page(monkeypatch, d, page, accounts=USERS)
    )
    from tests.support import pages

    monkeypatch.setattr(pages, "PASSWORD", PASSWORD)
    sign_in(at, who)
    assert not at.exception, at.exception
    return at


def board_row(at: AppTest, code: str = "w1"):
    [table] = [d.value for d in at.dataframe if "Trạng thái" in d.value.columns and "Nhắc gần nhất" in d.value.columns]
    assert not table.isin(["nan", "NaN", "None", "NaT", ""]).any().any(), table
    return table[table["Đơn vị báo cáo"].str.endswith(f"({code})")].iloc[0]


def state(d) -> str:
    b = cycle.board(Snapshot.current(d), P)
    return b[b.subject_code == "w1"].state.iloc[0]


def upload(at: AppTest, content: bytes) -> AppTest:
    [box] = at.file_uploader  # its key changes after each write (an empty uploader)
    box.set_value(("bao-cao.xlsx", content, XLSX)).run()
    assert not at.exception, at.exception
    return at


def act(at: AppTest, action: str, reason: str | None = None) -> AppTest:
    at.selectbox(key="cy_subject").set_value("unit:w1").run()
    if reason is not None:
        at.text_area(key="cy_reason").set_value(reason).run()
    at.button(key=f"cy_{action}").click().run()
    assert not at.exception, at.exception
    return at


def test_the_whole_loop_across_users(monkeypatch, folder):
    d = folder
    # the clerk imports, then submits from the hint under the import page
    at = as_user(monkeypatch, d, "ed", INTAKE)
    upload(at, filled(d, {"C-01": {"value": 64, **EXPLAINED}})).button(key="import_commit").click().run()
    assert any("Khi đã nhập đủ, bấm Nộp báo cáo ở trang Kỳ báo cáo" in i.value for i in at.info)
    at.button(key=f"cy_submit_unit_w1_{P}").click().run()
    assert not at.exception and state(d) == "da_nop"
    assert any("Nộp báo cáo Quý III/2025 của Phường 1: đã ghi." in s.value for s in at.success)
    # a second import is refused in the preview already, before any commit button
    upload(at, filled(d, {"C-01": {"value": 65}}))
    assert any("đã nộp, chờ duyệt" in e.value for e in at.error)
    assert "import_commit" not in {b.key for b in at.button}

    # the reviewer: a return without a reason is refused, with a reason it is written
    at = as_user(monkeypatch, d, "td", MY_WORK)
    assert {m.label: m.value for m in at.metric}["Báo cáo chờ duyệt"] == "1"
    at = as_user(monkeypatch, d, "td", CYCLE)
    assert board_row(at)["Trạng thái"] == "Đã nộp"
    assert {b.key for b in at.button} >= {"cy_approve", "cy_return"} and "cy_submit" not in {b.key for b in at.button}
    act(at, "return", "")
    assert any("Cần ghi lý do" in e.value for e in at.error) and state(d) == "da_nop"
    act(at, "return", "Số liệu C-01 chưa khớp biên bản")
    assert state(d) == "tra_lai"
    row = board_row(at)
    assert (row["Trạng thái"], row["Lý do"]) == ("Trả lại", "Số liệu C-01 chưa khớp biên bản")
    assert row["Thao tác gần nhất"].startswith("td, ")

    # the clerk sees why, fixes and resubmits on «Kỳ báo cáo»
    at = as_user(monkeypatch, d, "ed", MY_WORK)
    assert any("lý do: " + md_escape("Số liệu C-01 chưa khớp biên bản") in w.value for w in at.warning)
    at = as_user(monkeypatch, d, "ed", INTAKE)
    upload(at, filled(d, {"C-01": {"value": 66, **EXPLAINED}})).button(key="import_commit").click().run()
    at = as_user(monkeypatch, d, "ed", CYCLE)
    act(at, "submit")
    assert state(d) == "da_nop"

    # the reviewer approves
    at = as_user(monkeypatch, d, "td", CYCLE)
    act(at, "approve")
    assert state(d) == "da_duyet" and board_row(at)["Trạng thái"] == "Đã duyệt"
    assert {m.label: m.value for m in at.metric}["Đã duyệt"] == "1"

    # the admin reopens, the clerk changes one value, the page counts it
    at = as_user(monkeypatch, d, "boss", CYCLE)
    act(at, "reopen", "Sửa theo văn bản mới")
    assert state(d) == "mo_lai"
    assert any("0 giá trị đã thay đổi từ khi duyệt" in i.value for i in at.info)
    at = as_user(monkeypatch, d, "ed", INTAKE)
    upload(at, filled(d, {"C-01": {"value": 70}})).button(key="import_commit").click().run()
    at = as_user(monkeypatch, d, "boss", CYCLE)
    assert any(
        md_escape("Phường 1 (w1)") + " (đã mở lại): 1 giá trị đã thay đổi từ khi duyệt" in i.value for i in at.info
    )
    assert list(cycle.events(Snapshot.current(d), P).action) == ["reopen", "approve", "submit", "return", "submit"]


def test_no_submit_button_while_nothing_is_received(monkeypatch, folder):
    at = as_user(monkeypatch, folder, "ed", CYCLE)
    assert "cy_submit" not in {b.key for b in at.button} and "cy_subject" not in {s.key for s in at.selectbox}
    assert any("chưa có số liệu nào của Quý III/2025" in c.value for c in at.caption)
    report_one(folder)
    at = as_user(monkeypatch, folder, "ed", CYCLE)
    at.selectbox(key="cy_subject").set_value("unit:w1").run()
    assert "cy_submit" in {b.key for b in at.button}


def test_stale_state_is_shown_as_an_error(monkeypatch, folder):
    report_one(folder)
    at = as_user(monkeypatch, folder, "ed", CYCLE)
    at.selectbox(key="cy_subject").set_value("unit:w1").run()
    cycle.act(folder, auth.User("boss", "Q", "admin"), "submit", "unit", "w1", P, expected_state="chua_nop")
    at.button(key="cy_submit").click().run()
    assert any("vừa được người khác chuyển sang «Đã nộp»" in e.value for e in at.error)


def test_anonymous_sees_the_board_and_a_prompt(monkeypatch, folder):
    log = sendlog.log_path(folder.root)
    line = dict(key="k", status="sent", subject="unit:w1", period=P, channel="email", to="x@example.org")
    sendlog.append(log, [dict(line, at="2025-10-13T08:00:00"), dict(line, at="2025-10-17T08:00:00")])
    sendlog.append(log, [dict(line, at="2025-10-20T08:00:00", status="failed")])  # not a reminder sent
    at = cycle_page(monkeypatch, folder, accounts=USERS)
    assert board_row(at)["Trạng thái"] == "Chưa nộp" and "cy_subject" not in {s.key for s in at.selectbox}
    assert board_row(at)["Trễ hạn"].startswith("trễ ")
    assert board_row(at)["Nhắc gần nhất"] == "17/10/2025 08:00" and board_row(at, "w2")["Nhắc gần nhất"] == "—"
    at = open_page(monkeypatch, folder, MY_WORK, accounts=USERS)
    assert any("Đăng nhập" in i.value for i in at.info)


def test_shipped_board_on_real_data(monkeypatch, shipped_data, tmp_path):
    import shutil

    root = tmp_path / "data"
    shutil.copytree(shipped_data.root, root)
    d = snapshots.DataDir(root)
    monkeypatch.setenv("VLBOARD_DATA", str(root))
    at = cycle_page(monkeypatch, d, "2026-Q3")
    assert not at.exception, at.exception
    [table] = [x.value for x in at.dataframe if "Nhắc gần nhất" in x.value.columns]
    assert len(table) == 6 and set(table["Trạng thái"]) == {"Chưa nộp"}
    assert not table.isin(["nan", "NaN", "None", "NaT", ""]).any().any()
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Phải báo cáo"], metrics["Đã nộp"], metrics["Tỷ lệ nộp báo cáo"]) == ("6", "0", "0%")


def test_hostile_reason_is_text(monkeypatch, folder):
    admin = auth.User("boss", "Q", "admin")
    report_one(folder)
    cycle.act(folder, admin, "submit", "unit", "w1", P, expected_state="chua_nop")
    cycle.act(folder, admin, "return", "unit", "w1", P, expected_state="da_nop", reason=HOSTILE)
    at = cycle_page(monkeypatch, folder, accounts=USERS)
    assert board_row(at)["Lý do"] == HOSTILE  # a dataframe cell: never Markdown


def test_intake_page_opens_on_the_period_of_the_link(monkeypatch, folder):
    """«Việc của tôi» and the reminders link to /nhap-so-lieu?period=…: the template offers that period."""
    at = open_page(monkeypatch, folder, MY_WORK, accounts=USERS)
    sign_in(at, "ed")
    at.query_params["period"] = "2025-Q2"
    at.switch_page(INTAKE).run()
    assert not at.exception and at.selectbox(key="tpl_period").value == "2025-Q2"
