"""The reporting cycle's command line: submit / approve / return / reopen / cycle as a subprocess,
exit codes, scopes, and a transition killed mid-way that loses nothing."""

from __future__ import annotations

import pytest

from tests.support.intake import FAST, PASSWORD, cli, fingerprint, intake_tables, report_one
from tests.unit.intake.conftest import _folder
from vlboard.intake import auth, cycle
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

P = "2025-Q3"


@pytest.fixture
def delta(tmp_path) -> snapshots.DataDir:
    """Ward w1 has reported C-01 (a subject with nothing received may not submit); w2 nothing."""
    d = _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_DELTA)
    report_one(d)
    return d


@pytest.fixture
def accounts(tmp_path):
    """admin, the clerk of ward w1, a reviewer of plan p-tp."""
    h = auth.hash_password(PASSWORD, _hasher=FAST)
    path = tmp_path / "secrets.toml"
    path.write_text(
        f'[vlboard.accounts.admin]\nrole = "admin"\npassword_hash = "{h}"\n'
        f'[vlboard.accounts.phuong1]\nrole = "editor"\nunit = "w1"\npassword_hash = "{h}"\n'
        f'[vlboard.accounts.thamdinh]\nrole = "reviewer"\nplan = "p-tp"\npassword_hash = "{h}"\n',
        encoding="utf-8",
    )
    return path


def state(d, code="w1") -> str:
    b = cycle.board(Snapshot.current(d), P)
    return b[b.subject_code == code].state.iloc[0]


def test_submit_return_approve_and_the_board(delta, accounts):
    out = cli(delta, accounts, "submit", "--user", "phuong1", "--subject", "unit:w1", "--period", P)
    assert out.returncode == 0, out.stderr
    assert "Nộp báo cáo Quý III/2025 của Phường 1: «Đã nộp»" in out.stdout
    out = cli(delta, accounts, "return", "--user", "thamdinh", "--subject", "unit:w1", "--period", P)
    assert out.returncode == 1 and "Cần ghi lý do khi trả lại" in out.stderr
    out = cli(
        delta, accounts, "return", "--user", "thamdinh", "--subject", "unit:w1", "--period", P, "--reason", "Thiếu C-03"
    )
    assert out.returncode == 0, out.stderr
    assert state(delta) == "tra_lai"
    board = cli(delta, accounts, "cycle", "--period", P)
    assert board.returncode == 0, board.stderr
    assert "Kỳ báo cáo Quý III/2025: 3 đối tượng phải báo cáo" in board.stdout
    line = next(x for x in board.stdout.splitlines() if "unit:w1" in x)
    assert "Trả lại" in line and "10/10/2025" in line and "1/2" in line and "thamdinh" in line and "Thiếu C-03" in line
    only = cli(delta, accounts, "cycle", "--period", P, "--state", "tra_lai")
    assert "1 đối tượng" in only.stdout and "unit:w2" not in only.stdout
    for bad in ("nan", "None", "NaT"):
        assert bad not in board.stdout


def test_refusals_and_unknowns(delta, accounts):
    before = fingerprint(delta)
    out = cli(delta, accounts, "approve", "--user", "phuong1", "--subject", "unit:w1", "--period", P)
    assert out.returncode == 1 and "Chỉ cán bộ thẩm định hoặc quản trị viên được duyệt" in out.stderr
    out = cli(delta, accounts, "approve", "--user", "thamdinh", "--subject", "unit:w1", "--period", P)
    assert out.returncode == 1 and "Không thể duyệt khi báo cáo đang ở trạng thái «Chưa nộp»" in out.stderr
    out = cli(delta, accounts, "submit", "--user", "phuong1", "--subject", "unit:w2", "--period", P)
    assert out.returncode == 1 and "không được nộp báo cáo của địa bàn w2" in out.stderr
    out = cli(delta, accounts, "submit", "--user", "admin", "--subject", "unit:w2", "--period", P)
    assert out.returncode == 1 and "Phường 2 chưa có số liệu nào của Quý III/2025" in out.stderr
    assert "nhập số liệu trước khi nộp" in out.stderr
    out = cli(delta, accounts, "submit", "--user", "phuong1", "--subject", "unit:w9", "--period", P)
    assert out.returncode == 2 and "Địa bàn «w9» không phải báo cáo Quý III/2025" in out.stderr
    out = cli(delta, accounts, "submit", "--user", "phuong1", "--subject", "w1", "--period", P)
    assert out.returncode == 2 and "dùng unit:MÃ_ĐỊA_BÀN" in out.stderr
    out = cli(delta, accounts, "submit", "--user", "phuong1", "--subject", "unit:w1", "--period", "2025-Q7")
    assert out.returncode == 2 and "Kỳ báo cáo không hợp lệ" in out.stderr
    out = cli(delta, accounts, "cycle", "--period", "2030-Q1")
    assert out.returncode == 2 and "Không có cơ quan hay địa bàn nào phải báo cáo Quý I/2030" in out.stderr
    out = cli(delta, accounts, "submit", "--user", "phuong1", "--subject", "unit:w1", "--period", P, password="sai")
    assert out.returncode == 3 and "Sai tên đăng nhập hoặc mật khẩu" in out.stderr
    assert fingerprint(delta) == before


@pytest.mark.parametrize("step", ["table:cycle_events", "manifest", "rename"])
def test_a_transition_killed_mid_way_loses_nothing(delta, accounts, step):
    live = snapshots.current_id(delta)
    out = cli(
        delta,
        accounts,
        "submit",
        "--user",
        "phuong1",
        "--subject",
        "unit:w1",
        "--period",
        P,
        env={"VLBOARD_FAULT_AT": step},
    )
    assert out.returncode == 70, out.stderr
    assert snapshots.current_id(delta) == live
    assert state(delta) == "chua_nop" and cycle.events(Snapshot.current(delta)).empty
    out = cli(delta, accounts, "submit", "--user", "phuong1", "--subject", "unit:w1", "--period", P)
    assert out.returncode == 0, out.stderr
    ev = cycle.events(Snapshot.current(delta))
    assert list(ev.action) == ["submit"] and state(delta) == "da_nop"
    assert not [p for p in delta.snapshots.iterdir() if p.name.startswith(".tmp-")]


def test_a_transition_prepares_the_periods_readers_read_for_the_new_version(delta, accounts):
    from tests.unit.store.test_status_kept import computed, rows
    from vlboard.store import db, status_kept

    key = (2025, "2025-09-30", False, True)  # real values, approved only: the approval moves them
    rows(db.open_snapshot(snapshots.current(delta)[1]), key)
    out = cli(delta, accounts, "submit", "--user", "phuong1", "--subject", "unit:w1", "--period", P)
    assert out.returncode == 0, out.stderr
    assert "Đã chuẩn bị trạng thái 1 kỳ cho trang xem (" in out.stdout
    path = snapshots.current(delta)[1]
    assert status_kept._sums(status_kept.folder(path, key), key) is not None
    assert rows(db.open_snapshot(path), key) == computed(path, key)
