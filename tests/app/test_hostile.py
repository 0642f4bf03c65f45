"""Hostile input: query parameters on every page (AppTest + hypothesis), SQL text built from strings,
snapshot ids from outside.

Every page is opened with URL values that try path traversal, SQL, Markdown/HTML/Streamlit markup,
control characters, NUL bytes, right-to-left overrides, 10 000-character strings and numbers that
overflow. For each run: no exception, the page still shows its title, whatever is echoed back is
escaped (no raw ``<script``, no ``[..](javascript:..)`` link, no unescaped payload in any element
that Streamlit renders as Markdown), and no file outside the expected places is opened, nor any file
whose path carries the hostile value (an audit hook records ``open`` events during each run).

Budget: every example is a fresh AppTest session opened directly on its page (one script run,
≈0.3–1 s); the Streamlit caches stay warm within a page's test.
"""

from __future__ import annotations

import ast
import csv
import html
import os
import re
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from tests.support.fixtures import ROOT
from vlboard.board import wall
from vlboard.domain import filters
from vlboard.domain.status import STATUSES
from vlboard.domain.vocab import PILLARS
from vlboard.store import snapshots

APP = str(ROOT / "app.py")
TITLES = {  # page → the title it must still show (the wall has no st.title: its header line instead)
    "views/overview.py": "Tổng quan chuyển đổi số",
    "views/pillar.py": "Trụ cột chính quyền số",
    "views/agencies.py": "Theo cơ quan",
    "views/units.py": "Theo phường, xã",
    "views/indicator.py": "Chi tiết chỉ tiêu",
    "views/budget.py": "Kinh phí",
    "views/milestones.py": "Nhiệm vụ và thời hạn",
    "views/ioc.py": "Chuyển đổi số tỉnh Vĩnh Long",
    "views/intake.py": "Nhập số liệu",
    "views/history.py": "Lịch sử dữ liệu",
    "views/cycle.py": "Kỳ báo cáo",
    "views/my_work.py": "Việc của tôi",
}
PAGES = list(TITLES)
PARAM_KEYS = (*filters.KEYS, "code", "rotate", "slides", "ky")  # every parameter any page reads

NASTY = [
    "../../etc/passwd",
    "%2e%2e/%2e%2e/etc/passwd",
    "..%2f..%2f..%2fetc%2fshadow",
    "/etc/passwd",
    "' OR 1=1 --",
    '"; DROP TABLE results; --',
    "1; select * from read_csv('/etc/passwd')",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    ":red[x] :material/warning: **đậm** `mã` $x^2$",
    "a\x00b\x00",
    "\u202eevil\u202c.exe",
    "\x1b[31m\r\n\t\x7f",
    "1e309",
    "-1e309",
    "NaN",
    "{{7*7}} ${7*7} %s%n",
    "Phường 1 ﷽ 🎉 \u0301",
    "x" * 10_000,
]


def _first_column(name: str, n: int) -> list[str]:
    with (ROOT / "data" / "source" / name).open(encoding="utf-8") as fh:
        return [row[0] for row in list(csv.reader(fh))[1 : n + 1]]


# values that exist, so that some examples narrow the pages for real next to the hostile ones
VALID = [
    *PILLARS,
    *STATUSES,
    *filters.SOURCE_CHOICES,
    "2025-Q4",
    "2025-Q2",
    "2024",
    "summary,units,offtrack",
    "5",
    *_first_column("plans.csv", 5),
    *_first_column("agencies.csv", 3),
    *_first_column("units.csv", 3),
    *_first_column("indicators.csv", 2),
]

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)  # any unicode but surrogates
_CONTROL = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), min_size=1, max_size=6)
_LONG = st.sampled_from(["A", "<", "é", "../", "\u202e"]).map(lambda s: s * (10_000 // len(s)))
_NUMBER = st.sampled_from(
    [
        "1e309",
        "-1e309",
        "NaN",
        "-nan",
        "inf",
        "-0",
        "0x1F",
        "1_000",
        "٣",
        "1e-400",
        "9" * 400,
        "3.0000000000000001",
        "-5",
    ]
)
VALUE = st.one_of(
    st.sampled_from(NASTY),
    _TEXT,
    _CONTROL,
    _LONG,
    _NUMBER,
    st.sampled_from(VALID),
    st.tuples(st.sampled_from(NASTY), _TEXT, _CONTROL).map("".join),
)
PARAMS = st.dictionaries(
    keys=st.one_of(
        st.sampled_from(PARAM_KEYS),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
    ),
    values=st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=3)),
    min_size=1,
    max_size=6,
)


