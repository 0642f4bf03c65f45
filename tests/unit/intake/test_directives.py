"""Leaders' directives end to end on a data folder of format 5: issue, a note from the owner
agency's clerk, done refused while the data has not moved and no reason is written, the owner's
ward report that moves the number, done then allowed, reopen; scopes, stale states, bad input,
the history, and folders older than the directive_events table."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from tests.support.intake import ADMIN, AGENCY, WARD1, filled, fingerprint, intake_tables, run
from tests.unit.intake.conftest import _folder
from vlboard.intake import auth, history, imports
from vlboard.intake import directives as dirs
from vlboard.store import schema, snapshots
from vlboard.store.source import Snapshot

LEADER = auth.User("lanh-dao", "Phó Chủ tịch UBND", "leader")
ISSUED = dt.datetime(2025, 8, 1, 9, 0)  # after 2025-Q2 (a document figure, 55%), before 2025-Q3 ends


@pytest.fixture
def folder(tmp_path) -> snapshots.DataDir:
    return _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_DELTA)


def issue(d, user=LEADER, **kw) -> str:
    args = dict(
        target_type="indicator",
        target_code="C-01",
        owner_agency="A-1",
        deadline=dt.date(2025, 10, 15),
        text="Đẩy nhanh cấp tài khoản cho người dân",
        meeting="Giao ban tháng 8/2025",
        now=ISSUED,
    )
    return dirs.issue(d, user, **{**args, **kw})[1]


def row(d, directive_id):
    return dirs.of(Snapshot.current(d), directive_id)


def refused(d, fragment, call):
    before = fingerprint(d)
    with pytest.raises(dirs.DirectiveRefused, match=fragment) as exc:
        call()
    assert fingerprint(d) == before, "a refusal writes nothing"
    assert "Chưa ghi gì" in str(exc.value)


def test_the_whole_loop(folder):
    d = folder
    did = issue(d)
    r = row(d, did)
    assert (r.state, r.owner_name, r.target_name, r.meeting) == (
        "open",
        "Phòng VH&TT",
        "Tỷ lệ người dân có tài khoản",
        "Giao ban tháng 8/2025",
    )
    assert r.value_at_issue == pytest.approx(55.0) and r.status_at_issue == "not_achieved"

    dirs.act(d, AGENCY, "note", did, expected_state="open", text="Đã mở 3 điểm hỗ trợ")
    ev = dirs.follow_up(Snapshot.current(d), row(d, did), include_demo=False)
    assert (ev.period_then, ev.period_now, ev.movement.then, ev.movement.now) == ("2025-Q2", "2025-Q2", 55.0, 55.0)
    assert not ev.movement.narrowed
    demo = dirs.follow_up(Snapshot.current(d), row(d, did), include_demo=True)
    assert demo.period_now == "2025-Q3" and demo.movement.narrowed  # demo figures move, yet close nothing
    refused(d, "ít nhất 10 ký tự", lambda: dirs.act(d, LEADER, "done", did, expected_state="open"))
    refused(d, "ít nhất 10 ký tự", lambda: dirs.act(d, LEADER, "done", did, expected_state="open", text="xong"))

    pv = run(d, filled(d, {"C-01": {"value": 66}}), WARD1)  # the next period's figure moves
    assert not pv.problems, pv.problems
    imports.commit(d, WARD1, pv)
    ev = dirs.follow_up(Snapshot.current(d), row(d, did), include_demo=False)
    assert (ev.period_now, ev.movement.now, ev.status_now) == ("2025-Q3", 66.0, "near")
    assert ev.movement.narrowed and ev.text == (
        "Từ 01/08/2025: 55% → 66%, khoảng cách tới mục tiêu giảm 11 điểm %."
    )  # gap to 2025's 70%: 15 points at Q2, 4 now
    dirs.act(d, LEADER, "done", did, expected_state="open")
    r = row(d, did)
    assert (r.state, r.done_by, r.n_notes) == ("done", "lanh-dao", 1)
    refused(d, "vừa được người khác", lambda: dirs.act(d, LEADER, "done", did, expected_state="open"))
    refused(d, "Cần ghi lý do mở lại", lambda: dirs.act(d, ADMIN, "reopen", did, expected_state="done"))
    dirs.act(d, ADMIN, "reopen", did, expected_state="done", text="Số liệu quý 3 cần kiểm tra lại")
    assert row(d, did).state == "open"
    dirs.act(d, LEADER, "done", did, expected_state="open", text="Đã kiểm tra, số liệu đúng")
    ev = dirs.notes(Snapshot.current(d), did)
    assert list(ev.action) == ["issue", "note", "done", "reopen", "done"]
    assert ev["at"].is_monotonic_increasing
    log = history.log(d)
    assert (log.action == "Chỉ đạo").sum() == 5
    notes = history.table(d)
    assert f"Ban hành chỉ đạo {did} về chỉ tiêu C-01, giao A-1" in set(notes.note)


@pytest.mark.parametrize(
    ("user", "action", "fragment"),
    [
        (WARD1, "note", "Chỉ cán bộ của cơ quan chủ trì"),  # an editor of another scope
        (AGENCY, "done", "Chỉ lãnh đạo hoặc quản trị viên"),
        (auth.User("v", "Người xem", "viewer"), "note", "không có quyền này"),
    ],
)
def test_who_may_act(folder, user, action, fragment):
    did = issue(folder)
    refused(folder, fragment, lambda: dirs.act(folder, user, action, did, expected_state="open", text="Ghi chú đủ dài"))


@pytest.mark.parametrize(
    ("user", "kw", "fragment"),
    [
        (AGENCY, {}, "Chỉ lãnh đạo hoặc quản trị viên được ban hành"),
        (LEADER, {"text": "  "}, "Cần ghi nội dung chỉ đạo"),
        (LEADER, {"text": "a\x00b"}, "ký tự điều khiển"),
        (LEADER, {"target_code": "X-99"}, "Không có chỉ tiêu mã «X-99»"),
        (LEADER, {"target_type": "plan"}, "Loại đối tượng không hợp lệ"),
        (LEADER, {"owner_agency": "SO-XX"}, "cơ quan chủ trì mã «SO-XX»"),
        (LEADER, {"deadline": dt.date(2025, 7, 31)}, "Hạn xử lý phải là một ngày từ hôm nay"),
        (LEADER, {"meeting": "x" * 201}, "quá 200 ký tự"),
    ],
)
def test_issue_refusals(folder, user, kw, fragment):
    refused(folder, fragment, lambda: issue(folder, user, **kw))


def test_a_dissolved_agency_cannot_own_a_directive(tmp_path):
    t = intake_tables()
    old = dict(code="A-OLD", name_vi="Phòng cũ", short_name="Phòng cũ", level="thanh_pho", kind="agency")
    rows = [*t["agencies"].to_pylist(), {**old, "valid_to": dt.date(2025, 6, 30)}]
    cols = schema.columns("agencies")
    t["agencies"] = pa.Table.from_pylist(
        [{c: r.get(c) for c in cols} for r in rows], schema=schema.arrow_schema("agencies")
    )
    given = [*t["assignments"].to_pylist(), dict(indicator_code="C-03", agency_code="A-OLD", role="lead", raw="cũ")]
    cols = schema.columns("assignments")
    t["assignments"] = pa.Table.from_pylist(
        [{c: r.get(c) for c in cols} for r in given], schema=schema.arrow_schema("assignments")
    )
    d = _folder(tmp_path / "data", t, "intake", snapshots.FORMAT_DELTA)
    refused(d, "«A-OLD» đã giải thể hoặc sáp nhập", lambda: issue(d, owner_agency="A-OLD"))


def test_agency_and_ward_targets_measure_the_share_on_track(folder):
    d = folder
    did = issue(d, target_type="unit", target_code="w1", text="Phường 1 rà soát số liệu")
    ev = dirs.follow_up(Snapshot.current(d), row(d, did), include_demo=True)
    assert ev.share and ev.movement.now is not None and "tỷ lệ chỉ tiêu đạt" in ev.text
    did = issue(d, target_type="agency", target_code="A-1", text="Phòng VH&TT báo cáo hằng quý")
    assert row(d, did).target_name == "Phòng VH&TT"


def test_unknown_directive_and_older_formats(folder, tmp_path):
    refused(
        folder,
        "Không có chỉ đạo «cd-x»",
        lambda: dirs.act(folder, LEADER, "note", "cd-x", expected_state="open", text="abc"),
    )
    old = _folder(tmp_path / "old", intake_tables(), "intake", snapshots.FORMAT_VERSION)
    assert dirs.directives(Snapshot.current(old)).empty
    refused(old, "định dạng 5", lambda: issue(old))
