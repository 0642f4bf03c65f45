"""Rollback races: a rollback names the imports it undoes before it is confirmed, and commits only
if the live snapshot is still the one shown, so an import confirmed to a clerk ("Đã nhập") is never
undone unseen. Deterministic (an import landing between the plan and the commit, in the library
and through the CLI's confirmation prompt) and with real concurrent import and rollback processes."""

from __future__ import annotations

import os
import random
import re

import pytest

from tests.support.intake import ADMIN, WARD1, cli, filled, fingerprint, run, write
from vlboard.intake import auth, history, imports, restore
from vlboard.store import snapshots


def live_imports(d: snapshots.DataDir) -> set[str]:
    _, path, _ = snapshots.current(d)
    return set(snapshots.read_table(path, "imports", columns=["file_name"]).column("file_name").to_pylist())


def test_plan_names_who_when_what_and_how_many(data):
    first = snapshots.current_id(data)
    sid = imports.commit(
        data,
        WARD1,
        run(data, filled(data, {"C-01": {"value": 66}, "C-03": {"value": 12}}), WARD1, name="phuong1-q3.xlsx"),
    )
    p = history.rollback_plan(data, first)
    assert (p.target, p.base) == (first, sid)
    [undone] = p.undone
    assert (undone.username, undone.scope_code, undone.period, undone.n_values, undone.file_name) == (
        "w1-clerk",
        "w1",
        "2025-Q3",
        2,
        "phuong1-q3.xlsx",
    )
    text = p.text()
    assert "Sẽ gỡ khỏi dữ liệu hiện hành 1 lần nhập" in text
    assert re.search(
        r"w1-clerk nhập lúc \d\d/\d\d/\d{4} \d\d:\d\d: phường/xã w1, kỳ 2025-Q3, 2 giá trị "
        r"\(tệp «phuong1-q3.xlsx»",
        text,
    ), text
    history.rollback(data, ADMIN, first, base=p.base, reason="nhập nhầm")
    event = snapshots.events(data)[-1]
    assert (event["action"], event["from"], event["summary"]) == ("rollback", sid, "nhập nhầm")
    assert event["undone"] == [undone.import_id], "the history names what the rollback undid"
    forward = history.rollback_plan(data, sid)  # rolling forward brings the import back, and says so
    assert forward.undone == [] and [i.file_name for i in forward.restored] == ["phuong1-q3.xlsx"]
    assert "Không lần nhập số liệu nào bị gỡ" in forward.text() and "Sẽ đưa lại 1 lần nhập" in forward.text()


def test_an_import_between_plan_and_commit_refuses_the_rollback(data):
    first = snapshots.current_id(data)
    imports.commit(data, ADMIN, run(data, filled(data, {"C-01": {"value": 64}}), name="a.xlsx"))
    p = restore.plan(data, first)  # what the admin looks at: undoes a.xlsx
    assert [i.file_name for i in p.undone] == ["a.xlsx"]
    confirmed = imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 65}}), WARD1, name="b.xlsx"))
    before = fingerprint(data)
    events = snapshots.events(data)
    with pytest.raises(restore.StaleRollback, match="Dữ liệu hiện hành đã thay đổi .* Chưa thay đổi gì"):
        history.rollback(data, ADMIN, first, base=p.base, reason="nhập nhầm")
    assert snapshots.current_id(data) == confirmed and "b.xlsx" in live_imports(data)
    assert fingerprint(data) == before and snapshots.events(data) == events
    again = restore.plan(data, first)  # looking again names both
    assert [i.file_name for i in again.undone] == ["a.xlsx", "b.xlsx"]
    restore.run(data, ADMIN, first, base=again.base)
    assert snapshots.current_id(data) == first


def test_rollback_refusals_change_nothing(data):
    first = snapshots.current_id(data)
    with pytest.raises(snapshots.SnapshotError, match="đang là bản hiện hành"):
        restore.plan(data, first)
    with pytest.raises(snapshots.SnapshotError, match="Không có bản dữ liệu"):
        restore.plan(data, "20990101T000000000Z-0000000000")
    sid = imports.commit(data, ADMIN, run(data, filled(data, {"C-01": {"value": 64}})))
    p = restore.plan(data, first)
    with pytest.raises(auth.AccessDenied):
        restore.run(data, WARD1, first, base=p.base)
    assert snapshots.current_id(data) == sid