# ------------------------------------------------------------------------- files opened by a run

_RECORDING: list | None = None


def _audit(event: str, args: tuple) -> None:
    if _RECORDING is not None and event == "open" and args and not isinstance(args[0], int):
        _RECORDING.append(args[0])


sys.addaudithook(_audit)  # once per module (audit hooks cannot be removed): records only while _RECORDING is set


def _allowed_roots(data_root: Path) -> list[str]:
    home = Path.home()
    roots = [
        ROOT,
        data_root,
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        "/usr",
        "/etc/ssl",
        "/etc/fonts",
        "/etc/localtime",
        "/etc/mime.types",
        "/etc/timezone",
        "/proc",
        "/sys",
        "/dev",
        tempfile.gettempdir(),
        home / ".fonts",
        home / ".local" / "share" / "fonts",
        home / ".cache" / "fontconfig",
        home / ".streamlit",
    ]  # Streamlit's own config.toml / secrets.toml / credentials.toml
    return [os.path.realpath(r) for r in roots]


def _path(raw) -> str:
    return os.fsdecode(raw) if isinstance(raw, (bytes, os.PathLike)) else str(raw)


def _inside(path: str, roots: list[str]) -> bool:
    try:
        real = os.path.realpath(path)
    except (ValueError, OSError):  # a NUL byte in a path is itself a finding
        return False
    return any(real == r or real.startswith(r.rstrip("/") + "/") for r in roots)


# ---------------------------------------------------------------------------------- one session


def _values(params: dict) -> list[str]:
    """The hostile strings of a URL: its values and unknown names (not the names the pages read, nor
    values that exist in the data)."""
    out = [k for k in params if k not in PARAM_KEYS]
    for v in params.values():
        out.extend(v if isinstance(v, list) else [v])
    return [v for v in out if v not in VALID]


MARKUP = re.compile(r"[<>\[\]*`:$]")  # a value holding one of these must never reach Markdown verbatim


def _unescaped(text: str) -> str:
    """What Markdown still interprets: the text without its backslash escapes (``\\<`` is a literal
    ``<``), so a payload that survives here was not escaped."""
    return re.sub(r"\\.", "", text, flags=re.S)


def _rendered(at: AppTest) -> list[str]:
    """Every text Streamlit renders as Markdown (or, with unsafe_allow_html, as HTML)."""
    out = []
    for kind in (
        "markdown",
        "caption",
        "title",
        "header",
        "subheader",
        "warning",
        "info",
        "error",
        "success",
        "exception",
    ):
        out.extend(str(getattr(e, "value", getattr(e, "message", ""))) for e in at.get(kind))
    out.extend(e.label for e in at.get("expander"))
    out.extend(e.label for e in at.get("metric"))
    return out


class Session:
    """Fresh AppTest sessions opened directly on one page, as a deep link with new URL parameters does.

    AppTest can only switch to a page of ``st.navigation`` after a first run; the page's script hash
    is taken from one such warm-up session and given to every fresh session (``_page_hash``: the one
    private attribute used here; a wrong page would fail the title check)."""

    def __init__(self, page: str, data_root: Path):
        self.page, self.roots = page, _allowed_roots(data_root)
        warm = AppTest.from_file(APP, default_timeout=90).run()
        if page != "views/overview.py":
            warm.switch_page(page)
        self.page_hash = warm._page_hash
        self.at = warm
        self.baseline = set(self._run({}))  # what a clean visit opens
        assert not self.at.exception, self.at.exception

    def _run(self, params: dict) -> list[str]:
        global _RECORDING
        self.at = at = AppTest.from_file(APP, default_timeout=90)
        at._page_hash = self.page_hash
        at.query_params.update(params)
        _RECORDING = []
        try:
            at.run()
        finally:
            opened, _RECORDING = [_path(p) for p in _RECORDING], None
        return opened

    def check(self, params: dict) -> None:
        opened = self._run(params)
        at = self.at
        assert not at.exception, (params, at.exception[0].message, at.exception[0].stack[-6:])
        texts = _rendered(at)
        shown = " ".join(html.unescape(t) for t in texts)
        assert TITLES[self.page] in shown, f"{self.page} lost its title with {params!r}"
        live = [_unescaped(t) for t in texts]
        for t in live:
            assert "<script" not in t.lower(), t[:300]
            assert not re.search(r"\]\(\s*javascript:", t, re.I), t[:300]
        for v in _values(params):
            if len(v) >= 4 and MARKUP.search(v):
                assert not any(v in t for t in live), f"{v[:80]!r} shown unescaped on {self.page}"
        for p in opened:
            if p in self.baseline:
                continue
            assert _inside(p, self.roots), f"{self.page} opened {p!r} with {params!r}"
            for v in _values(params):
                assert len(v) < 4 or v not in p, f"{self.page} opened {p!r}, carrying the URL value {v[:80]!r}"


