"""Writes that fail on the disk or die half-way: a full disk (injected at every write step, and a
real full tmpfs), a read-only data folder (a real read-only bind mount), and kills aimed between the
switch of CURRENT and its history line. Each gives a Vietnamese message, removes its temporary
files at once, leaves the live data byte-identical, and the history lists every version that was
live, and none that was not."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys

import pytest

from tests.support.fixtures import ROOT
from tests.support.intake import ADMIN, PASSWORD, cli, filled, fingerprint, run, write
from vlboard.intake import history, imports, restore
from vlboard.store import schema, snapshots

STEPS = ["mkdir", *[f"table:{t}" for t in schema.TABLES], "manifest", "history", "rename", "switch"]


def leftovers(d: snapshots.DataDir) -> list[str]:
    return sorted(p.name for p in [*d.snapshots.glob(".tmp-*"), *d.root.glob(".CURRENT.*")])


def state(d: snapshots.DataDir) -> tuple:
    """Everything a failed write must leave as it was: CURRENT, every snapshot file, the history."""
    return fingerprint(d), sorted(p.name for p in d.snapshots.iterdir()), snapshots.events(d)


@pytest.mark.parametrize("step", STEPS)
def test_disk_full_at_each_write_step_of_an_import(data, monkeypatch, step):
    pv = run(data, filled(data, {"C-01": {"value": 64}}))
    assert pv.ok, pv.problems
    before = state(data)
    monkeypatch.setenv("VLBOARD_ENOSPC_AT", step)
    with pytest.raises(snapshots.WriteFault) as exc:
        imports.commit(data, ADMIN, pv)
    assert str(exc.value).startswith("Không ghi được ") and "ổ đĩa đầy" in str(exc.value), exc.value
    assert "chưa ghi gì" in str(exc.value) and "Errno" not in str(exc.value)
    assert str(data.root) not in str(exc.value), "no server path in a message a clerk sees"
    assert leftovers(data) == [], "temporary files are removed at once, not by the next write"
    assert state(data) == before, "CURRENT, the snapshots and the history are unchanged"
    monkeypatch.delenv("VLBOARD_ENOSPC_AT")
    sid = imports.commit(data, ADMIN, pv)  # the next write works and is in the history once
    assert [e["snapshot"] for e in snapshots.events(data)][-1:] == [sid]
    assert [e["action"] for e in snapshots.events(data)].count("import") == 1


@pytest.mark.parametrize("step", ["history", "switch"])
def test_disk_full_during_a_rollback(data, monkeypatch, step):
    first = snapshots.current_id(data)
    imports.commit(data, ADMIN, run(data, filled(data, {"C-01": {"value": 64}})))
    p = restore.plan(data, first)
    before = state(data)
    monkeypatch.setenv("VLBOARD_ENOSPC_AT", step)
    with pytest.raises(snapshots.WriteFault, match="ổ đĩa đầy"):
        restore.run(data, ADMIN, first, base=p.base)
    assert leftovers(data) == [] and state(data) == before
    monkeypatch.delenv("VLBOARD_ENOSPC_AT")
    restore.run(data, ADMIN, first, base=p.base)
    assert snapshots.current_id(data) == first and snapshots.events(data)[-1]["action"] == "rollback"


def test_a_torn_history_line_does_not_swallow_the_next(tmp_path):
    d = snapshots.DataDir(tmp_path)
    snapshots.record_event(d, {"action": "build", "snapshot": "a", "user": "x"})
    with d.history_file.open("a", encoding="utf-8") as fh:
        fh.write('{"action": "import", "snapsh')  # a writer killed mid-line
    snapshots.record_event(d, {"action": "build", "snapshot": "b", "user": "x"})
    assert [e["snapshot"] for e in snapshots.events(d)] == ["a", "b"]


# ------------------------------------------------------------------ real full and read-only disks


def in_private_mounts(script: str) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace (mounts vanish with it; tests run as root)."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare(1) is missing: cannot mount a read-only or small file system for the test")
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here (unshare -m: {probe.stderr.decode().strip()})")
    return subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-euc", script], capture_output=True, text=True, timeout=300
    )


def cli_line(data, secrets, *args) -> str:
    env = f"VLBOARD_DATA={data.root} VLBOARD_SECRETS={secrets} VLBOARD_PASSWORD={PASSWORD} VLBOARD_NO_PNG=1"
    return f"env {env} {sys.executable} -m vlboard " + " ".join(str(a) for a in args)


def test_read_only_data_folder_import_and_rollback(data, secrets, tmp_path):
    first = snapshots.current_id(data)
    f = write(tmp_path, filled(data, {"C-01": {"value": 64}}))
    assert cli(data, secrets, "import", str(f), "--user", "admin").returncode == 0
    g = write(tmp_path, filled(data, {"C-01": {"value": 65}}), "b.xlsx")
    before = state(data)
    out = in_private_mounts(f"""
        cd {ROOT}
        mount --bind {data.root} {data.root}
        mount -o remount,bind,ro {data.root}
        touch {data.root}/probe 2>/dev/null && echo WRITABLE && exit 0
        {cli_line(data, secrets, "import", g, "--user", "admin")} && echo "IMPORT rc=0" || echo "IMPORT rc=$?"
        {cli_line(data, secrets, "rollback", first, "--user", "admin", "--yes")} && echo "ROLLBACK rc=0" \\
            || echo "ROLLBACK rc=$?"
    """)
    assert "WRITABLE" not in out.stdout, "the bind mount must be read-only"
    assert "IMPORT rc=2" in out.stdout and "ROLLBACK rc=2" in out.stdout, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr and "OSError" not in out.stderr, out.stderr
    assert out.stderr.count("Không ghi được bản dữ liệu: thư mục dữ liệu chỉ đọc (data/.write.lock") == 2, out.stderr
    assert str(data.root) not in out.stderr, "no server path in the message"
    assert state(data) == before and leftovers(data) == []


def test_full_disk_import_on_a_small_tmpfs(data, secrets, tmp_path):
    f = write(tmp_path, filled(data, {"C-01": {"value": 64}}))
    mnt = tmp_path / "small"
    mnt.mkdir()
    small = snapshots.DataDir(mnt / "data")
    out = in_private_mounts(f"""
        mount -t tmpfs -o size=4m tmpfs {mnt}
        cp -a {data.root} {small.root}
        free=$(df -B1 --output=avail {mnt} | tail -1)
        fallocate -l $((free - 48 * 1024)) {mnt}/filler   # 48 KB left: less than one snapshot
        cd {ROOT}
        {cli_line(small, secrets, "import", f, "--user", "admin")} && echo "IMPORT rc=0" || echo "IMPORT rc=$?"
        echo "CURRENT=$(cat {small.current_file})"
        echo "LEFT=$(ls -A {small.snapshots} | grep -c '^\\.tmp-' || true)"
        ls {small.snapshots} | wc -l | sed 's/^/SNAPSHOTS=/'
        rm {mnt}/filler
        {cli_line(small, secrets, "import", f, "--user", "admin")} && echo "AGAIN rc=0" || echo "AGAIN rc=$?"
        cat {small.history_file} | sed 's/^/HISTORY /'
    """)
    assert "IMPORT rc=2" in out.stdout and "AGAIN rc=0" in out.stdout, (out.stdout, out.stderr[-3000:])
    assert "Không ghi được bản dữ liệu: ổ đĩa đầy" in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert f"CURRENT={snapshots.current_id(data)}" in out.stdout
    assert "LEFT=0" in out.stdout and "SNAPSHOTS=1" in out.stdout, out.stdout
    lines = [json.loads(x[len("HISTORY ") :]) for x in out.stdout.splitlines() if x.startswith("HISTORY ")]
    assert [e["action"] for e in lines if "action" in e] == ["import"], lines  # only the one that worked


# ------------------------------------------------------------------------------ aimed kills


def test_killed_between_the_switch_and_its_history_line(data, secrets, tmp_path):
    f = write(tmp_path, filled(data, {"C-01": {"value": 64}}))
    out = cli(data, secrets, "import", str(f), "--user", "admin", env={"VLBOARD_FAULT_AT": "switched"})
    assert out.returncode == 70
    live = snapshots.current(data)[0]
    last = snapshots.events(data)[-1]
    assert (last["action"], last["snapshot"], last["user"], last["file"]) == ("import", live, "admin", "bao-cao.xlsx")
    assert last.get("reconciled") is True
    g = write(tmp_path, filled(data, {"C-01": {"value": 66}}), "b.xlsx")
    assert cli(data, secrets, "import", str(g), "--user", "admin").returncode == 0
    ev = snapshots.events(data)
    assert [(e["action"], e["file"]) for e in ev if e["action"] == "import"] == [
        ("import", "bao-cao.xlsx"),
        ("import", "b.xlsx"),
    ]
    marks = [json.loads(x) for x in data.history_file.read_text(encoding="utf-8").splitlines()]
    assert any(m.get("reconciled") and m.get("state") == "done" for m in marks), "the next writer settled it"


KILL_AT = ["table:results", "manifest", "rename", "switch", "switched"]


@pytest.mark.parametrize("seed", range(12))
def test_sigkill_aimed_at_each_step_keeps_history_and_current_consistent(data, secrets, tmp_path, seed):
    """A seed picks the action (import or rollback) and the step; the process is paused exactly
    there and killed with SIGKILL; then every live version must be in the history, once, and no
    version that never went live."""
    rng = random.Random(seed)
    first = snapshots.current_id(data)
    f = write(tmp_path, filled(data, {"C-01": {"value": 60 + seed}}))
    assert cli(data, secrets, "import", str(f), "--user", "admin").returncode == 0
    live_before = snapshots.current_id(data)
    action = rng.choice(["import", "rollback"])
    step = rng.choice(KILL_AT if action == "import" else ["history", "switch", "switched"])
    if action == "import":
        g = write(tmp_path, filled(data, {"C-01": {"value": 70 + seed}}), "g.xlsx")
        args = ("import", str(g), "--user", "admin")
    else:
        args = ("rollback", first, "--user", "admin", "--yes")
    proc = cli(data, secrets, *args, env={"VLBOARD_PAUSE_AT": step}, wait=False)
    seen = b""
    while b"PAUSED" not in seen:
        chunk = proc.stderr.read1(4096)
        assert chunk, (step, seen, proc.stdout.read())
        seen += chunk
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    live, _, _ = snapshots.current(data)  # a complete, verified snapshot
    switched = step == "switched"
    assert live == (live_before if not switched else (first if action == "rollback" else live))
    if switched and action == "import":
        assert live != live_before
    ev = snapshots.events(data)
    assert ev[-1]["snapshot"] == live and not ev[-1].get("rebuilt")
    assert ev[-1]["action"] == (action if switched else "import")
    assert all((snapshots.snapshot_dir(data, e["snapshot"])).is_dir() for e in ev)
    assert [e["snapshot"] for e in ev].count(live) == 1 or action == "rollback"
    # the next write settles the file itself and leaves no temporary folder
    h = write(tmp_path, filled(data, {"C-01": {"value": 90}}), "h.xlsx")
    assert cli(data, secrets, "import", str(h), "--user", "admin").returncode == 0
    assert leftovers(data) == []
    lines = [json.loads(x) for x in data.history_file.read_text(encoding="utf-8").splitlines()]
    pending = {x["txn"] for x in lines if x.get("state") == "pending"}
    settled = {x["txn"] for x in lines if x.get("state") in ("done", "aborted")}
    assert pending == settled, "every transaction of the file has its outcome written"
    assert snapshots.events(data)[-1]["snapshot"] == snapshots.current_id(data)


def test_history_rebuilt_from_the_manifest_when_a_line_is_missing(data):
    """A live version switched with no history line at all (a kill under an older vlboard, or a
    hand-made CURRENT) is listed from its manifest: author, note, parent."""
    sid = snapshots.write_snapshot(data, snapshots_tables(data), author="ai-do", note="sửa tay")
    last = snapshots.events(data)[-1]
    assert (last["snapshot"], last["user"], last["summary"], last["rebuilt"]) == (sid, "ai-do", "sửa tay", True)
    assert history.log(data).snapshot.iloc[0] == sid


def snapshots_tables(d: snapshots.DataDir) -> dict:
    _, path, _ = snapshots.current(d)
    return snapshots.read_tables(path)


# ------------------------------------------------------------------------------ the pages


def test_import_page_on_a_full_disk_shows_a_vietnamese_message(monkeypatch, tiny_data):
    from tests.support.pages import INTAKE, XLSX, filled_template, open_page, sign_in
    from vlboard.intake import template

    before = state(tiny_data)
    content = filled_template(tiny_data, template.Subject("unit", "w1", "Phường 1"), "2025-Q3", 80)
    at = open_page(monkeypatch, tiny_data, INTAKE)
    sign_in(at, "ed")
    at.file_uploader(key="upload_file").set_value(("mau-w1.xlsx", content, XLSX)).run()
    assert not at.exception and not at.error, (at.exception, at.error)
    monkeypatch.setenv("VLBOARD_ENOSPC_AT", "table:results")
    at.button(key="import_commit").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error if "Không ghi được bản dữ liệu: ổ đĩa đầy" in e.value], at.error
    assert state(tiny_data) == before and leftovers(tiny_data) == []


def test_history_page_rollback_on_a_full_disk_shows_a_vietnamese_message(monkeypatch, tiny_data):
    from tests.support.pages import HISTORY, open_page, sign_in

    older = snapshots.current_id(tiny_data)
    snapshots.write_snapshot(tiny_data, snapshots_tables(tiny_data), author="tests", note="mới hơn")
    before = state(tiny_data)
    at = open_page(monkeypatch, tiny_data, HISTORY)
    sign_in(at, "boss")
    at.selectbox(key="rb_target").set_value(older)
    at.checkbox(key="rb_sure").check().run()
    monkeypatch.setenv("VLBOARD_ENOSPC_AT", "switch")
    at.button(key="rb_go").click().run()
    assert not at.exception, at.exception
    message = "Không ghi được bản dữ liệu hiện hành (tệp CURRENT): ổ đĩa đầy"
    assert [e.value for e in at.error if message in e.value], at.error
    assert state(tiny_data) == before and leftovers(tiny_data) == []
