"""The reporting cycle end to end on a data folder of format 5: imports, submit, return, approve,
the lock on imports, reopen, the values changed since approval, stale states, scopes, reasons,
rollback, the history, and folders older than the cycle_events table."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from tests.support.intake import ADMIN, EXPLAINED, WARD1, filled, fingerprint, intake_tables, run
from tests.unit.intake.conftest import _folder
from vlboard.intake import auth, cycle, history, imports
from vlboard.store import retention, snapshots, tables
from vlboard.store.source import Snapshot

P = "2025-Q3"
REVIEWER = auth.User("tham-dinh", "Sở KH&CN", "reviewer", plan="p-tp")
OTHER_PLAN = auth.User("tham-dinh-tinh", "Văn phòng UBND tỉnh", "reviewer", plan="p-tinh")
WARD2 = auth.User("w2-clerk", "Cán bộ phường 2", "editor", unit="w2")


@pytest.fixture
def folder(tmp_path) -> snapshots.DataDir:
    return _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_DELTA)


def state(d, code="w1", kind="unit") -> str:
    b = cycle.board(Snapshot.current(d), P)
    return b[(b.subject_type == kind) & (b.subject_code == code)].state.iloc[0]


def do(d, user, action, expected, reason="", code="w1"):
    return cycle.act(d, user, action, "unit", code, P, expected_state=expected, reason=reason)


def imported(d, value, user=WARD1) -> str:
    pv = run(d, filled(d, {"C-01": {"value": value, **EXPLAINED}}), user)  # a miss is explained
    assert not pv.problems, pv.problems
    return imports.commit(d, user, pv)


def import_refused(d, value, fragment):
    before = fingerprint(d)
    pv = run(d, filled(d, {"C-01": {"value": value}}), WARD1)
    with pytest.raises(imports.ImportRefused, match=fragment):
        imports.commit(d, WARD1, pv)
    assert fingerprint(d) == before


def refused(d, fragment, *args, **kw):
    before = fingerprint(d)
    with pytest.raises(cycle.CycleRefused, match=fragment) as exc:
        do(d, *args, **kw)
    assert fingerprint(d) == before, "a refusal writes nothing"
    assert "Chưa ghi gì" in str(exc.value)


def test_the_whole_loop(folder):
    d = folder
    b = cycle.board(Snapshot.current(d), P)
    assert set(zip(b.subject_type, b.subject_code)) == {("unit", "w1"), ("unit", "w2"), ("agency", "A-1")}
    assert (b.state == "chua_nop").all() and (b.state_label == "Chưa nộp").all()
    assert str(b.due_date.iloc[0]) == "2025-10-10"  # 30/9 + report_due_days 10
    assert (b.days_late > 0).all()  # today is past 10/10/2025 and nothing is submitted
    w1 = b[b.subject_code == "w1"].iloc[0]
    assert (w1.expected, w1.received, w1.missing, w1.plans) == (2, 0, "C-01, C-03", "p-tp")  # demo never counts

    imported(d, 64)
    do(d, WARD1, "submit", "chua_nop")
    assert state(d) == "da_nop"
    import_refused(d, 65, "Phường 1|w1.*đã nộp, chờ duyệt: đề nghị cán bộ thẩm định trả lại")

    do(d, REVIEWER, "return", "da_nop", reason="  Số liệu C-01 chưa khớp biên bản  ")
    assert state(d) == "tra_lai"
    imported(d, 66)
    do(d, WARD1, "submit", "tra_lai")
    do(d, REVIEWER, "approve", "da_nop")
    assert state(d) == "da_duyet"
    import_refused(d, 67, "đã duyệt và khóa: cần quản trị viên mở lại")

    do(d, ADMIN, "reopen", "da_duyet", reason="Sửa theo văn bản mới")
    assert state(d) == "mo_lai"
    src = Snapshot.current(d)
    assert cycle.changes_since_approval(src, d, "unit", "w1", P) == 0
    imported(d, 70)
    src = Snapshot.current(d)
    assert cycle.changes_since_approval(src, d, "unit", "w1", P) == 1
    assert cycle.changes_since_approval(src, d, "unit", "w2", P) == 0  # never approved

    ev = cycle.events(src, P)
    assert list(ev.action) == ["reopen", "approve", "submit", "return", "submit"]
    assert list(ev.to_state) == ["mo_lai", "da_duyet", "da_nop", "tra_lai", "da_nop"]
    assert ev.reason.iloc[3] == "Số liệu C-01 chưa khớp biên bản"  # stripped
    assert list(ev.username) == ["admin", "tham-dinh", "w1-clerk", "tham-dinh", "w1-clerk"]
    assert ev.n_values.iloc[-1] == 1  # C-01 reported, C-03 not
    row = cycle.board(src, P).set_index("subject_code").loc["w1"]
    assert (row.state, row.last_user, row.last_reason, row.days_late) == (
        "mo_lai",
        "admin",
        "Sửa theo văn bản mới",
        row.days_late,
    )
    assert row.days_late > 0 and row.received == 1

    notes = history.table(d)
    cyc = notes[notes.action == "Kỳ báo cáo"]
    assert len(cyc) == 5
    assert "Duyệt báo cáo Quý III/2025 của Phường 1" in set(cyc.note)
    assert "Trả lại báo cáo Quý III/2025 của Phường 1 — lý do: Số liệu C-01 chưa khớp biên bản" in set(cyc.note)
    log = history.log(d)
    assert (log.action == "Kỳ báo cáo").sum() == 5
    last = snapshots.events(d)[-1]
    assert last["action"] == "import"
    reopen = [e for e in snapshots.events(d) if e.get("cycle_action") == "reopen"][0]
    assert (reopen["user"], reopen["subject"], reopen["period"], reopen["reason"]) == (
        "admin",
        "unit:w1",
        P,
        "Sửa theo văn bản mới",
    )


def test_stale_state_is_refused_and_changes_nothing(folder):
    imported(folder, 64)  # a subject with nothing received may not submit
    do(folder, WARD1, "submit", "chua_nop")
    refused(folder, "vừa được người khác chuyển sang «Đã nộp» \\(không còn «Chưa nộp»\\)", WARD1, "submit", "chua_nop")
    do(folder, REVIEWER, "approve", "da_nop")
    refused(folder, "«Đã duyệt» \\(không còn «Đã nộp»\\)", REVIEWER, "return", "da_nop", reason="muộn")


def test_a_submit_with_nothing_received_is_refused(folder):
    message = (
        "Phường 1 chưa có số liệu nào của Quý III/2025 \\(0/2 chỉ tiêu phải báo cáo\\); nhập số liệu trước khi nộp"
    )
    refused(folder, message, WARD1, "submit", "chua_nop")
    refused(folder, message, ADMIN, "submit", "chua_nop")  # an admin too
    imported(folder, 64)
    do(folder, WARD1, "submit", "chua_nop")
    assert state(folder) == "da_nop"


def test_an_action_the_state_does_not_allow(folder):
    refused(folder, "Không thể duyệt khi báo cáo đang ở trạng thái «Chưa nộp»", REVIEWER, "approve", "chua_nop")


def test_scopes_are_enforced_below_the_page(folder):
    imported(folder, 64)  # a subject with nothing received may not submit
    refused(folder, "w2-clerk.*không được nộp báo cáo của địa bàn w1", WARD2, "submit", "chua_nop")
    refused(folder, "Cán bộ thẩm định.*không nộp báo cáo", REVIEWER, "submit", "chua_nop")
    do(folder, WARD1, "submit", "chua_nop")
    refused(folder, "chỉ thẩm định báo cáo thuộc kế hoạch p-tinh", OTHER_PLAN, "approve", "da_nop")
    refused(folder, "Chỉ cán bộ thẩm định hoặc quản trị viên", WARD1, "approve", "da_nop")
    everything = auth.User("tham-dinh-all", "Văn phòng UBND thành phố", "reviewer")  # no plan: every plan
    do(folder, everything, "approve", "da_nop")
    refused(folder, "Chỉ quản trị viên được mở lại", REVIEWER, "reopen", "da_duyet", reason="x")


@pytest.mark.parametrize(
    ("action", "expected", "reason", "fragment"),
    [
        ("return", "da_nop", "", "Cần ghi lý do khi trả lại"),
        ("return", "da_nop", "   ", "Cần ghi lý do khi trả lại"),
        ("return", "da_nop", "sai\x00số", "ký tự điều khiển"),
        ("return", "da_nop", "x" * 1001, "dài 1001 ký tự, quá 1000"),
    ],
)
def test_bad_reasons(folder, action, expected, reason, fragment):
    imported(folder, 64)  # a subject with nothing received may not submit
    do(folder, WARD1, "submit", "chua_nop")
    refused(folder, fragment, REVIEWER, action, expected, reason=reason)


def test_reason_is_stored_in_nfc(folder):
    imported(folder, 64)  # a subject with nothing received may not submit
    do(folder, WARD1, "submit", "chua_nop")
    do(folder, REVIEWER, "return", "da_nop", reason="Thiếu biên bản".replace("ế", "e\u0302\u0301"))
    assert cycle.events(Snapshot.current(folder)).reason.iloc[0] == "Thiếu biên bản"


def test_unknown_subject_or_period(folder):
    refused(folder, "Địa bàn «w9» không phải báo cáo Quý III/2025", WARD1, "submit", "chua_nop", code="w9")
    with pytest.raises(cycle.CycleRefused, match="Kỳ báo cáo không hợp lệ"):
        cycle.act(folder, ADMIN, "submit", "unit", "w1", "2025-Q5", expected_state="chua_nop")


def test_rollback_shows_the_older_state_and_the_next_action_builds_on_it(folder):
    imported(folder, 64)  # a subject with nothing received may not submit
    submitted = do(folder, WARD1, "submit", "chua_nop")
    do(folder, REVIEWER, "approve", "da_nop")
    assert state(folder) == "da_duyet"
    history.rollback(folder, ADMIN, submitted)
    assert state(folder) == "da_nop"
    do(folder, REVIEWER, "return", "da_nop", reason="Xem lại")
    ev = cycle.events(Snapshot.current(folder))
    assert list(ev.action) == ["return", "submit"]  # the approval undone by the rollback is gone


def test_format_4_folder_asks_to_migrate(tmp_path):
    d = _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_VERSION)
    before = fingerprint(d)
    with pytest.raises(cycle.CycleRefused, match="python -m vlboard migrate"):
        do(d, WARD1, "submit", "chua_nop")
    assert fingerprint(d) == before
    assert state(d) == "chua_nop"
    imported(d, 64)  # imports still work on format 4


def _drop_table(d: snapshots.DataDir) -> None:
    """Make the live snapshot look written before cycle_events existed."""
    path = snapshots.snapshot_dir(d, snapshots.current_id(d))
    m = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    del m["tables"]["cycle_events"]
    (path / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    (path / "cycle_events.parquet").unlink(missing_ok=True)


def test_a_format_5_snapshot_older_than_the_table(folder):
    _drop_table(folder)
    shutil.rmtree(tables.path(folder, "cycle_events"))
    assert state(folder) == "chua_nop"
    imported(folder, 64)  # the import publishes an empty cycle_events version
    assert snapshots.current(folder)[2]["tables"]["cycle_events"]["rows"] == 0
    do(folder, WARD1, "submit", "chua_nop")
    assert state(folder) == "da_nop"


def test_a_format_4_snapshot_older_than_the_table(tmp_path):
    d = _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_VERSION)
    _drop_table(d)
    assert state(d) == "chua_nop"
    assert snapshots.read_table(snapshots.current(d)[1], "cycle_events").num_rows == 0
    imported(d, 64)


def _approved_then_changed(d) -> str:
    """w1 imported, submitted, approved, reopened, changed: the snapshot the approval was made on."""
    imported(d, 64)
    base = do(d, WARD1, "submit", "chua_nop")
    do(d, REVIEWER, "approve", "da_nop")
    do(d, ADMIN, "reopen", "da_duyet", reason="Sửa theo văn bản mới")
    imported(d, 70)
    assert cycle.events(Snapshot.current(d), P).base_snapshot.iloc[1] == base  # the approve event
    return base


def test_vacuum_keeps_the_snapshot_an_approval_was_made_on(folder):
    base = _approved_then_changed(folder)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    done = retention.vacuum(folder, dry_run=False, now=later)
    assert base in done.kept and base not in done.removed and done.removed  # the others did go
    snapshots.verify(snapshots.snapshot_dir(folder, base))
    assert cycle.changes_since_approval(Snapshot.current(folder), folder, "unit", "w1", P) == 1


def test_changes_since_approval_without_the_approved_snapshot(folder):
    base = _approved_then_changed(folder)
    shutil.rmtree(snapshots.snapshot_dir(folder, base))  # e.g. a folder restored from an older backup
    assert cycle.changes_since_approval(Snapshot.current(folder), folder, "unit", "w1", P) is None


def test_the_rollback_preview_lists_the_cycle_actions_it_undoes(folder):
    first = imported(folder, 64)
    submitted = do(folder, WARD1, "submit", "chua_nop")
    approved = do(folder, REVIEWER, "approve", "da_nop")
    lines = history.rollback_plan(folder, submitted).lines()
    i = lines.index("Hoàn tác 1 thao tác kỳ báo cáo:")
    assert lines[i + 1].startswith("  - Duyệt báo cáo Quý III/2025 của phường/xã w1 (tham-dinh, lúc ")
    text = history.rollback_plan(folder, first).text()
    assert "Hoàn tác 2 thao tác kỳ báo cáo:\n  - Nộp báo cáo Quý III/2025 của phường/xã w1 (w1-clerk" in text
    history.rollback(folder, ADMIN, first)
    assert len(snapshots.events(folder)[-1]["cycle_undone"]) == 2  # the history line names them
    back = history.rollback_plan(folder, approved).lines()
    assert "Đưa lại 2 thao tác kỳ báo cáo đã bị hoàn tác trước đó:" in back
    assert not any(line.startswith("Hoàn tác") for line in back)
