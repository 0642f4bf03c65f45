"""The commentary's command line as a subprocess: «unexplained» lists the miss per subject, «explain»
refuses a clerk of another ward (exit 1, nothing written) and a bad subject (exit 2), writes for the
ward's clerk (exit 0), and the list is then empty."""

from __future__ import annotations

import pytest

from tests.support.intake import FAST, PASSWORD, WARD1, cli, filled, fingerprint, intake_tables, run
from tests.unit.intake.conftest import _folder
from vlboard.intake import auth, imports
from vlboard.store import snapshots


@pytest.fixture
def delta(tmp_path) -> snapshots.DataDir:
    d = _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_DELTA)
    imports.commit(d, WARD1, run(d, filled(d, {"C-01": {"value": 64}}), WARD1))
    return d


@pytest.fixture
def accounts(tmp_path):
    h = auth.hash_password(PASSWORD, _hasher=FAST)
    path = tmp_path / "secrets.toml"
    path.write_text(
        f'[vlboard.accounts.p1]\nrole = "editor"\nunit = "w1"\npassword_hash = "{h}"\n'
        f'[vlboard.accounts.p2]\nrole = "editor"\nunit = "w2"\npassword_hash = "{h}"\n',
        encoding="utf-8",
    )
    return path


def test_list_explain_and_refusals(delta, accounts):
    out = cli(delta, accounts, "unexplained", "--period", "2025-Q3")
    assert out.returncode == 0, out.stderr
    assert "1 chỉ tiêu chưa đạt hoặc gần đạt chưa có giải trình" in out.stdout
    assert "Phường 1 (w1): 1" in out.stdout and "C-01 Tỷ lệ người dân có tài khoản · Gần đạt" in out.stdout
    args = ["explain", "--indicator", "C-01", "--period", "2025-Q3", "--cause", "Thiếu người", "--remedy", "Tuyển"]
    before = fingerprint(delta)
    out = cli(delta, accounts, *args, "--subject", "unit:w1", "--user", "p2")
    assert out.returncode == 1 and "chỉ giải trình số liệu của đơn vị mình" in out.stderr
    out = cli(delta, accounts, *args, "--subject", "w1", "--user", "p1")
    assert out.returncode == 2 and "agency:MÃ_CƠ_QUAN" in out.stderr
    assert fingerprint(delta) == before
    out = cli(delta, accounts, *args, "--subject", "unit:w1", "--back-by", "31/12/2025", "--user", "p1")
    assert out.returncode == 0, out.stderr
    assert "Đã ghi giải trình C-01 kỳ 2025-Q3 của w1" in out.stdout
    out = cli(delta, accounts, "unexplained", "--period", "2025-Q3")
    assert out.stdout.startswith("0 chỉ tiêu")
