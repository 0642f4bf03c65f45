"""Commentary (giải trình) end to end on a data folder of format 5: a miss blocks the submit with a
message naming it, an explanation on the page (or in the template's columns) lets it through; the
import writes its explanations in the same snapshot as its values, only when they change; an old
template without the columns still imports; bad cells name row and column; scopes, locked
reports, hostile text, and folders older than the commentary_events table."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil

import pytest
from openpyxl import load_workbook

from tests.support.intake import ADMIN, EXPLAINED, WARD1, filled, fingerprint, intake_tables, run
from tests.unit.intake.conftest import _folder
from vlboard.board import commentary as frames
from vlboard.intake import auth, cycle, history, imports, template, workbook
from vlboard.intake import commentary as gt
from vlboard.store import snapshots, tables
from vlboard.store.source import Snapshot

P = "2025-Q3"
REVIEWER = auth.User("tham-dinh", "Sở KH&CN", "reviewer", plan="p-tp")
OTHER_PLAN = auth.User("tham-dinh-tinh", "Văn phòng UBND tỉnh", "reviewer", plan="p-tinh")
WARD2 = auth.User("w2-clerk", "Cán bộ phường 2", "editor", unit="w2")
LEADER = auth.User("lanh-dao", "Phó Chủ tịch", "leader")
NOW = dt.datetime(2025, 11, 20, 9, 0)


@pytest.fixture
def folder(tmp_path) -> snapshots.DataDir:
    return _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_DELTA)


def imported(d, cells: dict, user=WARD1) -> str:
    pv = run(d, filled(d, {"C-01": cells}), user)
    assert not pv.problems, [str(p) for p in pv.problems]
    return imports.commit(d, user, pv)


def explain(d, user=WARD1, cause="Thiếu nhân lực", remedy="Bổ sung tổ công nghệ số", back="31/12/2025", **kw):
    args = dict(indicator_code="C-01", period=P, subject_type="unit", subject_code="w1")
    args.update(kw)
    return gt.explain(d, user, cause=cause, remedy=remedy, back_by=back, now=kw.pop("now", None), **args)


def refused(d, fragment, call):
    before = fingerprint(d)
    with pytest.raises(gt.CommentaryRefused, match=fragment) as exc:
        call()
    assert fingerprint(d) == before, "a refusal writes nothing"
    assert "Chưa ghi gì" in str(exc.value)


def events(d):
    return Snapshot.current(d).q("commentary_events")


def test_submit_refused_until_the_miss_is_explained(folder):
    d = folder
    imported(d, {"value": 64})  # «Gần đạt» against 2025's target
    before = fingerprint(d)
    with pytest.raises(cycle.CycleRefused) as exc:
        cycle.act(d, WARD1, "submit", "unit", "w1", P, expected_state="chua_nop")
    assert fingerprint(d) == before
    msg = str(exc.value)
    assert msg.startswith("Chưa thể nộp: 1 chỉ tiêu") and "C-01 Tỷ lệ người dân có tài khoản (Gần đạt)" in msg
    listed = frames.missing(Snapshot.current(d), P, False)
    assert list(listed.indicator_code) == ["C-01"] and listed.status_label.iloc[0] == "Gần đạt"
    sid = explain(d)
    assert snapshots.current_id(d) == sid
    [row] = frames.current(Snapshot.current(d), P).to_dict("records")
    assert row["text"] == "Thiếu nhân lực — Bổ sung tổ công nghệ số; dự kiến đạt 31/12/2025"
    assert row["subject_name"] == "Phường 1" and row["back_by"] == dt.date(2025, 12, 31)
    assert frames.missing(Snapshot.current(d), P, False).empty
    cycle.act(d, WARD1, "submit", "unit", "w1", P, expected_state="chua_nop")
    h = history.table(d)
    assert h.action.iloc[1] == "Giải trình" and "Giải trình C-01" in h.note.iloc[1]
    # submitted: locked for explanations too, until a reviewer returns it (a weak explanation)
    refused(d, "đã nộp, chờ duyệt", lambda: explain(d, cause="Khác"))
    cycle.act(d, REVIEWER, "return", "unit", "w1", P, expected_state="da_nop", reason="Giải trình chưa rõ nguyên nhân")
    explain(d, cause="Thiếu 12 cán bộ hỗ trợ tại 4 khu phố")
    assert len(events(d)) == 2 and list(events(d).source) == ["page", "page"]
    assert events(d)["at"].is_monotonic_increasing


def test_the_template_carries_the_explanation_in_the_same_snapshot(folder):
    d = folder
    pv = run(d, filled(d, {"C-01": {"value": 64}}), WARD1)
    assert len(pv.unexplained) == 1 and "bắt buộc trước khi nộp" in pv.unexplained_text()
    pv = run(d, filled(d, {"C-01": {"value": 64, **EXPLAINED, "back_by": "31/03/2026"}}), WARD1)
    assert pv.unexplained == [] and pv.unexplained_text() == ""
    assert pv.new_explanations == 1 and pv.summary().endswith("; 1 giải trình mới hoặc sửa")
    sid = imports.commit(d, WARD1, pv)
    m = snapshots.current(d)[2]
    assert m["id"] == sid and m["tables"]["commentary_events"]["rows"] == 1  # with the values
    [e] = events(d).to_dict("records")
    assert (e["source"], e["cause"], e["back_by"].date()) == ("import", EXPLAINED["cause"], dt.date(2026, 3, 31))
    assert e["username"] == WARD1.username
    # the same value and explanation again: nothing new, refused; a new explanation alone: written
    pv = run(d, filled(d, {"C-01": {"value": 64, **EXPLAINED, "back_by": "31/03/2026"}}), WARD1)
    assert pv.new_explanations == 0
    with pytest.raises(imports.ImportRefused, match="giải trình nào mới"):
        imports.commit(d, WARD1, pv)
    pv = run(d, filled(d, {"C-01": {"value": 64, **EXPLAINED, "back_by": "30/06/2026"}}), WARD1)
    imports.commit(d, WARD1, pv)
    assert len(events(d)) == 2 and snapshots.current(d)[2]["tables"]["results"]["rows"] > 0
    cycle.act(d, WARD1, "submit", "unit", "w1", P, expected_state="chua_nop")


def _without_commentary_columns(wb) -> None:
    ws = wb[workbook.DATA_SHEET]
    first = template.TEMPLATE_KEYS.index("cause") + 1
    ws.delete_cols(first, 3)


def test_an_old_template_without_the_columns_still_imports(folder):
    content = filled(folder, {"C-01": {"value": 64}}, edit=_without_commentary_columns)
    headers = [c.value for c in load_workbook(io.BytesIO(content))[workbook.DATA_SHEET][template.HEADER_ROW]]
    assert "Nguyên nhân chưa đạt" not in headers
    pv = run(folder, content, WARD1)
    assert not pv.problems and len(pv.unexplained) == 1
    imports.commit(folder, WARD1, pv)
    assert events(folder).empty


@pytest.mark.parametrize(
    ("cells", "column", "fragment"),
    [
        ({"back_by": "31/13/2025"}, "Dự kiến đạt (dd/mm/yyyy)", "không phải một ngày có thật"),
        ({"back_by": "2025-12-31"}, "Dự kiến đạt (dd/mm/yyyy)", "dạng dd/mm/yyyy"),
        ({"back_by": "01/09/2025"}, "Dự kiến đạt (dd/mm/yyyy)", "trước ngày cuối kỳ báo cáo \\(30/09/2025\\)"),
        ({"cause": "x" * 1001, "remedy": "y"}, "Nguyên nhân chưa đạt", "1001 ký tự, quá 1000"),
        ({"cause": "Thiếu người"}, "Giải pháp khắc phục", "cần ghi «Giải pháp khắc phục».*gần đạt"),
        ({"cause": "a\x7fb", "remedy": "y"}, "Nguyên nhân chưa đạt", "ký tự điều khiển.*U\\+007F"),
        ({"remedy": "r\u202eevil"}, "Giải pháp khắc phục", "ký tự điều khiển.*U\\+202E"),
    ],
)
def test_bad_commentary_cells_name_row_and_column(folder, cells, column, fragment):
    pv = run(folder, filled(folder, {"C-01": {"value": 64, **cells}}), WARD1)
    [p] = pv.problems
    assert (p.row, p.column) == (template.HEADER_ROW + 1, column)
    assert pytest.importorskip("re").search(fragment, p.message), p.message
    assert f"dòng {template.HEADER_ROW + 1}, cột «{column}»" in str(p)


@pytest.mark.parametrize(
    ("user", "kw", "fragment"),
    [
        (WARD2, {}, "w2-clerk.*chỉ giải trình số liệu của đơn vị mình"),
        (OTHER_PLAN, {}, "chỉ thẩm định báo cáo thuộc kế hoạch p-tinh"),
        (LEADER, {}, "Chỉ cán bộ thẩm định hoặc quản trị viên"),
        (WARD1, {"cause": ""}, "Cần ghi «Nguyên nhân chưa đạt» và «Giải pháp khắc phục»"),
        (WARD1, {"remedy": None}, "Cần ghi «Giải pháp khắc phục»"),
        (WARD1, {"back": "30/09/2024"}, "trước ngày cuối kỳ"),
        (WARD1, {"indicator_code": "X-9"}, "Không có chỉ tiêu mã «X-9»"),
        (WARD1, {"subject_type": "ward"}, "Loại đối tượng không hợp lệ"),
        (WARD1, {"period": "2025-Q9"}, "Q9|kỳ"),
    ],
)
def test_refusals(folder, user, kw, fragment):
    imported(folder, {"value": 64})
    if "cause" in kw and kw["cause"] == "":
        kw = {**kw, "remedy": "", "back": None}
    refused(folder, fragment, lambda: explain(folder, user, **kw))


def test_reviewer_and_admin_explain_anywhere_in_scope_and_the_same_text_is_refused(folder):
    d = folder
    imported(d, {"value": 64})
    explain(d, REVIEWER)
    refused(d, "không khác giải trình hiện có", lambda: explain(d, ADMIN))
    explain(d, ADMIN, back=None)
    assert list(events(d).username) == [REVIEWER.username, ADMIN.username]
    # the ward's document figure of 2025-Q2 (55%, «Chưa đạt») is its miss too: cause and remedy
    refused(d, "Cần ghi «Giải pháp khắc phục».*chưa đạt", lambda: explain(d, ADMIN, period="2025-Q2", remedy=None))
    assert list(frames.missing(Snapshot.current(d), "2025-Q2", False).subject_code) == ["w1"]
    explain(d, ADMIN, period="2025-Q2", back=None)
    assert frames.missing(Snapshot.current(d), "", False).empty
    # a figure that is no miss (none here): an explanation is optional, a cause alone is enough
    explain(d, ADMIN, indicator_code="C-03", cause="Chưa có số liệu", remedy=None, back=None)


def test_hostile_text_is_kept_as_typed(folder):
    evil = '<script>alert(1)</script> =HYPERLINK("http://x") **đậm** مرحبا 🎉 Cafe\u0301'
    imported(folder, {"value": 64})
    explain(folder, cause=evil, remedy="=1+1")
    [row] = frames.current(Snapshot.current(folder), P).to_dict("records")
    assert row["cause"] == evil.replace("Cafe\u0301", "Café") and row["remedy"] == "=1+1"


def test_older_folders(folder, tmp_path):
    path = snapshots.snapshot_dir(folder, snapshots.current_id(folder))
    m = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    del m["tables"]["commentary_events"]
    (path / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    shutil.rmtree(tables.path(folder, "commentary_events"))
    assert events(folder).empty and frames.current(Snapshot.current(folder)).empty
    imported(folder, {"value": 64, **EXPLAINED})  # the import publishes the table
    assert len(events(folder)) == 1
    old = _folder(tmp_path / "old", intake_tables(), "intake", snapshots.FORMAT_VERSION)
    refused(old, "định dạng 5", lambda: explain(old))
    pv = run(old, filled(old, {"C-01": {"value": 64, **EXPLAINED}}), WARD1)
    imports.commit(old, WARD1, pv)  # format 4: the explanation is copied with the tables
    assert len(events(old)) == 1
