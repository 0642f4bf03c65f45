"""The directives' command line as a subprocess: issue (leader), a note from the owner agency's
clerk, done refused without movement or reason (exit 1), done with a reason, the list with the
evidence line, exit codes for bad input and a clerk who tries to issue."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.intake import FAST, PASSWORD, cli, fingerprint, intake_tables
from tests.unit.intake.conftest import _folder
from vlboard.intake import auth
from vlboard.intake import directives as dirs
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

DEADLINE = (dt.date.today() + dt.timedelta(days=20)).strftime("%d/%m/%Y")


@pytest.fixture
def delta(tmp_path) -> snapshots.DataDir:
    return _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_DELTA)


@pytest.fixture
def accounts(tmp_path):
    h = auth.hash_password(PASSWORD, _hasher=FAST)
    path = tmp_path / "secrets.toml"
    path.write_text(
        f'[vlboard.accounts.lanhdao]\nrole = "leader"\npassword_hash = "{h}"\n'
        f'[vlboard.accounts.vanhoa]\nrole = "editor"\nagency = "A-1"\npassword_hash = "{h}"\n',
        encoding="utf-8",
    )
    return path


def test_issue_note_done_and_list(delta, accounts):
    issue = ["directive", "issue", "--target", "indicator:C-01", "--owner", "A-1", "--deadline", DEADLINE]
    out = cli(delta, accounts, *issue, "--user", "lanhdao", "--text", "Đẩy nhanh <b>cấp</b> tài khoản")
    assert out.returncode == 0, out.stderr
    [did] = dirs.directives(Snapshot.current(delta)).directive_id
    assert f"Đã ban hành chỉ đạo {did}" in out.stdout
    out = cli(delta, accounts, "directive", "note", "--id", did, "--user", "vanhoa", "--text", "Đã mở 3 điểm")
    assert out.returncode == 0, out.stderr
    before = fingerprint(delta)
    out = cli(delta, accounts, "directive", "done", "--id", did, "--user", "lanhdao")
    assert out.returncode == 1 and "ít nhất 10 ký tự" in out.stderr and fingerprint(delta) == before
    out = cli(delta, accounts, "directive", "done", "--id", did, "--user", "lanhdao", "--text", "Xong theo giao ban")
    assert out.returncode == 0, out.stderr
    listed = cli(delta, accounts, "directive", "list")
    assert listed.returncode == 0, listed.stderr
    assert "1 chỉ đạo" in listed.stdout and "Đã hoàn thành" in listed.stdout and "Đẩy nhanh <b>cấp</b>" in listed.stdout
    assert "Từ " in listed.stdout
    for bad in ("nan", "None", "NaT"):
        assert bad not in listed.stdout


def test_bad_input_and_scope(delta, accounts):
    base = ["directive", "issue", "--owner", "A-1", "--text", "Việc", "--user", "lanhdao"]
    assert cli(delta, accounts, *base, "--target", "plan:x", "--deadline", DEADLINE).returncode == 2
    assert cli(delta, accounts, *base, "--target", "indicator:C-01", "--deadline", "mai").returncode == 2
    out = cli(
        delta,
        accounts,
        "directive",
        "issue",
        "--target",
        "unit:w1",
        "--owner",
        "A-1",
        "--deadline",
        DEADLINE,
        "--text",
        "Việc",
        "--user",
        "vanhoa",
    )
    assert out.returncode == 1 and "Chỉ lãnh đạo hoặc quản trị viên" in out.stderr
    assert cli(delta, accounts, "directive", "note", "--id", "cd-x", "--user", "vanhoa", "--text", "a").returncode == 2
