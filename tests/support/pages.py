"""Helpers of the AppTest data pages (Nhập số liệu, Lịch sử dữ liệu): the accounts, a page opened on
a data folder, signing in through the sidebar form, a filled template."""

from __future__ import annotations

import io

from argon2 import PasswordHasher
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from tests.support.fixtures import ROOT
from vlboard.intake import auth, template
from vlboard.intake.workbook import DATA_SHEET
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

APP = str(ROOT / "app.py")
INTAKE, HISTORY, OVERVIEW = "views/intake.py", "views/history.py", "views/overview.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only; production = defaults
PASSWORD = {"boss": "quản-trị-2025!", "ed": "phường-một-2025", "vh": "văn-hóa-2025!", "xss": "tên-độc-hại!"}
HOSTILE = "<img src=x onerror=alert(1)> **đậm** [x](javascript:alert(1))"
ACCOUNTS = {
    "boss": {"name": "Quản trị hệ thống", "role": "admin"},
    "ed": {"name": "Cán bộ Phường 1", "role": "editor", "unit": "w1"},
    "vh": {"name": "Phòng VH&TT", "role": "editor", "agency": "A-1"},
    "xss": {"name": HOSTILE, "role": "editor", "unit": "w1"},
}
for _key, _acc in ACCOUNTS.items():
    _acc["password_hash"] = auth.hash_password(PASSWORD[_key], _hasher=FAST)


def open_page(monkeypatch, data, page=None, *, allow_anonymous=True, accounts=ACCOUNTS) -> AppTest:
    monkeypatch.setenv("VLBOARD_DATA", str(data.root))
    monkeypatch.setenv("VLBOARD_SECRETS", str(data.root / "no-secrets.toml"))  # never the repo's file
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["vlboard"] = {"allow_anonymous": allow_anonymous, "accounts": accounts}
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def submit_login(at: AppTest, username: str, password: str) -> AppTest:
    at.sidebar.text_input(key="login_user").set_value(username)
    at.sidebar.text_input(key="login_password").set_value(password)
    [button] = [b for b in at.sidebar.button if b.label == "Đăng nhập"]
    button.click().run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, username: str) -> AppTest:
    submit_login(at, username, PASSWORD[username])
    user = at.session_state["_user"]
    assert user.username == username and user.via == "local"
    return at


def filled_template(data: snapshots.DataDir, subject: template.Subject, period: str, value: float) -> bytes:
    src = Snapshot.current(data)
    raw = template.write(subject, period, template.rows(src, subject, period), snapshot_id=src.snapshot_id)
    wb = load_workbook(io.BytesIO(raw))
    ws = wb[DATA_SHEET]
    row = template.HEADER_ROW + 1
    assert ws.cell(row, 1).value == "C-01"
    ws.cell(row, template.TEMPLATE_KEYS.index("value") + 1, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
