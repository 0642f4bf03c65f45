"""Security checks of SECURITY.md that are about the repository and the server settings."""

from __future__ import annotations

import re
import subprocess
import tomllib

from tests.support.fixtures import ROOT
from tests.support.intake import cli, filled

SECRET_PATTERNS = {
    "argon2 hash": re.compile(r"\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$(?!REPLACE_ME)[A-Za-z0-9+/]{16,}"),
    "bcrypt hash": re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "client or cookie secret": re.compile(r"(client_secret|cookie_secret)\s*=\s*\"(?!<)[^\"]{8,}\""),
}


def tracked_files() -> list:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / line for line in out.splitlines() if line and (ROOT / line).is_file()]


def test_no_secret_in_the_repository():
    found = []
    for path in tracked_files():
        if path.suffix in (".parquet", ".png", ".pdf", ".xlsx", ".geojson") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        for kind, pattern in SECRET_PATTERNS.items():
            if pattern.search(text) and not path.name.startswith("test_"):
                found.append(f"{path.relative_to(ROOT)}: {kind}")
    assert not found, found


def test_the_patterns_catch_real_secrets():
    from argon2 import PasswordHasher

    real = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("mat-khau-that")
    assert SECRET_PATTERNS["argon2 hash"].search(real)
    assert not SECRET_PATTERNS["argon2 hash"].search("$argon2id$v=19$m=65536,t=3,p=4$REPLACE_ME$REPLACE_ME")
    assert SECRET_PATTERNS["client or cookie secret"].search('client_secret = "s3cr3t-from-keycloak"')
    assert not SECRET_PATTERNS["client or cookie secret"].search('client_secret = "<from Keycloak>"')


def test_real_secrets_file_is_ignored_by_git():
    out = subprocess.run(
        ["git", "check-ignore", ".streamlit/secrets.toml", "data/history.jsonl"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.stdout.split() == [".streamlit/secrets.toml", "data/history.jsonl"]


def test_server_settings():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = cfg["server"]
    assert server["maxUploadSize"] == 5  # MB, the same as vlboard.intake.workbook.MAX_BYTES
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True  # Streamlit: true = CORS protection on
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["client"]["toolbarMode"] == "viewer"
    assert cfg["client"]["disableDataExport"] is True  # no raw "Download as CSV" on tables (formula injection)
    assert cfg["client"]["showErrorDetails"] == "none"  # no stack trace with server paths in the browser
    from vlboard.intake import workbook

    assert server["maxUploadSize"] * 1024 * 1024 == workbook.MAX_BYTES


def test_raw_html_only_where_data_is_encoded():
    """unsafe_allow_html appears only in the wall page: its static CSS and the HTML built by
    vlboard/ui/wall.py, whose data goes through _html."""
    users = sorted(
        str(p.relative_to(ROOT))
        for p in tracked_files()
        if p.suffix == ".py"
        and "unsafe_allow_html=True" in p.read_text(encoding="utf-8")
        and not p.name.startswith("test_")
    )
    assert users == ["views/ioc.py"]


def test_password_never_in_output_or_logs(data, secrets, tmp_path):
    from tests.support.intake import PASSWORD

    f = tmp_path / "x.xlsx"
    f.write_bytes(filled(data, {"C-01": {"value": 64}}))
    outputs = [
        cli(data, secrets, "import", str(f), "--user", "admin"),
        cli(data, secrets, "import", str(f), "--user", "admin", password="sai-" + PASSWORD),
    ]
    assert outputs[0].returncode == 0 and outputs[1].returncode == 3
    for out in outputs:
        assert PASSWORD not in out.stdout + out.stderr
    assert PASSWORD not in data.history_file.read_text(encoding="utf-8")
    manifest = max(data.snapshots.glob("*/manifest.json")).read_text(encoding="utf-8")
    assert PASSWORD not in manifest and "$argon2" not in manifest