def _fixed_cases(page_index: int) -> list[dict]:
    """Every parameter at once, the NASTY list spread over them (shifted per page, so that across the
    pages each parameter meets each payload), plus unknown parameters with hostile names."""
    n = len(NASTY)
    cases = []
    for i in range(4):
        cases.append({k: NASTY[(page_index + i * len(PARAM_KEYS) + j) % n] for j, k in enumerate(PARAM_KEYS)})
    cases.append(
        {
            "<script>alert(1)</script>": "x",
            "../../etc/passwd": "1",
            "code\x00": "a",
            "x" * 10_000: "y",
            "plan": ["../x", "' OR 1=1 --"],
            "embed": "true",
            "Code": "KH67-2025-01",
        }
    )
    return cases


pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")


@pytest.mark.parametrize("page", PAGES)
def test_hostile_query_parameters_on_every_page(monkeypatch, shipped_data, page):
    monkeypatch.setenv("VLBOARD_DATA", str(shipped_data.root))
    session = Session(page, shipped_data.root)
    for case in _fixed_cases(PAGES.index(page)):
        session.check(case)

    @settings(
        max_examples=6,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(params=PARAMS)
    def random_urls(params):
        session.check(params)

    random_urls()


# --------------------------------------------------------------------- the pure URL validators


FAKE_OPTIONS = filters.Options(
    plans={"kh67-2020": "KH 67"},
    periods={"2025-Q4": "Quý IV/2025", "2024": "Năm 2024"},
    agencies={"A-1": "Phòng A"},
    units={"w1": "Phường 1"},
    default_period="2025-Q4",
)


@settings(max_examples=300, deadline=None)
@given(params=PARAMS)
def test_filters_accept_only_known_values_and_echo_a_bounded_note(params):
    flat = {k: (v[-1] if isinstance(v, list) else v) for k, v in params.items()}
    f, notes = filters.parse(flat, FAKE_OPTIONS)
    allowed = {
        "plan": FAKE_OPTIONS.plans,
        "period": FAKE_OPTIONS.periods,
        "pillar": PILLARS,
        "agency": FAKE_OPTIONS.agencies,
        "unit": FAKE_OPTIONS.units,
        "status": STATUSES,
        "source": filters.SOURCE_CHOICES,
    }
    for key, choices in allowed.items():
        value = getattr(f, key)
        assert value is None or value in choices
    rejected = [k for k in filters.KEYS if flat.get(k) not in (None, "") and flat[k] not in allowed[k]]
    assert len(notes) >= len(rejected)
    for note in notes:  # a 10 000-character value is echoed shortened
        assert len(note) < 400


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.none(), VALUE))
def test_wall_dwell_and_slides_from_the_url_stay_in_range(value):
    assert wall.MIN_DWELL <= wall.clamp_dwell(value) <= wall.MAX_DWELL
    only = wall.parse_only(value)
    assert only is None or (only and set(only) <= set(wall.SLIDE_KEYS))


# ------------------------------------------------------------------------ SQL built from strings