def test_cli_rollback_confirmed_after_an_import_landed_is_refused(data, secrets, tmp_path):
    """The admin reads the plan at the CLI prompt; a clerk's import lands; the admin types «co»."""
    first = snapshots.current_id(data)
    f = write(tmp_path, filled(data, {"C-01": {"value": 64}}), "a.xlsx")
    assert cli(data, secrets, "import", str(f), "--user", "admin").returncode == 0
    proc = cli(data, secrets, "rollback", first, "--user", "admin", wait=False, stdin=True)
    shown = b""
    while "«co»".encode() not in shown:
        chunk = os.read(proc.stdout.fileno(), 4096)
        assert chunk, (shown, proc.stderr.read())
        shown += chunk
    assert "a.xlsx" in shown.decode() and "b.xlsx" not in shown.decode()
    confirmed = imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 65}}), WARD1, name="b.xlsx"))
    out, err = proc.communicate(b"co\n", timeout=60)
    assert proc.returncode == 2, (out, err)
    assert "Dữ liệu hiện hành đã thay đổi" in err.decode() and "Traceback" not in err.decode()
    assert snapshots.current_id(data) == confirmed and "b.xlsx" in live_imports(data)


@pytest.mark.parametrize("seed", [1, 2])
def test_concurrent_import_and_rollback_processes_never_undo_unseen(data, secrets, tmp_path, seed):
    """Import and rollback processes started together (the rollback's confirmation window widened
    by a random pause): every import that printed «Đã nhập» is live, or was named on the screen of
    a rollback that then succeeded."""
    rng = random.Random(seed)
    first = snapshots.current_id(data)
    f = write(tmp_path, filled(data, {"C-01": {"value": 60}}), "start.xlsx")
    assert cli(data, secrets, "import", str(f), "--user", "admin").returncode == 0
    confirmed, shown_by_done_rollbacks, refused = [], "", 0
    for i in range(3):
        g = write(tmp_path, filled(data, {"C-01": {"value": 61 + i}}), f"r{seed}-{i}.xlsx")
        rb = cli(
            data,
            secrets,
            "rollback",
            first,
            "--user",
            "admin",
            "--yes",
            wait=False,
            env={"VLBOARD_PAUSE_AT": "confirm", "VLBOARD_PAUSE_SECONDS": f"{rng.uniform(0.5, 3):.2f}"},
        )
        imp = cli(data, secrets, "import", str(g), "--user", "admin", wait=False)
        i_out, _ = imp.communicate(timeout=120)
        r_out, r_err = rb.communicate(timeout=120)
        if imp.returncode == 0 and "Đã nhập" in i_out.decode():
            confirmed.append(g.name)
        if rb.returncode == 0:
            shown_by_done_rollbacks += r_out.decode()
        elif "Dữ liệu hiện hành đã thay đổi" in r_err.decode():
            refused += 1
        else:
            assert rb.returncode == 2 and "đang là bản hiện hành" in r_err.decode(), (rb.returncode, r_err.decode())
        assert "Traceback" not in r_err.decode()
    live = live_imports(data)
    for name in confirmed:
        assert name in live or name in shown_by_done_rollbacks, (name, live, shown_by_done_rollbacks)
    assert snapshots.events(data)[-1]["snapshot"] == snapshots.current_id(data)
    assert confirmed, "at least one import went through"


@pytest.mark.usefixtures("clear_streamlit_caches")
def test_history_page_refuses_a_rollback_when_an_import_landed_after_the_admin_looked(monkeypatch, two_snapshots):
    """The page passes the live version its plan was drawn from: an import that lands between the
    admin's look and the click stays live, the page says why, and a second click after the new plan
    shows goes through."""
    from tests.support.pages import HISTORY, filled_template, open_page, sign_in
    from vlboard.intake import template

    data, older, _ = two_snapshots
    at = open_page(monkeypatch, data, HISTORY)
    sign_in(at, "boss")
    at.selectbox(key="rb_target").set_value(older)
    at.text_input(key="rb_reason").set_value("nhầm")
    at.checkbox(key="rb_sure").check().run()
    editor = auth.User("ed", "E", "editor", unit="w1")
    pv = imports.preview(
        data, editor, "x.xlsx", filled_template(data, template.Subject("unit", "w1", "Phường 1"), "2025-Q3", 80)
    )
    assert pv.ok, pv.problems
    landed = imports.commit(data, editor, pv)
    at.button(key="rb_go").click().run()
    assert not at.exception
    assert snapshots.current_id(data) == landed
    assert any("Dữ liệu hiện hành đã thay đổi" in e.value for e in at.error)
    at.checkbox(key="rb_sure").check().run()
    at.button(key="rb_go").click().run()
    assert snapshots.current_id(data) == older, [e.value for e in at.error]
