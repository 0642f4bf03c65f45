"""The reviewer role (issue 19): its scope in the secrets, and the checks of the cycle's actions."""

from __future__ import annotations

import re

import pytest

from tests.support.fixtures import ROOT
from vlboard.intake import auth
from vlboard.intake.auth import AuthConfigError

H = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"


def accounts(**entries):
    return auth.settings({"vlboard": {"accounts": entries}}).accounts


def test_reviewer_with_and_without_plan():
    a = accounts(
        td={"role": "reviewer", "plan": "kh67-2020", "password_hash": H}, all={"role": "reviewer", "password_hash": H}
    )
    assert (a["td"].user.role, a["td"].user.plan) == ("reviewer", "kh67-2020")
    assert a["all"].user.plan is None
    assert a["td"].user.describe() == "td (Cán bộ thẩm định, kế hoạch kh67-2020)"
    assert not a["td"].user.can_edit and not a["td"].user.may_import("unit", "w1")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"role": "editor", "unit": "w1", "plan": "p"}, "chỉ vai trò reviewer có trường «plan»; vai trò editor"),
        ({"role": "admin", "plan": "p"}, "chỉ vai trò reviewer có trường «plan»; vai trò admin"),
        ({"role": "reviewer", "agency": "A"}, "vai trò reviewer không có phạm vi; hãy bỏ trường «agency»"),
        ({"role": "reviewer", "plan": ""}, "trường «plan» phải là chuỗi không rỗng"),
        ({"role": "boss"}, "trường «role» = «boss» không hợp lệ; chỉ nhận viewer, editor, reviewer, leader hoặc admin"),
    ],
)
def test_bad_reviewer_entries(entry, message):
    with pytest.raises(AuthConfigError, match=re.escape(f"Tài khoản «x» ([vlboard.accounts]): {message}")):
        accounts(x={**entry, "password_hash": H})


def test_oidc_reviewer_keeps_its_plan():
    s = auth.settings(auth.load_secrets_file(ROOT / ".streamlit" / "secrets.toml.example"))
    u = auth.oidc_user(s, "Tham.Dinh@vinhlong.gov.vn", None)
    assert (u.role, u.plan, u.via) == ("reviewer", "qd3100-2023-tpvl", "oidc")


def test_snippet_round_trip_with_plan():
    text = auth.account_snippet("td", "reviewer", H, plan="kh67-2020")
    assert 'plan = "kh67-2020"' in text
    with pytest.raises(AuthConfigError):
        auth.account_snippet("ed", "editor", H, unit="w1", plan="kh67-2020")


def test_checks():
    td = auth.User("td", "TĐ", "reviewer", plan="p-tp")
    everything = auth.User("all", "VP", "reviewer")
    editor = auth.User("e", "E", "editor", unit="w1")
    admin = auth.User("admin", "QT", "admin")
    auth.require_review(td, ["p-tp", "p-tinh"])
    auth.require_review(everything, ["kh67-2020"])
    auth.require_review(admin, [])
    with pytest.raises(
        auth.AccessDenied, match="chỉ thẩm định báo cáo thuộc kế hoạch p-tp; báo cáo của Phường 2 thuộc kế hoạch kh67"
    ):
        auth.require_review(td, ["kh67"], "Phường 2")
    with pytest.raises(auth.AccessDenied, match="Chỉ cán bộ thẩm định hoặc quản trị viên"):
        auth.require_review(editor, ["p-tp"])
    auth.require_submit(editor, "unit", "w1")
    auth.require_submit(admin, "agency", "A-1")
    with pytest.raises(auth.AccessDenied, match="không được nộp báo cáo của địa bàn w2"):
        auth.require_submit(editor, "unit", "w2")
    with pytest.raises(auth.AccessDenied, match="Cán bộ thẩm định.*không nộp báo cáo"):
        auth.require_submit(td, "unit", "w1")
    auth.require_reopen(admin)
    for u in (td, editor):
        with pytest.raises(auth.AccessDenied, match="Chỉ quản trị viên được mở lại báo cáo đã duyệt"):
            auth.require_reopen(u)
