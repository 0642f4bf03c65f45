"""Conventions from design.md: the layer contracts of .importlinter hold, pure modules never import
streamlit, nothing touches data at import."""

import subprocess
import sys
from pathlib import Path

from tests.support.fixtures import ROOT

PURE = [
    "vlboard.store.catalogue",
    "vlboard.store.checks",
    "vlboard.store.demo",
    "vlboard.store.snapshots",
    "vlboard.store.datadir",
    "vlboard.store.changelog",
    "vlboard.store.build",
    "vlboard.store.db",
    "vlboard.store.queries",
    "vlboard.domain.formatting",
    "vlboard.board.overview",
    "vlboard.domain.periods",
    "vlboard.domain.targets_text",
    "vlboard.domain.textnorm",
    "vlboard.domain.vocab",
    "vlboard.domain.status",
    "vlboard.domain.roadmap",
    "vlboard.store.schema",
    "vlboard.settings",
    "vlboard.cli",
]


def test_layer_contracts_hold():
    """.importlinter: the layers, streamlit only in vlboard.ui, a pure domain, no duckdb in board or
    charts, nothing in the product imports the benchmark."""
    out = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


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


def test_the_vocabulary_is_defined_once():
    """Pillar labels, source labels, subject labels and Vietnam time live in vlboard/domain/vocab.py."""
    words = [
        '"chinh_quyen_so": "Chính quyền số"',
        '"document": "Văn bản"',
        '{"agency": "cơ quan", "unit": "phường/xã"}',
        "timedelta(hours=7)",
        'ZoneInfo("Asia/Ho_Chi_Minh")',
    ]
    product = [*(ROOT / "vlboard").rglob("*.py"), ROOT / "app.py", ROOT / "serve.py", *(ROOT / "views").glob("*.py")]
    found = [
        f"{p.relative_to(ROOT)}: {w}"
        for p in product
        if p.name != "vocab.py"
        for w in words
        if w in p.read_text(encoding="utf-8")
    ]
    assert not found, found


def test_a_module_over_300_lines_says_why_at_its_top():
    """Issue 18: modules small and named for what they hold; a longer one gives its reason."""
    long = []
    for path in sorted((ROOT / "vlboard").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        head = text.split('"""')[1] if text.startswith('"""') else ""
        if len(text.splitlines()) > 300 and "Over 300 lines:" not in head:
            long.append(str(path.relative_to(ROOT)))
    assert not long, long
