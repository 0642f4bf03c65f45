"""Backup and restore of the data folder: round trip, backups taken while imports write (the drill),
damaged or hostile archives and non-empty targets refused in Vietnamese with nothing written,
and killed or failing backups and restores that leave no file looking complete."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time

import pytest

from tests.support.fixtures import ROOT
from tests.support.intake import ADMIN, cli, filled, run, write
from vlboard.intake import imports
from vlboard.store import backup, db, queries, snapshots


def files(root) -> dict[str, str]:
    """sha256 of every file under ``root`` but the write lock and the status rows readers keep
    (``data/.status``, a cache the archive leaves out with every hidden name), by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".write.lock" and p.relative_to(root).parts[0] != ".status"
    }


def members(archive) -> list[str]:
    with tarfile.open(archive) as tar:
        return tar.getnames()


def restored_ok(archive, target: snapshots.DataDir) -> backup.Restored:
    """Restore, then check what the restore promises: every snapshot verifies, CURRENT is one of them."""
    done = backup.restore(archive, target)
    for sid in done.snapshots:
        assert snapshots.verify(target.snapshots / sid)["id"] == sid
    assert snapshots.current(target)[0] == done.current
    assert sorted(p.name for p in target.snapshots.iterdir()) == sorted(done.snapshots)
    return done


def history_of(d: snapshots.DataDir) -> bytes:
    return d.history_file.read_bytes() if d.history_file.exists() else b""


def import_value(data: snapshots.DataDir, value: float) -> str:
    pv = run(data, filled(data, {"C-01": {"value": value}}))
    assert pv.ok, pv.problems
    return imports.commit(data, ADMIN, pv)


def paused(proc: subprocess.Popen) -> None:
    """Wait until a child started with VLBOARD_PAUSE_AT prints «PAUSED <step>»."""
    seen = b""
    while b"PAUSED" not in seen:
        chunk = proc.stderr.read1(4096)
        assert chunk, (seen, proc.stdout.read())
        seen += chunk