SQL_TEXT = re.compile(
    r"\b(select\b[\s\S]*\bfrom|insert\s+into|delete\s+from|update\s+\w+\s+set|"
    r"create\s+(or\s+replace\s+)?(temp\s+|temporary\s+)?(view|table|macro)|drop\s+(table|view)|"
    r"copy\s+\w+\s+(to|from)|attach\s|pragma\s)",
    re.I,
)
SQL_CALLS = {"execute", "executemany", "sql", "query", "from_query", "read_sql"}
GREP = [
    re.compile(p)
    for p in (
        r"""execute(many)?\(\s*f["']""",
        r"""\.sql\(\s*f["']""",
        r"""\.query\(\s*f["']""",
        r"""execute(many)?\(\s*["'][^"']*["']\s*%""",
        r"""execute(many)?\(\s*["'][^"']*["']\s*\+""",
        r"""\.sql\(\s*["'][^"']*["']\s*[%+]""",
    )
]


def _literal(node: ast.AST) -> str:
    """The constant text of an f-string / % / + / .format() expression."""
    return " ".join(n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str))


def _composed(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.JoinedStr)
        or (isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)))
        or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"format", "format_map", "replace", "join"}
        )
    )


def test_no_sql_text_is_built_from_strings():
    """Values reach DuckDB only as bound parameters ($name) of fixed .sql files or string constants:
    a URL value, file name or cell spliced into SQL text (f-string, %, +, .format) would be an
    injection, whatever the validation in front of it. Complements tests/unit/store/test_sql.py, which checks
    that the .sql files themselves hold only bound parameters.

    Two passes over vlboard/**/*.py: a grep for the classic shapes (``execute(f"``, ``.sql(f"``,
    ``execute("…" %``), and the syntax tree: no SQL call gets a composed string, and no composed
    string anywhere holds SQL keywords (SQL built in a variable first)."""
    problems = []
    for path in sorted((ROOT / "vlboard").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        for n, line in enumerate(text.splitlines(), 1):
            if any(g.search(line) for g in GREP):
                problems.append(f"{rel}:{n}: {line.strip()}")
        for node in ast.walk(ast.parse(text)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_CALLS
                and node.args
                and _composed(node.args[0])
            ):
                problems.append(f"{rel}:{node.lineno}: SQL call with a composed string")
            elif _composed(node) and SQL_TEXT.search(_literal(node)):
                problems.append(f"{rel}:{node.lineno}: SQL text composed from strings")
    assert not problems, "\n".join(problems)


def test_the_sql_scan_catches_what_it_should():
    bad = [
        'con.execute(f"select * from results where code = {code}")',
        'con.sql("select %s from t" % col)',
        'q = "delete from results where id = {}".format(x)\ncon.execute(q)',
        'con.execute("select * from " + table)',
    ]
    for src in bad:
        tree = ast.parse(src)
        assert any(g.search(src) for g in GREP) or any(
            (_composed(n) and SQL_TEXT.search(_literal(n))) for n in ast.walk(tree)
        ), src


# --------------------------------------------------------------------------- snapshot ids from outside


@pytest.mark.parametrize(
    "bad", ["../x", "/abs", ".hidden", "", ".", "..", "a/b", "x/", "../../etc/passwd", "/etc/passwd", "./x", ".tmp-123"]
)
def test_outside_snapshot_ids_are_refused(tiny_data, bad):
    with pytest.raises(snapshots.SnapshotError):
        snapshots.snapshot_dir(tiny_data, bad)


@pytest.mark.parametrize(
    "bad",
    [
        "a\x00b",
        "\x00" * 8,
        "x" * 300,
    ],
)
def test_unusable_snapshot_ids_are_refused(tiny_data, bad):
    with pytest.raises(snapshots.SnapshotError):
        snapshots.snapshot_dir(tiny_data, bad)


@pytest.mark.parametrize("page", ["views/overview.py", "views/ioc.py"])
def test_a_current_file_of_nul_bytes_is_a_vietnamese_error(monkeypatch, tmp_path, shipped_data, page):
    import shutil

    shutil.copytree(shipped_data.root, tmp_path / "d")
    data = snapshots.DataDir(tmp_path / "d")
    data.current_file.write_bytes(b"\x00" * 30)
    monkeypatch.setenv("VLBOARD_DATA", str(data.root))
    at = AppTest.from_file(APP, default_timeout=90).run()
    if page != "views/overview.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception[0].message
