"""``python -m vlboard api-token add|list|revoke``: the token printed once, only its sha256 kept
(file mode 0600), scopes checked against the catalogue, a revoked token no longer opens the API."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from tests.support.fixtures import ROOT
from vlboard.api import tokens
from vlboard.store import snapshots


def cli(root, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vlboard", "--data", str(root), "api-token", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@pytest.fixture
def data(shipped_data, tmp_path) -> snapshots.DataDir:
    root = tmp_path / "data"
    shutil.copytree(shipped_data.root, root)
    return snapshots.DataDir(root)


def test_add_list_revoke(data):
    made = cli(data.root, "add", "--client", "LGSP tỉnh", "--scope", "plan:qd3100-2023-tpvl")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("vlb_") and len(token) > 40
    file = tokens.path(data)
    stored = file.read_text(encoding="utf-8")
    assert token not in stored and tokens.digest(token) in stored
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    entry = json.loads(stored)["tokens"][0]
    assert entry["scope"] == "plan:qd3100-2023-tpvl" and entry["client"] == "LGSP tỉnh" and entry["created_at"]

    listed = cli(data.root, "list")
    assert listed.returncode == 0 and token not in listed.stdout and entry["key_id"] in listed.stdout
    assert "đang dùng" in listed.stdout and "/20" in listed.stdout  # dd/mm/yyyy

    ring = tokens.Keyring()
    assert ring.lookup(data, token).scope == tokens.Scope("plan", "qd3100-2023-tpvl")
    gone = cli(data.root, "revoke", entry["key_id"])
    assert gone.returncode == 0 and "thu hồi" in gone.stdout
    assert ring.lookup(data, token) is None  # the file changed: re-read
    assert "thu hồi" in cli(data.root, "list").stdout


@pytest.mark.parametrize(
    "scope,why",
    [
        ("plan:khong-co", "Không có mã"),
        ("agency", "không hợp lệ"),
        ("everything", "không hợp lệ"),
        ("unit:", "không hợp lệ"),
    ],
)
def test_bad_scopes_refused_in_vietnamese(data, scope, why):
    r = cli(data.root, "add", "--client", "x", "--scope", scope)
    assert r.returncode == 2 and why in r.stderr and not tokens.path(data).exists()


def test_revoking_an_unknown_key(data):
    r = cli(data.root, "revoke", "nope")
    assert r.returncode == 2 and "Không có khóa API" in r.stderr
