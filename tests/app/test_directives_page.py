"""AppTest of «Chỉ đạo» (/chi-dao) and its block on «Việc của tôi» on a format-5 data folder: a
leader issues a directive with hostile text, the owner agency's clerk reports progress, done is
refused while the data has not moved and no reason is written, then written with a reason; hostile
text is shown as text (escaped markdown, grid cells) everywhere on both pages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.intake import intake_tables
from tests.support.pages import ACCOUNTS, FAST, PASSWORD, open_page, sign_in
from tests.unit.intake.conftest import _folder
from vlboard.domain.formatting import md_escape
from vlboard.intake import auth
from vlboard.intake import directives as dirs
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")

PAGE, MY_WORK = "views/directives.py", "views/my_work.py"
PASSWORD = {**PASSWORD, "ld": "lãnh-đạo-2025!"}
USERS = {**ACCOUNTS, "ld": {"name": "Phó Chủ tịch UBND", "role": "leader"}}
USERS["ld"]["password_hash"] = auth.hash_password(PASSWORD["ld"], _hasher=FAST)
EVIL = "<script>alert(1)</script> **đậm** [x](javascript:alert(1)) \u202eexe.txt"


@pytest.fixture
def folder(tmp_path) -> snapshots.DataDir:
    return _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_DELTA)


def as_user(monkeypatch, d, who: str, page: str = PAGE) -> AppTest:
    at = open_page(monkeypatch, d, page, accounts=USERS)
    from tests.support import pages

    monkeypatch.setattr(pages, "PASSWORD", PASSWORD)
    sign_in(at, who)
    assert not at.exception, at.exception
    return at


def only(d) -> dict:
    [row] = dirs.directives(Snapshot.current(d)).to_dict("records")
    return row


def no_raw_markup(at: AppTest) -> None:
    """No markdown element carries the hostile text unescaped; no grid cell shows None or nan."""
    for m in [*at.markdown, *at.caption, *at.error, *at.success]:
        assert "<script>" not in m.value and "](javascript" not in m.value, m.value
    for df in at.dataframe:
        assert not df.value.astype(str).isin(["nan", "NaN", "None", "NaT", ""]).any().any(), df.value


def test_issue_note_done_across_users(monkeypatch, folder):
    d = folder
    at = as_user(monkeypatch, d, "ld")
    assert any("Chưa có chỉ đạo nào" in i.value for i in at.info)
    at.selectbox(key="cd_type").set_value("indicator").run()
    at.selectbox(key="cd_target").set_value("C-01").run()
    at.selectbox(key="cd_owner_new").set_value("A-1").run()
    at.text_input(key="cd_meeting").set_value("Giao ban " + EVIL).run()
    at.text_area(key="cd_text").set_value("Đẩy nhanh " + EVIL).run()
    at.button(key="cd_issue").click().run()
    assert not at.exception, at.exception
    assert any("Đã ban hành chỉ đạo" in s.value for s in at.success)
    row = only(d)
    assert (row["state"], row["owner_agency"], row["text"]) == ("open", "A-1", "Đẩy nhanh " + EVIL)
    assert any(md_escape("Đẩy nhanh " + EVIL) == m.value for m in at.markdown)
    [table] = [t.value for t in at.dataframe if "Nội dung chỉ đạo" in t.value.columns]
    assert list(table["Nội dung chỉ đạo"]) == ["Đẩy nhanh " + EVIL] and list(table["Tình trạng"]) == ["Đang thực hiện"]
    assert any(m.value.startswith(":material/trending_flat: Từ ") for m in at.markdown)
    no_raw_markup(at)

    # the owner agency's clerk sees it under «Việc của tôi» and reports progress
    at = as_user(monkeypatch, d, "vh", MY_WORK)
    [mine] = [t.value for t in at.dataframe if "Nội dung chỉ đạo" in t.value.columns]
    assert list(mine["Cơ quan chủ trì"]) == ["Phòng VH&TT"]
    no_raw_markup(at)
    at = as_user(monkeypatch, d, "vh")
    assert {b.key for b in at.button} >= {"cd_note"} and "cd_done" not in {b.key for b in at.button}
    at.text_area(key="cd_body").set_value("Đã mở 3 điểm hỗ trợ " + EVIL).run()
    at.button(key="cd_note").click().run()
    assert any("đã ghi" in s.value for s in at.success)
    notes = [t.value for t in at.dataframe if "Người ghi" in t.value.columns]
    assert notes and list(notes[0]["Nội dung"]) == ["Đã mở 3 điểm hỗ trợ " + EVIL]
    no_raw_markup(at)

    # the leader: done refused without movement or reason, then written with a reason
    at = as_user(monkeypatch, d, "ld")
    at.button(key="cd_done").click().run()
    assert any("ít nhất 10 ký tự" in e.value for e in at.error) and only(d)["state"] == "open"
    at.text_area(key="cd_body").set_value("Đã hoàn thành theo kết luận giao ban").run()
    at.button(key="cd_done").click().run()
    assert not at.exception and only(d)["state"] == "done"
    assert {m.label: m.value for m in at.metric}["Đã hoàn thành"] == "1"
    assert "cd_reopen" in {b.key for b in at.button}
    no_raw_markup(at)


def test_viewers_and_clerks_of_other_agencies_cannot_issue(monkeypatch, folder):
    at = as_user(monkeypatch, folder, "ed")
    assert "cd_issue" not in {b.key for b in at.button}
    assert any("tài khoản lãnh đạo hoặc quản trị" in c.value for c in at.caption)
