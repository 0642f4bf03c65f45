"""Conventions from design.md: pure modules never import streamlit, nothing touches data at import."""

import subprocess
import sys

from tests.support.fixtures import ROOT

PURE = ["vlboard.store.catalogue", "vlboard.store.demo", "vlboard.store.snapshots", "vlboard.store.db", "vlboard.store.queries",
        "vlboard.domain.formatting", "vlboard.board.overview", "vlboard.domain.periods", "vlboard.domain.targets_text",
        "vlboard.domain.textnorm", "vlboard.store.schema", "vlboard.cli"]


def test_pure_modules_do_not_import_streamlit_or_open_files():
    code = (
        "import builtins, sys\n"
        "opened = []\n"
        "real = builtins.open\n"
        "builtins.open = lambda f, *a, **k: (opened.append(str(f)), real(f, *a, **k))[1]\n"
        f"for m in {PURE!r}: __import__(m)\n"
        "assert 'streamlit' not in sys.modules, 'streamlit imported'\n"
        "bad = [f for f in opened if '/data/' in f]\n"
        "assert not bad, bad\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_pages_stay_thin():
    for page in (ROOT / "views").glob("*.py"):
        assert len(page.read_text(encoding="utf-8").splitlines()) <= 80, page.name
