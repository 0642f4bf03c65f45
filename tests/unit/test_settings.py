"""Process settings: one table (vlboard/settings.py), documented in the README, the only reader."""

import re

import pytest

from tests.support.fixtures import ROOT
from vlboard import settings

PRODUCT = [
    *sorted((ROOT / "vlboard").rglob("*.py")),
    ROOT / "app.py",
    ROOT / "serve.py",
    *sorted((ROOT / "views").glob("*.py")),
]
# a read of the environment: os.environ.get(…), os.getenv(…), os.environ[…] not followed by an assignment
READ = re.compile(r"environ\.get\(|getenv\(|environ\[[^\]]*\](?!\s*=[^=])|environ\.setdefault\(")


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings.markdown_table() in readme, "README's Environment table differs from vlboard/settings.py"


def test_only_settings_reads_the_environment():
    offenders = []
    for path in PRODUCT:
        if path == ROOT / "vlboard" / "settings.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if READ.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, offenders


def test_every_setting_named_in_the_product_is_declared():
    call = re.compile(r"""(?:settings|environment)\.(?:get|path|flag)\(["']([A-Z_]+)["']\)""")
    used = {name for path in PRODUCT for name in call.findall(path.read_text(encoding="utf-8"))}
    assert used and used <= {s.name for s in settings.SETTINGS}, used


def test_values_are_read_when_asked_never_at_import(monkeypatch, tmp_path):
    monkeypatch.setenv("VLBOARD_DATA", str(tmp_path))
    assert settings.path("VLBOARD_DATA") == tmp_path
    monkeypatch.delenv("VLBOARD_DATA")
    assert settings.path("VLBOARD_DATA") == ROOT / "data"
    monkeypatch.setenv("VLBOARD_PAUSE_SECONDS", "5")
    assert settings.get("VLBOARD_PAUSE_SECONDS") == "5"
    monkeypatch.delenv("VLBOARD_PAUSE_SECONDS")
    assert settings.get("VLBOARD_PAUSE_SECONDS") == "60"
    monkeypatch.setenv("VLBOARD_NO_PNG", "")
    assert not settings.flag("VLBOARD_NO_PNG")
    monkeypatch.setenv("VLBOARD_NO_PNG", "1")
    assert settings.flag("VLBOARD_NO_PNG")


def test_an_undeclared_setting_is_refused():
    with pytest.raises(KeyError):
        settings.get("VLBOARD_NOT_A_SETTING")
