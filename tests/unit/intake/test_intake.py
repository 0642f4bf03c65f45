"""Importing reports through the library path: every bad-input kind of the intake issue gives its
Vietnamese message (sheet, row, column) and leaves the live snapshot byte-identical; scopes are
enforced in the import layer; a round trip template → import → dashboard query → rollback."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import subprocess
import threading
import unicodedata
import zipfile

import pytest
from openpyxl import load_workbook

from tests.support.intake import (
    ADMIN,
    AGENCY,
    WARD1,
    D,
    _meta,
    cp1258,
    filled,
    fingerprint,
    make_template,
    refused,
    run,
)
from vlboard.intake import auth, history, imports, template, workbook
from vlboard.store import build, queries, snapshots
from vlboard.store.source import Snapshot

# ------------------------------------------------------------------------------------ good input


def test_template_lists_what_the_subject_reports(data):
    wb = load_workbook(io.BytesIO(make_template(data)))
    ws = wb[workbook.DATA_SHEET]
    codes = [ws.cell(r, 1).value for r in range(template.HEADER_ROW + 1, ws.max_row + 1)]
    assert codes == ["C-01", "C-03"]  # the qualitative C-02 is reported in prose, not in the template
    assert ws.cell(template.HEADER_ROW + 1, 4).value == "70%"  # the 2025 target as printed
    assert ws.cell(template.HEADER_ROW + 1, 5).value == "55 (văn bản)"  # w1's Q2 value, with its source
    meta = {r[0].value: r[1].value for r in wb[workbook.META_SHEET].iter_rows()}
    assert wb[workbook.META_SHEET].sheet_state == "hidden"
    assert (meta["template_version"], meta["scope_type"], meta["scope_code"], meta["period"]) == (
        workbook.TEMPLATE_VERSION,
        "unit",
        "w1",
        "2025-Q3",
    )
    rules = {str(dv.sqref): (dv.type, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert ("decimal", "0", "100") in rules.values()  # percent value cells


def test_template_prints_a_yearless_target_as_such(shipped_data):
    """QĐ 3100 III.1.7 gives each ward 01 IT officer with no year: the ward's template shows the
    printed figure marked as yearless (it failed on the missing year before)."""
    src = Snapshot.current(shipped_data)
    subject = template.Subject("unit", "x2025-29551", "Phường Long Châu")
    t = template.rows(src, subject, "2026-Q3")
    wb = load_workbook(io.BytesIO(template.write(subject, "2026-Q3", t, snapshot_id=src.snapshot_id)))
    ws = wb[workbook.DATA_SHEET]
    targets = {ws.cell(r, 1).value: ws.cell(r, 4).value for r in range(template.HEADER_ROW + 1, ws.max_row + 1)}
    assert targets["TPVL-NV-04"] == "01 cán bộ/đơn vị (không ghi năm)"


def test_round_trip_import_query_rollback(data):
    before = snapshots.current_id(data)
    content = filled(
        data,
        {"C-01": {"value": 66.5, "note": "Theo báo cáo quý", "evidence_url": "https://x.vn/1"}, "C-03": {"value": 12}},
    )
    pv = run(data, content, WARD1)
    assert pv.ok, pv.problems
    states = dict(zip(pv.changes.indicator_code, pv.changes.state))
    assert states == {"C-01": "changed", "C-03": "new"}  # C-01 replaced the demo value 61
    sid = imports.commit(data, WARD1, pv)
    assert snapshots.current_id(data) == sid
    src = Snapshot.current(data)
    got = queries.run(src.con, "indicator_results", code="C-01")
    row = got[(got.period == "2025-Q3") & (got.unit_code == "w1")]
    assert row.value.tolist() == [66.5] and row.source.tolist() == ["report"]
    assert row.note.tolist() == ["Theo báo cáo quý"] and row.evidence_url.tolist() == ["https://x.vn/1"]
    series = queries.run(src.con, "status_units", year=2025, period_end=D(2025, 9, 30), include_demo=False)
    assert 66.5 in series[series.unit_code == "w1"].value.tolist()  # reports count as real data
    audit = src.con.execute(
        "select username, scope_code, period, n_new, n_changed, file_sha256 from imports"
    ).fetchall()
    assert audit == [("w1-clerk", "w1", "2025-Q3", 1, 1, hashlib.sha256(content).hexdigest())]
    note = src.con.execute(
        "select note, evidence_url, reported_by from results where source = 'report' and indicator_code = 'C-01'"
    ).fetchall()
    assert note == [("Theo báo cáo quý", "https://x.vn/1", "Cán bộ phường 1")]
    assert [e["action"] for e in snapshots.events(data)] == ["import"]
    # the same file again changes nothing
    again = run(data, content, WARD1)
    assert again.counts() == {"new": 0, "changed": 0, "unchanged": 2}
    with pytest.raises(imports.ImportRefused, match="Không có giá trị nào mới"):
        imports.commit(data, WARD1, again)
    # roll back: the value is gone from the queries, nothing deleted
    history.rollback(data, ADMIN, before, reason="nhập nhầm")
    src = Snapshot.current(data)
    got = queries.run(src.con, "indicator_results", code="C-01")
    assert 66.5 not in got.value.tolist()
    assert (data.snapshots / sid).is_dir()
    assert [e["action"] for e in snapshots.events(data)] == ["import", "rollback"]


def test_numerator_and_denominator_give_the_value(data):
    pv = run(data, filled(data, {"C-01": {"numerator": 30, "denominator": 40}}))
    assert pv.ok and pv.rows.value.tolist() == [75.0]


def test_computed_value_is_said_in_the_preview_and_the_stored_note(data):
    pv = run(
        data,
        filled(data, {"C-01": {"numerator": 30, "denominator": 40, "note": "Theo sổ theo dõi"}, "C-03": {"value": 12}}),
    )
    assert pv.changes.set_index("indicator_code").computed.to_dict() == {"C-01": True, "C-03": False}
    sid = imports.commit(data, ADMIN, pv)
    results = (
        Snapshot.current(data)
        .con.sql("select indicator_code, note from results where source = 'report' order by 1")
        .fetchall()
    )
    assert snapshots.current_id(data) == sid
    assert results == [("C-01", "Giá trị tính từ tử số / mẫu số (30 / 40). Theo sổ theo dõi"), ("C-03", None)]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (make setup installs it)")
def test_template_saved_by_libreoffice_imports_with_formula_results(data, tmp_path):
    """A clerk fills the template, types a formula, and saves it in LibreOffice Calc: the hidden
    sheet survives, the formula's stored result is read, an .ods copy is refused with the steps."""
    content = filled(data, {"C-01": {"value": "=30+34.5"}, "C-03": {"value": 12}})
    src = tmp_path / "mau.xlsx"
    src.write_bytes(content)
    for fmt in ("xlsx:Calc MS Excel 2007 XML", "ods"):
        subprocess.run(
            ["soffice", "--headless", "--calc", "--convert-to", fmt, "--outdir", str(tmp_path / "lo"), str(src)],
            env={**os.environ, "HOME": str(tmp_path)},
            capture_output=True,
            timeout=180,
            check=True,
        )
    pv = run(data, (tmp_path / "lo" / "mau.xlsx").read_bytes())
    assert pv.ok, [str(p) for p in pv.problems]
    assert pv.rows.set_index("indicator_code").value.to_dict() == {"C-01": 64.5, "C-03": 12.0}
    ods = run(data, (tmp_path / "lo" / "mau.ods").read_bytes(), name="mau.ods")
    assert len(ods.problems) == 1 and "Ctrl+Shift+S" in ods.problems[0].message


