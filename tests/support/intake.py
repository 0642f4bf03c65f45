"""Helpers of the import tests (library, command line, pages): users, the tiny intake snapshot,
filled templates, the fingerprint of a data folder, the CLI run as a subprocess."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
import unicodedata

import pytest
from argon2 import PasswordHasher
from openpyxl import load_workbook

from tests.support.fixtures import ROOT, tiny_tables
from vlboard.intake import auth, imports, template, workbook
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

D = dt.date
TODAY = D(2025, 11, 20)
ADMIN = auth.User("admin", "Quản trị", "admin")
WARD1 = auth.User("w1-clerk", "Cán bộ phường 1", "editor", unit="w1")
AGENCY = auth.User("a1-clerk", "Cán bộ phòng VH&TT", "editor", agency="A-1")
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def intake_tables():
    """tiny_tables plus a count indicator and a document figure for ward w1 in 2025-Q2."""
    base = tiny_tables()
    rows = {t: base[t].to_pylist() for t in ("indicators", "targets", "results", "assignments")}
    rows["indicators"].append(
        dict(
            code="C-03",
            plan="p-tp",
            pillar="xa_hoi_so",
            name_vi="Số điểm phát Wi-Fi",
            kind="count",
            unit="điểm",
            direction="higher",
            scope="city+ward",
            quote="wifi",
        )
    )
    rows["targets"].append(dict(indicator_code="C-03", year=2025, comparator=">=", value=10.0, raw="10 điểm"))
    rows["results"].append(
        dict(
            result_id="doc-w1",
            indicator_code="C-01",
            period="2025-Q2",
            period_type="quarter",
            year=2025,
            period_end=D(2025, 6, 30),
            unit_code="w1",
            value=55.0,
            as_of=D(2025, 6, 30),
            source="document",
            quote="55%",
        )
    )
    return tiny_tables(**rows)


def fingerprint(d: snapshots.DataDir) -> dict:
    """CURRENT and the bytes of every file of every snapshot."""
    out = {"CURRENT": d.current_file.read_bytes()}
    for p in sorted(d.snapshots.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(d.root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def make_template(d, subject=("unit", "w1", "Phường 1"), period="2025-Q3") -> bytes:
    src = Snapshot.current(d)
    s = template.Subject(*subject)
    return template.write(s, period, template.rows(src, s, period), snapshot_id=src.snapshot_id)


def filled(d, cells: dict[str, object], *, subject=("unit", "w1", "Phường 1"), period="2025-Q3", edit=None) -> bytes:
    """The template with cells set by (column key) → value on the row of an indicator code:
    cells = {"C-01": {"value": 61}}; ``edit(wb)`` may change anything else."""
    wb = load_workbook(io.BytesIO(make_template(d, subject, period)))
    ws = wb[workbook.DATA_SHEET]
    col = {k: i for i, k in enumerate(template.TEMPLATE_KEYS, start=1)}
    rows = {ws.cell(r, 1).value: r for r in range(template.HEADER_ROW + 1, ws.max_row + 1)}
    for code, values in cells.items():
        for key, v in values.items():
            ws.cell(rows[code], col[key], v)
    if edit:
        edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# the commentary of a report row (giải trình): required before a miss is submitted
EXPLAINED = {"cause": "Thiếu nhân lực hỗ trợ", "remedy": "Tăng cường tổ công nghệ số cộng đồng"}


def run(d, content: bytes, user=ADMIN, name="bao-cao.xlsx", **kw) -> imports.Preview:
    return imports.preview(d, user, name, content, today=TODAY, **kw)


def report_one(d, subject=("unit", "w1", "Phường 1"), period="2025-Q3", code="C-01", value=64, today=TODAY) -> str:
    """Import one value for the subject × period (as admin), with its explanation (required before a
    miss is submitted), so that it may be submitted; the new snapshot id."""
    cells = {code: {"value": value, **EXPLAINED}}
    pv = imports.preview(d, ADMIN, "bao-cao.xlsx", filled(d, cells, subject=subject, period=period), today=today)
    assert not pv.problems, [str(p) for p in pv.problems]
    return imports.commit(d, ADMIN, pv)


def refused(d, content, fragment, user=ADMIN, name="bao-cao.xlsx", **kw) -> list[str]:
    before = fingerprint(d)
    pv = run(d, content, user, name, **kw)
    messages = [str(p) for p in pv.problems]
    assert any(fragment in m for m in messages), messages
    with pytest.raises(imports.ImportRefused):
        imports.commit(d, user, pv)
    assert fingerprint(d) == before, "the live snapshot must stay byte-identical"
    return messages


def _meta(key, value):
    def edit(wb):
        for row in wb[workbook.META_SHEET].iter_rows():
            if row[0].value == key:
                row[1].value = value

    return edit


def cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letter (with its hat/horn/breve) then a combining tone mark."""
    tones = {0x300, 0x301, 0x303, 0x309, 0x323}
    out = ""
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        out += unicodedata.normalize("NFC", "".join(c for c in d if ord(c) not in tones))
        out += "".join(c for c in d if ord(c) in tones)
    return out.encode("cp1258")


PASSWORD = "mat-khau-thu-nghiem"


def cli(data, secrets, *args, password=PASSWORD, env=None, wait=True, stdin=False):
    e = {
        **os.environ,
        "VLBOARD_DATA": str(data.root),
        "VLBOARD_SECRETS": str(secrets),
        "VLBOARD_PASSWORD": password,
        "VLBOARD_NO_PNG": "1",
        **(env or {}),
    }
    cmd = [sys.executable, "-m", "vlboard", *args]
    if not wait:
        return subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=e,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        )
    return subprocess.run(cmd, cwd=ROOT, env=e, capture_output=True, text=True, timeout=120)


def write(tmp_path, content, name="bao-cao.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    return path
