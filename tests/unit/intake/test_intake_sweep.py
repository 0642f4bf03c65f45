"""Every subject with a reporting duty, in every period the intake page offers, gets a template
that reads back through the import path; every example account has something to report now."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from vlboard.intake import auth, imports, template
from vlboard.intake.auth import User
from vlboard.intake.workbook import DATA_SHEET
from vlboard.store.source import Snapshot

ROOT = Path(__file__).resolve().parents[3]
TODAY = dt.date(2026, 12, 5)
ADMIN = User("admin", "Quản trị", "admin")
COL = {k: i for i, k in enumerate(template.TEMPLATE_KEYS, start=1)}


@pytest.fixture(scope="module")
def src(shipped_data):
    return Snapshot.current(shipped_data)


def _duties(src) -> list[tuple[str, template.Subject]]:
    periods, _ = template.offered(src, TODAY, lambda t, c: True)
    out = []
    for period in periods:
        for r in template.subjects(src, period).itertuples(index=False):
            out.append((period, template.Subject(r.subject_type, r.subject_code, r.subject_name)))
    return out


def _filled(content: bytes, skip: set[int]) -> tuple[bytes, int]:
    """The template with a valid value in every row (50 for a percentage, 1 otherwise) except
    ``skip``; returns the bytes and the number of rows filled."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb[DATA_SHEET]
    filled = 0
    for r in range(template.HEADER_ROW + 1, ws.max_row + 1):
        if ws.cell(r, COL["indicator_code"]).value is None or r in skip:
            continue
        unit = ws.cell(r, COL["unit_of_measure"]).value or ""
        ws.cell(r, COL["value"], 50 if "%" in unit else 1)
        filled += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), filled


def test_duties_reach_every_kind_of_subject_after_the_reorganisation(src):
    by = {p: template.subjects(src, p) for p in ("2025-Q2", "2025-Q3", "2026-Q3", "2025", "2026")}
    agencies = {p: set(df[df.subject_type == "agency"].subject_code) for p, df in by.items()}
    # provincial departments leading KH 67 / QĐ 2702 indicators report yearly
    assert {"S-KHCN", "VP-UBND-T", "S-YT", "S-GDDT"} <= agencies["2025"] & agencies["2026"]
    # dissolved 01/3/2025: the successor holds the duty, the old department none
    assert "S-TTTT" not in agencies["2025"] and "S-NNMT" in agencies["2025"] and "S-NNPTNT" not in agencies["2025"]
    # the city offices report quarterly while they exist (until 30/06/2025)
    assert "TPVL-PVHTT" in agencies["2025-Q2"] and "TPVL-PVHTT" not in agencies["2025-Q3"]
    # KH CĐS 2026 of the provincial office: its offices in 2026 only
    assert "VP-TTTTDH" in agencies["2026"] and "VP-TTTTDH" not in agencies["2025"]
    units = set(by["2026-Q3"][by["2026-Q3"].subject_type == "unit"].subject_code)
    assert "x2025-29551" in units  # the new wards inherit the city's quarterly report
    assert len(by["2026"][by["2026"].subject_type == "unit"]) == 124


def test_assumed_duties_are_marked(src):
    s = template.subjects(src, "2026").set_index("subject_code")
    assert s.loc["x2025-29551", "n_assumed"] == s.loc["x2025-29551", "n_indicators"]  # communes: assumption
    rows = template.rows(src, template.Subject("agency", "VP-TTTTDH", "TT"), "2026")
    assert rows.assumption.all()  # KH CĐS 2026 sets no reporting duty
    rows = template.rows(src, template.Subject("agency", "S-YT", "Sở Y tế"), "2026")
    assert not rows.assumption.all() and set(rows.rule_section) <= {"VI.16", "VIII.6"}
    text = template.basis_text(rows, "2026")
    assert "hạn nộp 10/12/2026" in text and "«Định kỳ trước ngày 10/12 hàng năm" in text


def test_every_duty_template_reads_back_through_the_import(shipped_data, src):
    duties = _duties(src)
    assert len(duties) > 300
    seen = set()
    for period, subject in duties:
        table = template.rows(src, subject, period)
        content = template.write(subject, period, table, snapshot_id=src.snapshot_id)
        data, filled = _filled(content, set())
        pv = imports.preview(shipped_data, ADMIN, "mau.xlsx", data, today=TODAY, src=src)
        # a figure printed in a plan is never overwritten: leave those rows blank, as a clerk would
        printed = {p.row for p in pv.problems if "văn bản" in p.message}
        if printed:
            data, filled = _filled(content, printed)
            pv = imports.preview(shipped_data, ADMIN, "mau.xlsx", data, today=TODAY, src=src)
        assert pv.problems == [], (period, subject, [str(p) for p in pv.problems][:3])
        assert filled == len(table) - len(printed) and len(pv.changes) == filled
        assert set(pv.changes.state) <= {"new", "changed"}  # demo rows are replaced, nothing dropped
        seen.add((subject.type, period))
    assert {("agency", "2026"), ("unit", "2026"), ("unit", "2026-Q3"), ("agency", "2025-Q2")} <= seen


def _example_users() -> list[User]:
    s = auth.settings(auth.load_secrets_file(ROOT / ".streamlit" / "secrets.toml.example"))
    return [a.user for a in s.accounts.values()] + list(s.oidc_roles.values())


@pytest.mark.parametrize("user", [u for u in _example_users() if u.can_edit], ids=lambda u: u.username)
def test_every_example_account_has_something_to_report_now(src, user):
    periods, default = template.offered(src, TODAY, user.may_import)
    subjects = template.subjects(src, default)
    mine = [c for t, c in zip(subjects.subject_type, subjects.subject_code) if user.may_import(t, c)]
    assert mine, (user.username, default)
    assert default in periods
    # on 05/12/2026 the yearly reports (due 01/12 and 10/12) are the current ones
    assert default == "2026"