def test_template_time_is_vietnam_time(data):
    src = Snapshot.current(data)
    s = template.Subject("unit", "w1", "Phường 1")
    raw = template.write(
        s,
        "2025-Q3",
        template.rows(src, s, "2025-Q3"),
        snapshot_id=src.snapshot_id,
        now=dt.datetime(2026, 12, 4, 20, 30, tzinfo=dt.UTC),
    )
    wb = load_workbook(io.BytesIO(raw))
    assert "mẫu tải lúc 05/12/2026 03:30" in wb[workbook.DATA_SHEET]["A2"].value  # UTC+7: the next morning
    meta = {r[0]: r[1] for r in wb[workbook.META_SHEET].iter_rows(values_only=True)}
    assert meta["created_at"] == "2026-12-05T03:30:00+07:00"


def test_completeness_counts_real_reports_and_documents_demo_only_apart(data):
    con = Snapshot.current(data).con
    args = dict(period="2025-Q3", period_type="quarter", period_end=D(2025, 9, 30))
    real = queries.run(con, "completeness", **args, include_demo=False).set_index("subject_code")
    demo = queries.run(con, "completeness", **args, include_demo=True).set_index("subject_code")
    assert real.loc["w1", "received"] == 0 and demo.loc["w1", ["received", "received_demo"]].tolist() == [1, 1]
    pv = run(data, filled(data, {"C-01": {"value": 64}}))
    imports.commit(data, ADMIN, pv, now=dt.datetime(2025, 10, 3, 9, 0, tzinfo=imports.VN))
    con = Snapshot.current(data).con
    real = queries.run(con, "completeness", **args, include_demo=False).set_index("subject_code")
    assert real.loc["w1", ["received", "received_demo", "on_time"]].tolist() == [1, 0, 1]
    q2 = queries.run(
        con, "completeness", period="2025-Q2", period_type="quarter", period_end=D(2025, 6, 30), include_demo=False
    ).set_index("subject_code")
    assert q2.loc["w1", "received"] == 1  # the figure printed in the plan counts as received


