"""The import command line: same scopes as the web page, dry run, and imports killed at random
moments (several seeds, and injected crashes between tables) never leave a broken CURRENT."""

from __future__ import annotations

import random
import signal
import time

import pytest

from tests.support.intake import cli, filled, fingerprint, write
from vlboard.store import schema, snapshots


def test_dry_run_then_import(data, secrets, tmp_path):
    f = write(tmp_path, filled(data, {"C-01": {"value": 64}}))
    before = fingerprint(data)
    dry = cli(data, secrets, "import", str(f), "--user", "admin", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Thay đổi" in dry.stdout and "chưa ghi gì" in dry.stdout
    assert fingerprint(data) == before
    done = cli(data, secrets, "import", str(f), "--user", "admin")
    assert done.returncode == 0, done.stderr
    assert snapshots.current_id(data) in done.stdout


def test_cli_preview_prints_vietnamese_numbers_never_nan(data, secrets, tmp_path):
    f = write(tmp_path, filled(data, {"C-01": {"numerator": 1234, "denominator": 2000}, "C-03": {"value": 12}}))
    out = cli(data, secrets, "import", str(f), "--user", "admin", "--dry-run")
    assert out.returncode == 0, out.stderr
    assert "nan" not in out.stdout.lower()
    assert "C-03" in out.stdout and "w1 2025-Q3: 12\n" in out.stdout  # new value, no «old (source) →»
    assert "61 (Minh họa) → 61,7 (tính từ tử số / mẫu số)" in out.stdout


def test_cli_template_names_the_periods_a_subject_reports(data, secrets, tmp_path):
    out = cli(
        data,
        secrets,
        "template",
        "--kind",
        "unit",
        "--code",
        "w1",
        "--period",
        "2024",
        "--out",
        str(tmp_path / "x.xlsx"),
    )
    assert out.returncode == 2 and not (tmp_path / "x.xlsx").exists()
    assert "Phường/xã «w1» không phải báo cáo kỳ 2024; các kỳ phải báo cáo: " in out.stderr
    assert "Quý III/2025 (2025-Q3)" in out.stderr  # the tiny plans run until 2025


def test_cli_enforces_the_editor_scope(data, secrets, tmp_path):
    f = write(tmp_path, filled(data, {"C-01": {"value": 64}}))
    before = fingerprint(data)
    out = cli(data, secrets, "import", str(f), "--user", "phuong2")
    assert out.returncode == 2
    assert "không được nhập số liệu của địa bàn w1" in out.stderr
    assert fingerprint(data) == before


def test_cli_wrong_password_and_bad_file(data, secrets, tmp_path):
    f = write(tmp_path, filled(data, {"C-01": {"value": 140}}))
    out = cli(data, secrets, "import", str(f), "--user", "admin", password="sai-mat-khau")
    assert out.returncode == 3 and "Sai tên đăng nhập hoặc mật khẩu" in out.stderr
    out = cli(data, secrets, "import", str(f), "--user", "admin")
    assert out.returncode == 2 and "dòng 6, cột «Giá trị»: 140 nằm ngoài 0–100" in out.stderr


def test_cli_history_and_rollback_admin_only(data, secrets, tmp_path):
    first = snapshots.current_id(data)
    f = write(tmp_path, filled(data, {"C-01": {"value": 64}}))
    assert cli(data, secrets, "import", str(f), "--user", "admin").returncode == 0
    listing = cli(data, secrets, "history")
    assert listing.returncode == 0 and first in listing.stdout and "Nhập số liệu" in listing.stdout
    denied = cli(data, secrets, "rollback", first, "--user", "phuong2")
    assert denied.returncode == 2 and "Chỉ quản trị viên" in denied.stderr
    unconfirmed = cli(data, secrets, "rollback", first, "--user", "admin")  # stdin empty: no confirmation
    assert unconfirmed.returncode == 1 and "chưa thay đổi gì" in unconfirmed.stderr
    assert snapshots.current_id(data) != first
    done = cli(data, secrets, "rollback", first, "--user", "admin", "--yes")
    assert done.returncode == 0, done.stderr
    assert "Sẽ gỡ khỏi dữ liệu hiện hành 1 lần nhập" in done.stdout and "bao-cao.xlsx" in done.stdout
    assert snapshots.current_id(data) == first


@pytest.mark.parametrize("fault_after", [0, 7, len(schema.TABLES) - 1])
def test_import_crashing_between_tables_keeps_current(data, secrets, tmp_path, fault_after):
    before = snapshots.current_id(data)
    f = write(tmp_path, filled(data, {"C-01": {"value": 64}}))
    out = cli(data, secrets, "import", str(f), "--user", "admin", env={"VLBOARD_FAULT_AFTER_TABLES": str(fault_after)})
    assert out.returncode == 70
    assert snapshots.current(data)[0] == before
    assert cli(data, secrets, "import", str(f), "--user", "admin").returncode == 0  # the next one works
    assert not list(data.snapshots.glob(".tmp-*")), "the next write cleans what the crash left"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_import_killed_at_random_moments(data, secrets, tmp_path, seed):
    rng = random.Random(seed)
    seen = {snapshots.current_id(data)}
    for i in range(3):
        f = write(tmp_path, filled(data, {"C-01": {"value": 50 + seed * 10 + i}}), f"r{i}.xlsx")
        proc = cli(data, secrets, "import", str(f), "--user", "admin", wait=False)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        sid, _, _ = snapshots.current(data)  # always a complete, verified snapshot
        seen.add(sid)
    f = write(tmp_path, filled(data, {"C-01": {"value": 99}}), "last.xlsx")
    last = cli(data, secrets, "import", str(f), "--user", "admin")
    assert last.returncode == 0, last.stderr
    assert snapshots.current(data)[0] not in seen


def test_the_import_prepares_the_periods_readers_read_for_the_new_version(secrets, tmp_path):
    from tests.unit.store.test_delta import delta_folder
    from tests.unit.store.test_status_kept import KEY, rows
    from vlboard.store import db, status_kept

    data = delta_folder(tmp_path / "d")
    rows(db.open_snapshot(snapshots.current(data)[1]), KEY)  # a reader read one period of the live version
    f = write(tmp_path, filled(data, {"C-01": {"value": 66.5}}))
    done = cli(data, secrets, "import", str(f), "--user", "admin")
    assert done.returncode == 0, done.stderr
    assert "Đã chuẩn bị trạng thái 1 kỳ cho trang xem (" in done.stdout and " giây)." in done.stdout
    path = snapshots.current(data)[1]
    assert path.name in done.stdout
    assert status_kept._sums(status_kept.folder(path, KEY), KEY) is not None  # the next reader reads it