def vlboard(*args, env=None, wait=True):
    cmd = [sys.executable, "-m", "vlboard", *args]
    e = {**os.environ, "VLBOARD_NO_PNG": "1", **(env or {})}
    if not wait:
        return subprocess.Popen(cmd, cwd=ROOT, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(cmd, cwd=ROOT, env=e, capture_output=True, text=True, timeout=120)


# ---------------------------------------------------------------------------------- round trip


def test_round_trip_of_the_shipped_data(shipped_data, tmp_path):
    data = snapshots.DataDir(tmp_path / "data")
    shutil.copytree(shipped_data.root, data.root)
    _, path, _ = snapshots.current(data)  # a second version, so that the archive holds a history
    tables = snapshots.read_tables(path)  # format 5: results and imports are Delta tables
    with snapshots.write_lock(data):
        event = {"action": "build", "user": "tests", "summary": "bản thứ hai"}
        snapshots.write_snapshot(data, tables, author="tests", note="bản thứ hai", event=event)
    _, path, _ = snapshots.current(data)  # a reader keeps a period's status rows (vlboard.store.status_kept)
    queries.run(
        db.open_snapshot(path), "status_indicators", year=2025, period_end=dt.date(2025, 9, 30), include_demo=True
    )
    assert (data.root / ".status" / path.name).is_dir()
    original = files(data.root)
    made = backup.backup(data, tmp_path / "out" / "sao-luu.tar.gz")
    assert made.current == snapshots.current_id(data) and len(made.snapshots) == 2 and not made.skipped
    assert members(made.path)[-1] == backup.ARCHIVE_MANIFEST
    assert not [m for m in members(made.path) if m.startswith(".") or "/." in m]
    assert list((tmp_path / "out").iterdir()) == [made.path], "no temporary file left next to it"

    target = snapshots.DataDir(tmp_path / "restored")
    done = restored_ok(made.path, target)
    assert done.current == made.current and done.snapshots == made.snapshots
    assert files(target.root) == original, "every file back, byte for byte (sources, documents, geo too)"
    assert not (target.root / ".status").exists(), "a cache, left out of the archive"
    assert snapshots.events(target) == snapshots.events(data)
    assert files(data.root) == original, "the backup changed nothing in the data folder"

    empty = tmp_path / "empty"
    empty.mkdir()
    assert restored_ok(made.path, snapshots.DataDir(empty)).current == made.current  # an existing empty folder


def test_a_snapshot_that_does_not_verify_is_left_out_and_named(two_snapshots, tmp_path):
    data, older, newer = two_snapshots
    table = data.snapshots / older / "results.parquet"
    raw = bytearray(table.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    table.write_bytes(bytes(raw))
    made = backup.backup(data, tmp_path / "b.tar.gz")
    assert made.snapshots == (newer,)
    assert made.skipped == ((older, f"Bản dữ liệu {older}: bảng «results» bị hỏng (sai mã kiểm tra)"),)
    assert not [m for m in members(made.path) if older in m]
    assert restored_ok(made.path, snapshots.DataDir(tmp_path / "r")).current == newer


def test_a_damaged_live_snapshot_is_not_backed_up(two_snapshots, tmp_path):
    data, _, newer = two_snapshots
    (data.snapshots / newer / "units.parquet").write_bytes(b"hong")
    with pytest.raises(backup.BackupError, match="Bản dữ liệu hiện hành không kiểm tra được: .*«units»"):
        backup.backup(data, tmp_path / "b.tar.gz")
    assert list(tmp_path.glob("*b.tar.gz*")) == []


def test_the_archive_is_not_written_inside_the_data_folder(tiny_data):
    with pytest.raises(backup.BackupError, match="Không ghi bản sao lưu vào trong thư mục dữ liệu"):
        backup.backup(tiny_data, tiny_data.root / "source" / "b.tar.gz")


# ---------------------------------------------------------------------------------- the drill


def test_a_backup_during_an_import_waits_for_it_and_archives_no_half_written_version(data, secrets, tmp_path):
    """The import is paused just before renaming its complete temporary folder into place (write lock
    held, history line pending): the backup waits for the lock, then archives what the import left."""
    before = snapshots.current_id(data)
    f = write(tmp_path, filled(data, {"C-01": {"value": 64}}))
    env = {"VLBOARD_PAUSE_AT": "rename", "VLBOARD_PAUSE_SECONDS": "1.5"}
    proc = cli(data, secrets, "import", str(f), "--user", "admin", env=env, wait=False)
    paused(proc)
    assert list(data.snapshots.glob(".tmp-*")), "the import is midway"
    made = backup.backup(data, tmp_path / "b.tar.gz")
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    live = snapshots.current_id(data)
    assert live != before and made.current == live and made.snapshots == (before, live)
    assert not [m for m in members(made.path) if ".tmp-" in m]
    target = snapshots.DataDir(tmp_path / "r")
    restored_ok(made.path, target)
    assert history_of(target) == history_of(data)
    assert snapshots.events(target) == snapshots.events(data) and snapshots.events(target)[-1]["snapshot"] == live


def test_an_import_while_the_backup_archives_stays_out_of_it(data, tmp_path):
    """The backup (a child process) is paused midway through its archive, after the lock; an import
    finishes meanwhile: the archive holds the versions and history of the moment it read them."""
    before = snapshots.current_id(data)
    history = history_of(data)
    out = tmp_path / "b.tar.gz"
    env = {"VLBOARD_PAUSE_AT": "backup", "VLBOARD_PAUSE_SECONDS": "3"}
    proc = vlboard("--data", str(data.root), "backup", "--out", str(out), env=env, wait=False)
    paused(proc)
    assert not out.exists()
    new = import_value(data, 64)  # under the write lock, which the backup no longer holds
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    target = snapshots.DataDir(tmp_path / "r")
    done = restored_ok(out, target)
    assert done.current == before and done.snapshots == (before,) and new not in done.snapshots
    assert history_of(target) == history
    assert history_of(data).startswith(history) and snapshots.current_id(data) == new


def test_backups_in_a_loop_while_imports_run_in_other_processes(data, secrets, tmp_path):
    """Backups taken back to back while three import processes write: every archive restores, every
    version in it verifies, its live version is one that was live and its history a prefix of the
    final one."""
    first = snapshots.current_id(data)
    stop = threading.Event()
    made: list[backup.Backup] = []
    errors: list[BaseException] = []

    def loop():
        n = 0
        while not stop.is_set():
            n += 1
            try:
                made.append(backup.backup(data, tmp_path / "archives" / f"b{n}.tar.gz"))
            except BaseException as exc:  # reported below
                errors.append(exc)
                return
            time.sleep(0.3)

    thread = threading.Thread(target=loop)
    thread.start()
    try:
        for i in range(3):
            f = write(tmp_path, filled(data, {"C-01": {"value": 62 + i}}), f"r{i}.xlsx")
            out = cli(data, secrets, "import", str(f), "--user", "admin")
            assert out.returncode == 0, out.stderr
    finally:
        stop.set()
        thread.join(timeout=120)
    assert not errors, errors
    assert len(made) >= 3
    ever_live = [first, *(e["snapshot"] for e in snapshots.events(data))]
    assert len(ever_live) == 4
    final_history = history_of(data)
    seen = set()
    for n, b in enumerate(made):
        target = snapshots.DataDir(tmp_path / f"r{n}")
        done = restored_ok(b.path, target)
        assert done.current in ever_live and done.snapshots == tuple(ever_live[: len(done.snapshots)])
        assert final_history.startswith(history_of(target))
        assert [first, *(e["snapshot"] for e in snapshots.events(target))][-1] == done.current
        seen.add(done.current)
    assert len(seen) > 1, "the backups saw the imports go by"


# ---------------------------------------------------------------------------------- refusals


def rewrite(archive, out, *, change=None, extra=(), fix_manifest=True):
    """A copy of ``archive`` with members replaced (name → bytes, or None to drop) and extra
    TarInfo members added; the archive's manifest recomputed unless ``fix_manifest`` is False."""
    change = change or {}
    with tarfile.open(archive) as tar:
        content = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    manifest = json.loads(content.pop(backup.ARCHIVE_MANIFEST))
    for name, new in change.items():
        if new is None:
            content.pop(name)
        else:
            content[name] = new
    if fix_manifest:
        manifest["files"] = [
            {"path": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in content.items()
        ]
    content[backup.ARCHIVE_MANIFEST] = json.dumps(manifest).encode()
    with tarfile.open(out, "w:gz") as tar:
        for info, data in extra:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
        for name, data in content.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


@pytest.fixture
def archive(two_snapshots, tmp_path):
    data, _, _ = two_snapshots
    return backup.backup(data, tmp_path / "good.tar.gz")


def refused(path, target, fragment):
    with pytest.raises(backup.BackupError) as err:
        backup.restore(path, target)
    message = str(err.value)
    assert fragment in message and message.startswith("Không khôi phục từ ") and message.endswith("Chưa ghi gì.")
    return message


def test_a_member_with_flipped_bytes_is_refused_by_name(archive, tmp_path):
    name = f"snapshots/{archive.current}/results.parquet"
    raw = gzip.decompress(archive.path.read_bytes())
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        offset = tar.getmember(name).offset_data
    flipped = bytearray(raw)
    for i in range(offset + 100, offset + 108):
        flipped[i] ^= 0xFF
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(gzip.compress(bytes(flipped)))
    target = snapshots.DataDir(tmp_path / "r")
    refused(bad, target, f"mục «{name}» bị hỏng (sai kích thước hoặc mã kiểm tra sha256)")
    assert not target.root.exists()


def test_a_damaged_table_is_refused_even_with_a_manifest_made_to_match(archive, tmp_path):
    name = f"snapshots/{archive.current}/units.parquet"
    with tarfile.open(archive.path) as tar:
        table = bytearray(tar.extractfile(name).read())
    table[50] ^= 0xFF
    bad = rewrite(archive.path, tmp_path / "bad.tar.gz", change={name: bytes(table)})
    target = snapshots.DataDir(tmp_path / "r")
    refused(bad, target, f"mục «{name}» sai mã kiểm tra của bản dữ liệu {archive.current}")
    assert not target.root.exists()


@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_a_damaged_or_cut_gzip_stream_is_refused(archive, tmp_path, where):
    raw = bytearray(archive.path.read_bytes())
    if where == "end":
        raw = raw[: len(raw) * 2 // 3]  # cut short, as a copy interrupted
    else:
        at = 0 if where == "start" else len(raw) // 2
        for i in range(at, at + 16):
            raw[i] ^= 0x5A
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(bytes(raw))
    target = snapshots.DataDir(tmp_path / "r")
    message = refused(bad, target, "tệp sao lưu bị hỏng hoặc không phải bản sao lưu vlboard (")
    if where != "start":
        assert "mục «" in message  # where it broke
    assert not any(w in message for w in ("failed", "Error", "file")), "Vietnamese only"
    assert not target.root.exists()


def test_missing_or_unlisted_members_and_a_foreign_archive_are_refused(archive, tmp_path):
    target = snapshots.DataDir(tmp_path / "r")
    name = f"snapshots/{archive.current}/plans.parquet"
    dropped = rewrite(archive.path, tmp_path / "a.tar.gz", change={name: None}, fix_manifest=False)
    refused(dropped, target, f"thiếu mục «{name}» có trong danh mục")
    added = rewrite(archive.path, tmp_path / "b.tar.gz", change={"source/x.csv": b"a,b\n"}, fix_manifest=False)
    refused(added, target, "mục «source/x.csv» không có trong danh mục của bản sao lưu")
    foreign = tmp_path / "c.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        tar.add(ROOT / "README.md", arcname="README.md")
    refused(foreign, target, f"thiếu danh mục {backup.ARCHIVE_MANIFEST}")
    not_tar = tmp_path / "d.tar.gz"
    not_tar.write_text("không phải tệp nén", encoding="utf-8")
    refused(not_tar, target, "không phải bản sao lưu vlboard (hỏng ngay từ đầu")
    with pytest.raises(backup.BackupError, match="Không có tệp sao lưu"):
        backup.restore(tmp_path / "khong-co.tar.gz", target)
    assert not target.root.exists()


def _member(name, kind=tarfile.REGTYPE, data=b"x", link=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, (data if kind == tarfile.REGTYPE else None)


@pytest.mark.parametrize(
    ("member", "why"),
    [
        (_member("../x"), "trỏ ra ngoài thư mục khôi phục («..»)"),
        (_member("snapshots/../../x"), "trỏ ra ngoài thư mục khôi phục («..»)"),
        (_member("/tmp/vlboard-restore-x"), "là đường dẫn tuyệt đối"),
        (_member("source/link", tarfile.SYMTYPE, link="/etc/passwd"), "là liên kết (symlink/hardlink)"),
        (_member("source/hard", tarfile.LNKTYPE, link="CURRENT"), "là liên kết (symlink/hardlink)"),
        (_member("source/dev", tarfile.CHRTYPE), "không phải tệp thường"),
        (_member("source/sub", tarfile.DIRTYPE), "không phải tệp thường"),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "symlink", "hardlink", "device", "folder"],
)
def test_hostile_members_are_refused_before_anything_is_written(archive, tmp_path, member, why):
    (tmp_path / "in").mkdir()
    bad = rewrite(archive.path, tmp_path / "in" / "bad.tar.gz", extra=[member])
    before = sorted(p.name for p in tmp_path.iterdir())
    target = snapshots.DataDir(tmp_path / "in" / "r")
    refused(bad, target, f"mục «{member[0].name}» trong tệp sao lưu {why}")
    assert not target.root.exists() and not (tmp_path / "x").exists() and not (tmp_path / "in" / "x").exists()
    assert not os.path.lexists("/tmp/vlboard-restore-x")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_non_empty_target_is_refused_and_left_alone(archive, two_snapshots, tmp_path):
    data, _, _ = two_snapshots
    before = files(data.root)
    with pytest.raises(backup.BackupError) as err:
        backup.restore(archive.path, data)  # the live data folder
    assert f"Thư mục đích {data.root} không trống" in str(err.value) and "không bao giờ ghi đè" in str(err.value)
    assert files(data.root) == before
    other = tmp_path / "other"
    other.mkdir()
    (other / "ghi-chu.txt").write_text("giữ nguyên", encoding="utf-8")
    with pytest.raises(backup.BackupError, match="không trống .1 mục, ví dụ «ghi-chu.txt»"):
        backup.restore(archive.path, snapshots.DataDir(other))
    assert [p.name for p in other.iterdir()] == ["ghi-chu.txt"]
    a_file = tmp_path / "tep"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(backup.BackupError, match="không phải thư mục"):
        backup.restore(archive.path, snapshots.DataDir(a_file))


# ---------------------------------------------------------------------------------- killed, failing


@pytest.mark.parametrize("how", ["crash", "sigkill"])
def test_a_killed_backup_leaves_no_file_that_looks_complete(two_snapshots, tmp_path, how):
    data, _, _ = two_snapshots
    out = tmp_path / "b.tar.gz"
    good = backup.backup(data, out)  # a good backup already there under the same name
    kept = out.read_bytes()
    args = ("--data", str(data.root), "backup", "--out", str(out))
    if how == "crash":
        assert vlboard(*args, env={"VLBOARD_FAULT_AT": "backup"}).returncode == 70
    else:
        proc = vlboard(*args, env={"VLBOARD_PAUSE_AT": "backup"}, wait=False)
        paused(proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert out.read_bytes() == kept, "the earlier backup is untouched"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].startswith(".b.tar.gz."), "hidden, never under the final name"
    assert restored_ok(out, snapshots.DataDir(tmp_path / "r")).current == good.current
    again = vlboard(*args)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tar.gz", "data", "r"], (
        "the next backup removed the leftover"
    )


def test_a_backup_failing_on_a_full_disk_leaves_nothing(tiny_data, tmp_path, monkeypatch):
    monkeypatch.setenv("VLBOARD_ENOSPC_AT", "backup")
    with pytest.raises(backup.BackupError, match="Không ghi được bản sao lưu b.tar.gz: ổ đĩa đầy"):
        backup.backup(tiny_data, tmp_path / "b.tar.gz")
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


@pytest.mark.parametrize("existing", [True, False])
def test_a_restore_failing_midway_leaves_the_target_as_it_was(archive, tmp_path, monkeypatch, existing):
    target = snapshots.DataDir(tmp_path / "r")
    if existing:
        target.root.mkdir()
    monkeypatch.setenv("VLBOARD_ENOSPC_AT", "restore")
    with pytest.raises(backup.BackupError, match="ổ đĩa đầy.*để lại như trước"):
        backup.restore(archive.path, target)
    assert (list(target.root.iterdir()) == []) if existing else not target.root.exists()


def test_an_archive_replaced_while_it_is_restored_is_caught(two_snapshots, tmp_path, monkeypatch):
    """Restore reads the archive twice (check, then extract): a file swapped in between is refused."""
    data, _, _ = two_snapshots
    first = backup.backup(data, tmp_path / "a.tar.gz")
    import_value(data, 64)
    second = backup.backup(data, tmp_path / "b.tar.gz")
    check = backup._check

    def check_then_swap(*args):
        manifest = check(*args)
        shutil.copyfile(second.path, first.path)
        return manifest

    monkeypatch.setattr(backup, "_check", check_then_swap)
    target = snapshots.DataDir(tmp_path / "r")
    with pytest.raises(backup.BackupError, match="thay đổi hoặc hỏng trong khi khôi phục; đã xóa những gì vừa ghi"):
        backup.restore(first.path, target)
    assert not target.root.exists()


def test_a_restore_killed_midway_leaves_no_current(archive, tmp_path):
    target = tmp_path / "r"
    out = vlboard("restore", str(archive.path), "--data", str(target), env={"VLBOARD_FAULT_AT": "restore"})
    assert out.returncode == 70
    assert target.is_dir() and not (target / "CURRENT").exists(), "the app sees no data, never half of it"


# ---------------------------------------------------------------------------------- command line


def test_cli_backup_and_restore(two_snapshots, tmp_path):
    data, _, newer = two_snapshots
    out = tmp_path / "sao-luu.tar.gz"
    made = vlboard("backup", "--out", str(out), "--data", str(data.root))
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"Đã ghi bản sao lưu {out} (") and f"bản hiện hành {newer}" in made.stdout
    assert "2 bản dữ liệu" in made.stdout and " MB," in made.stdout
    target = tmp_path / "moi"
    done = vlboard("--data", str(target), "restore", str(out))  # --data before the command works too
    assert done.returncode == 0, done.stderr
    assert f"vào {target}: 2 bản dữ liệu đều kiểm tra đúng, bản hiện hành {newer}" in done.stdout
    again = vlboard("restore", str(out), "--data", str(target))
    assert again.returncode == 2 and "không trống" in again.stderr and again.stdout == ""
    assert snapshots.current(snapshots.DataDir(target))[0] == newer


def test_files_rewritten_in_place_are_archived_as_they_were_under_the_lock(shipped_data, tmp_path, monkeypatch):
    """Delta rewrites _delta_log/_last_checkpoint when it writes a checkpoint, and the reminders
    append to their log: a commit while the archive is written must not fail the backup nor mix
    two moments; those files are taken as they were while the lock was held."""
    data = snapshots.DataDir(tmp_path / "data")
    shutil.copytree(shipped_data.root, data.root)
    from deltalake import DeltaTable

    DeltaTable(data.root / "tables" / "results").create_checkpoint()  # writes _last_checkpoint
    pointer = data.root / "tables" / "results" / "_delta_log" / "_last_checkpoint"
    before = pointer.read_bytes()
    log = data.root / "reminders.jsonl"
    log.write_text('{"sent": 1}\n')
    verify = snapshots.verify

    def rewrite_meanwhile(path):  # runs after the lock is released, before the archive is written
        pointer.write_bytes(json.dumps(json.loads(before), indent=2).encode())  # rewritten: other bytes
        with log.open("a") as fh:
            fh.write('{"sent": 2}\n')
        return verify(path)

    monkeypatch.setattr(backup.snapshots, "verify", rewrite_meanwhile)
    made = backup.backup(data, tmp_path / "b.tar.gz")
    with tarfile.open(made.path) as tar:
        got = {m: tar.extractfile(m).read() for m in ("tables/results/_delta_log/_last_checkpoint", "reminders.jsonl")}
    assert got == {
        "tables/results/_delta_log/_last_checkpoint": before,
        "reminders.jsonl": b'{"sent": 1}\n',
    }
    monkeypatch.setattr(backup.snapshots, "verify", verify)
    restored_ok(made.path, snapshots.DataDir(tmp_path / "r"))