def test_completeness_table_labels_demo_receipts(data):
    from vlboard.board import breakdowns

    con = Snapshot.current(data).con
    args = dict(period="2025-Q3", period_type="quarter", period_end=D(2025, 9, 30))
    shown = breakdowns.completeness_table(queries.run(con, "completeness", **args, include_demo=True))
    assert shown.set_index("Đơn vị/cơ quan").loc["Phường 1", ["Đã nhận", "Trong đó minh họa"]].tolist() == [1, 1]
    real = breakdowns.completeness_table(queries.run(con, "completeness", **args, include_demo=False))
    assert "Trong đó minh họa" not in real.columns and real["Đã nhận"].sum() == 0


def test_agency_report_carries_its_plan_area(data):
    pv = run(data, filled(data, {"C-01": {"value": 70}}, subject=("agency", "A-1", "Phòng VH&TT")), AGENCY)
    assert pv.ok, pv.problems
    imports.commit(data, AGENCY, pv)
    src = Snapshot.current(data)
    assert src.con.execute("select unit_code, agency_code from results where source = 'report'").fetchall() == [
        ("tp", "A-1")
    ]


def test_csv_import_nfd_and_windows_1258_lines_are_normalised(data):
    header = "Mã chỉ tiêu;Kỳ báo cáo;Mã phường/xã;Giá trị;Ghi chú\n".encode()
    nfd = unicodedata.normalize("NFD", "Đã rà soát phường")
    line1 = f"C-01;2025-Q3;w1;62,5;{nfd}\n".encode()
    line2 = b"C-03;2025-Q3;w1;1.234;" + cp1258("Phường Tân Ngãi") + b"\n"
    pv = run(data, header + line1 + line2, name="bao-cao.csv")
    assert pv.ok, pv.problems
    notes = dict(zip(pv.rows.indicator_code, pv.rows.note))
    assert notes["C-01"] == unicodedata.normalize("NFC", "Đã rà soát phường")
    assert unicodedata.is_normalized("NFC", notes["C-03"]) and "Ngãi" in notes["C-03"]
    assert sorted(pv.rows.value) == [62.5, 1234.0]


