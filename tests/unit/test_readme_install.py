"""The README's operations install line installs what `make setup` would otherwise try to install with
sudo (which the unprivileged `vlboard` user running `make setup` does not have)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def deb_packages() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = re.search(r"^DEB_PACKAGES :=(.*)$", text, re.M)
    assert line, "Makefile has no DEB_PACKAGES"
    return set(line.group(1).split())


def readme_install_line() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8").replace("\\\n", " ")
    ops = text[text.index("## Vận hành / Operations") :]
    line = re.search(r"^apt-get install -y (.*)$", ops, re.M)
    assert line, "README's operations section has no apt-get install line"
    return set(line.group(1).split("#")[0].split())


def test_readme_install_line_covers_the_makefile_packages():
    packages = deb_packages()
    assert {"chromium", "nginx"} <= packages  # the parser reads the real list
    assert packages - readme_install_line() == set()