def test_a_large_file_is_checked_in_the_child_with_the_same_answer(data, monkeypatch):
    """Over ISOLATE_ROWS rows the check runs in a bounded child process (vlboard.intake.isolation): good
    rows and refused rows give exactly what the check in the server gives."""
    header = "Mã chỉ tiêu;Kỳ báo cáo;Mã phường/xã;Giá trị;Ghi chú\n"
    good = (header + "C-01;2025-Q3;w1;62,5;x\nC-03;2025-Q3;w1;1.234;y\n").encode()
    bad = (header + "".join(f"X-{i:03d};2025-Q3;w1;140%;z\n" for i in range(30))).encode()
    inline = {n: run(data, c, name="a.csv") for n, c in (("good", good), ("bad", bad))}
    calls = []
    real = imports.isolation.run
    monkeypatch.setattr(imports.isolation, "run", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    monkeypatch.setattr(imports, "ISOLATE_ROWS", 1)
    for n, c in (("good", good), ("bad", bad)):
        pv = run(data, c, name="a.csv")
        assert [str(p) for p in pv.problems] == [str(p) for p in inline[n].problems]
        assert pv.rows.equals(inline[n].rows) and pv.changes.equals(inline[n].changes)
    assert calls.count("check") == 2 and len(inline["bad"].problems) >= 30 and inline["good"].ok


def test_a_check_over_its_time_limit_is_refused_in_vietnamese(data, monkeypatch):
    monkeypatch.setattr(imports, "ISOLATE_ROWS", 0)
    monkeypatch.setattr(workbook, "WORKER_SECONDS", 0.05)  # less than starting Python and pandas
    monkeypatch.setattr(workbook, "read_upload_isolated", lambda n, c, **k: workbook.read_upload(n, c, **k))
    content = "Mã chỉ tiêu;Kỳ báo cáo;Mã phường/xã;Giá trị\nC-01;2025-Q3;w1;62,5\n".encode()
    messages = refused(data, content, "cần hơn 0,05 giây để kiểm tra", name="a.csv")
    assert messages == [
        "Tệp «a.csv» cần hơn 0,05 giây để kiểm tra; hệ thống dừng kiểm tra để không làm chậm "
        "người dùng khác. Hãy chia tệp thành nhiều tệp nhỏ hơn rồi tải lên lại"
    ]


# ------------------------------------------------------------------------------------ bad input


def _pdf(d):
    return b"%PDF-1.7\n" + b"\x00" * 100


def _macro(d):
    src = filled(d, {"C-01": {"value": 61}})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    return out.getvalue()


def _bomb(d):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            chunk = b"\x00" * (1 << 20)
            for _ in range(60):
                fh.write(chunk)
    return out.getvalue()


def _merge(wb):
    wb[workbook.DATA_SHEET].merge_cells(f"F{template.HEADER_ROW + 1}:G{template.HEADER_ROW + 1}")


def _drop_value_header(wb):
    wb[workbook.DATA_SHEET].cell(template.HEADER_ROW, 6).value = "Số liệu"


def _duplicate(wb):
    ws = wb[workbook.DATA_SHEET]
    first, new = template.HEADER_ROW + 1, ws.max_row + 1
    for c in range(1, 11):
        ws.cell(new, c, ws.cell(first, c).value)


CASES = {
    "not excel or csv": (lambda d: _pdf(d), "không phải Excel (.xlsx) hoặc CSV"),
    "empty file": (lambda d: b"", "trống"),
    "old template version": (
        lambda d: filled(d, {"C-01": {"value": 61}}, edit=_meta("template_version", "0")),
        "phiên bản 0 đã cũ",
    ),
    "not a vlboard template": (
        lambda d: filled(d, {"C-01": {"value": 61}}, edit=lambda wb: wb.remove(wb[workbook.META_SHEET])),
        "không phải mẫu báo cáo của vlboard",
    ),
    "missing column": (
        lambda d: filled(d, {"C-01": {"value": 61}}, edit=_drop_value_header),
        "dòng 5, cột «Giá trị»: thiếu cột «Giá trị»",
    ),
    "unknown indicator": (
        lambda d: filled(d, {"C-01": {"value": 61, "indicator_code": "X-99"}}),
        "dòng 6, cột «Mã chỉ tiêu»: «X-99»: mã chỉ tiêu không có trong danh mục",
    ),
    "indicator not assigned": (
        lambda d: filled(d, {"C-01": {"value": 61, "indicator_code": "T-01"}}),
        "chỉ tiêu T-01 không thuộc danh sách phường/xã w1 phải báo cáo cho kỳ Quý III/2025",
    ),
    "unknown ward": (
        lambda d: filled(d, {"C-01": {"value": 61}}, edit=_meta("scope_code", "w9")),
        "phường/xã «w9» không có trong danh mục",
    ),
    "wrong period": (
        lambda d: filled(d, {"C-01": {"value": 61}}, edit=_meta("period", "2025-Q5")),
        "«2025-Q5»: kỳ báo cáo không hợp lệ",
    ),
    "future period": (
        lambda d: filled(d, {"C-01": {"value": 61}}, edit=_meta("period", "2026-Q1")),
        "kỳ Quý I/2026 (2026-Q1) chưa bắt đầu",
    ),
    "text in a number cell": (
        lambda d: filled(d, {"C-01": {"value": "khoảng 60"}}),
        "dòng 6, cột «Giá trị»: «khoảng 60»: không phải là số",
    ),
    "percent above 100": (lambda d: filled(d, {"C-01": {"value": 140}}), "dòng 6, cột «Giá trị»: 140 nằm ngoài 0–100"),
    "negative count": (lambda d: filled(d, {"C-03": {"value": -5}}), "dòng 7, cột «Giá trị»: giá trị không được âm"),
    "numerator above denominator": (
        lambda d: filled(d, {"C-01": {"numerator": 50, "denominator": 40}}),
        "cột «Tử số»: tử số 50 lớn hơn mẫu số 40",
    ),
    "value against its parts": (
        lambda d: filled(d, {"C-01": {"value": 50, "numerator": 1, "denominator": 4}}),
        "giá trị 50 không khớp với tử số / mẫu số (25)",
    ),
    "duplicate rows": (
        lambda d: filled(d, {"C-01": {"value": 61}}, edit=_duplicate),
        "chỉ tiêu C-01 lặp lại trong tệp",
    ),
    "formula": (lambda d: filled(d, {"C-01": {"value": "=60+1"}}), "chứa công thức"),
    "macro": (_macro, "macro"),
    "merged cells": (lambda d: filled(d, {"C-01": {"value": 61}}, edit=_merge), "ô gộp F6:G6"),
    "zip bomb": (_bomb, "quá lớn khi giải nén"),
    "document figure": (
        lambda d: filled(d, {"C-01": {"value": 61}}, period="2025-Q2"),
        "đã có số liệu trong văn bản của kế hoạch; không ghi đè",
    ),
    "javascript link": (
        lambda d: filled(d, {"C-01": {"value": 61, "evidence_url": "javascript:alert(1)"}}),
        "đường dẫn minh chứng phải bắt đầu bằng http:// hoặc https://",
    ),
    "nothing filled in": (lambda d: make_template(d), "chưa có giá trị nào được điền"),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_bad_input_is_refused_and_nothing_changes(data, kind):
    make, fragment = CASES[kind]
    refused(data, make(data), fragment)


def test_file_over_the_size_limit(data):
    content = filled(data, {"C-01": {"value": 61}})
    refused(data, content, "vượt giới hạn", max_bytes=len(content) - 1)


def test_every_problem_names_sheet_row_and_column(data):
    content = filled(data, {"C-01": {"value": 140, "evidence_url": "ftp://x"}, "C-03": {"value": "abc"}})
    messages = refused(data, content, "140 nằm ngoài")
    assert len(messages) == 3
    assert all(m.startswith("Trang «Số liệu», dòng ") and ", cột «" in m for m in messages), messages


# ------------------------------------------------------------------------------------ scope


def test_editor_of_another_ward_cannot_import(data):
    other = auth.User("w2-clerk", "Cán bộ phường 2", "editor", unit="w2")
    refused(data, filled(data, {"C-01": {"value": 61}}), "không được nhập số liệu của địa bàn w1", user=other)


def test_agency_editor_cannot_import_ward_rows_or_another_agency(data):
    refused(data, filled(data, {"C-01": {"value": 61}}), "không được nhập số liệu của địa bàn w1", user=AGENCY)
    other = auth.User("b", "Cơ quan B", "editor", agency="B-2")
    content = filled(data, {"C-01": {"value": 61}}, subject=("agency", "A-1", "Phòng VH&TT"))
    refused(data, content, "không được nhập số liệu của cơ quan A-1", user=other)


def test_viewer_cannot_import(data):
    refused(data, filled(data, {"C-01": {"value": 61}}), "chỉ có quyền xem", user=auth.ANONYMOUS)


def test_csv_rows_of_two_scopes_need_both(data):
    csv = ("Mã chỉ tiêu,Kỳ báo cáo,Mã phường/xã,Giá trị\nC-01,2025-Q3,w1,61\nC-01,2025-Q3,w2,62\n").encode()
    messages = refused(data, csv, "địa bàn w2", user=WARD1, name="x.csv")
    assert "dòng 3" in " ".join(messages)
    assert run(data, csv, ADMIN, "x.csv").ok


def test_commit_checks_the_scope_again(data):
    pv = run(data, filled(data, {"C-01": {"value": 61}}), ADMIN)
    assert pv.ok
    before = fingerprint(data)
    with pytest.raises(imports.ImportRefused, match="không được nhập"):
        imports.commit(data, AGENCY, pv)
    assert fingerprint(data) == before


# ------------------------------------------------------------------------------------ races and kills


def test_two_imports_racing_for_the_same_snapshot(data):
    a = run(data, filled(data, {"C-01": {"value": 61.5}}))
    b = run(data, filled(data, {"C-01": {"value": 63}}))
    first = imports.commit(data, ADMIN, a)
    before = fingerprint(data)
    with pytest.raises(imports.ImportRefused, match="đã được cập nhật bởi một lần ghi khác"):
        imports.commit(data, ADMIN, b)
    assert fingerprint(data) == before and snapshots.current_id(data) == first


def test_concurrent_commits_are_serialised(data):
    previews = [run(data, filled(data, {"C-01": {"value": 60 + i}})) for i in range(4)]
    results: list = []

    def go(pv):
        try:
            results.append(imports.commit(data, ADMIN, pv))
        except imports.ImportRefused as exc:
            results.append(exc)

    threads = [threading.Thread(target=go, args=(pv,)) for pv in previews]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = [r for r in results if isinstance(r, str)]
    assert len(ok) == 1 and snapshots.current_id(data) == ok[0]
    snapshots.current(data)  # verifies


def test_rebuild_from_source_keeps_imported_reports(shipped_data, tmp_path):
    import shutil

    d = snapshots.DataDir(tmp_path / "d")
    for sub in ("source", "documents", "geo"):
        shutil.copytree(shipped_data.root / sub, d.root / sub)
    build.build(d)
    src = Snapshot.current(d)
    subject = template.Subject("unit", "x2025-29551", "Phường Long Châu")
    t = template.rows(src, subject, "2026-Q3")
    wb = load_workbook(io.BytesIO(template.write(subject, "2026-Q3", t, snapshot_id=src.snapshot_id)))
    wb[workbook.DATA_SHEET].cell(template.HEADER_ROW + 1, 6, 97.5)
    buf = io.BytesIO()
    wb.save(buf)
    pv = imports.preview(d, ADMIN, "lc.xlsx", buf.getvalue(), today=D(2026, 11, 23))
    assert pv.ok, pv.problems
    imports.commit(d, ADMIN, pv)
    build.build(d)
    src = Snapshot.current(d)
    rows = src.con.execute(
        "select value, source from results where unit_code = 'x2025-29551' and period = '2026-Q3' "
        "and indicator_code = ?",
        [t.indicator_code.iloc[0]],
    ).fetchall()
    assert rows == [(97.5, "report")]  # kept, and the demo row it replaced stays replaced
    assert src.con.execute("select count(*) from imports").fetchone()[0] == 1


def test_imports_of_other_subjects_land_one_after_the_other(data):
    """A deadline day: two clerks preview on the same version; the second commit, after the first
    went live, still holds (the first changed another subject and no catalogue table) and lands."""
    a = run(data, filled(data, {"C-01": {"value": 61.5}}))
    b = run(data, filled(data, {"C-01": {"value": 40}}, subject=("unit", "w2", "Phường 2")))
    assert a.ok and b.ok and a.base_snapshot == b.base_snapshot
    first = imports.commit(data, ADMIN, a)
    second = imports.commit(data, ADMIN, b)
    assert snapshots.current_id(data) == second != first
    src = Snapshot.current(data)
    got = src.con.sql("select unit_code, value from results where source = 'report' order by unit_code").fetchall()
    assert got == [("w1", 61.5), ("w2", 40.0)]
    audit = src.con.sql("select base_snapshot from imports order by imported_at").fetchall()
    assert audit[-1] == (first,), "the audit names the version the commit was checked against"
