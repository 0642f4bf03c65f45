"""Snapshot format 5: the growing tables in Delta Lake (vlboard.store.tables). A build on an empty
folder makes it and reads like format 4; an import writes only what changed and keeps year_status
exact; older versions stay readable; a killed writer and a damaged file lose nothing; rollback,
migration, retention (vacuum) and backup/restore work on it."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from deltalake import DeltaTable, PostCommitHookProperties

from tests.support.fixtures import data_dir_with, tiny_tables
from tests.support.intake import ADMIN, WARD1, filled, intake_tables, run
from vlboard.intake import history, imports
from vlboard.store import backup, build, db, increments, migration, queries, retention, schema, snapshots, tables
from vlboard.store.source import Snapshot

ROOT = Path(__file__).resolve().parents[3]
D = dt.date


def delta_folder(root: Path, made=None) -> snapshots.DataDir:
    data = snapshots.DataDir(root)
    tables.root(data).mkdir(parents=True)
    snapshots.write_snapshot(data, made or intake_tables(), author="tests", note="format 5")
    return data


def year_status(path: Path) -> dict[str, str]:
    t = snapshots.read_table(path, "results", columns=["result_id", "year_status"])
    return dict(zip(t.column("result_id").to_pylist(), t.column("year_status").to_pylist()))


def rejudged(path: Path) -> dict[str, str]:
    t = db.judge_results(snapshots.read_tables(path))
    return dict(zip(t.column("result_id").to_pylist(), t.column("year_status").to_pylist()))


def answers(src) -> dict[str, list]:
    """Every named query without parameters, as sorted rows."""
    out = {}
    for name in queries.names():
        q = queries.load(name)
        if not q.params and not q.needs and not name.startswith("bench"):
            df = queries.run(src.con, name)
            out[name] = sorted(map(repr, df.astype(object).where(df.notna(), None).values.tolist()))
    return out


def test_build_on_an_empty_folder_makes_format5_and_reads_as_format4(tmp_path):
    data = snapshots.DataDir(tmp_path / "d")
    data.root.mkdir()
    for sub in ("source", "documents"):
        shutil.copytree(ROOT / "data" / sub, data.root / sub)
    build.build(data)
    sid, path, manifest = snapshots.current(data)
    assert manifest["format"] == snapshots.FORMAT_DELTA and tables.enabled(data)
    assert not (path / "results.parquet").exists() and (tables.path(data, "results") / "_delta_log").is_dir()
    assert manifest["tables"]["results"]["rows"] == tables.count(data, "results", 0) > 10_000
    four = snapshots.DataDir(tmp_path / "four")
    four.root.mkdir()
    snapshots.write_snapshot(four, snapshots.read_tables(path), author="t", note="format 4")
    assert snapshots.current(four)[2]["format"] == 4
    a, b = Snapshot.current(data), Snapshot.current(four)
    got, want = answers(a), answers(b)
    assert got == want and len(got) >= 10
    args = dict(year=2025, period_end=D(2025, 12, 31), include_demo=True)
    assert queries.run(a.con, "status_indicators", **args).equals(queries.run(b.con, "status_indicators", **args))
    assert year_status(path) == rejudged(path)


def _files(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}


def test_an_import_writes_only_what_changed_and_old_versions_stay(tmp_path):
    data = delta_folder(tmp_path / "d")
    before_id, before_path, before = snapshots.current(data)
    files_before = _files(data.root)
    pv = run(data, filled(data, {"C-01": {"value": 66.5}, "C-03": {"value": 12}}), WARD1)
    sid = imports.commit(data, WARD1, pv)
    _, path, manifest = snapshots.current(data)
    assert manifest["format"] == 5 and manifest["parent"] == before_id
    new = {k: v for k, v in _files(data.root).items() if k not in files_before}
    results_new = [k for k in new if k.startswith("tables/results/") and k.endswith(".parquet")]
    # the year file holding the replaced C-01 value, rewritten; the new rows; C-03's first real
    # value moved its path baseline, so its rows are written again (here: only that one)
    assert len(results_new) <= 3, results_new
    assert all(
        files_before[k] == v for k, v in _files(data.root).items() if k in files_before and "_delta_log" not in k
    )
    src = Snapshot.current(data)
    got = queries.run(src.con, "indicator_results", code="C-01")
    assert got[(got.period == "2025-Q3") & (got.unit_code == "w1")].value.tolist() == [66.5]
    assert src.con.execute("select count(*) from imports").fetchone() == (1,)
    assert manifest["tables"]["results"]["rows"] == before["tables"]["results"]["rows"] + 1  # C-03 new
    assert year_status(path) == rejudged(path)
    old = Snapshot(before_id, before_path, before, db.open_snapshot(before_path))  # time travel
    got = queries.run(old.con, "indicator_results", code="C-01")
    assert 66.5 not in got.value.tolist()
    assert old.con.execute("select count(*) from imports").fetchone() == (0,)
    assert [e["action"] for e in snapshots.events(data)] == ["import"] and sid == snapshots.current_id(data)


def test_a_report_replaces_every_row_of_its_key_as_format4_does(tmp_path):
    made = intake_tables()
    res = made["results"].to_pylist()
    dup = [r for r in res if (r["indicator_code"], r["unit_code"], r["period"]) == ("C-01", "w1", "2025-Q3")]
    assert len(dup) == 1 and dup[0]["source"] == "demo"
    made["results"] = pa.Table.from_pylist(res + dup, schema=made["results"].schema)  # a key held twice
    got = {}
    for fmt, data in (("4", data_dir_with(tmp_path / "four", made, "x")), ("5", delta_folder(tmp_path / "five", made))):
        imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 66.5}}), WARD1))
        rows = Snapshot.current(data).con.execute(
            "select source, value from results where indicator_code = 'C-01' and unit_code = 'w1' "
            "and period = '2025-Q3' order by all"
        )
        got[fmt] = rows.fetchall()
    assert got["5"] == got["4"] == [("report", 66.5)]


def _row(rid, code, period, year, end, value, source="report", unit="w1"):
    return dict(
        result_id=rid,
        indicator_code=code,
        period=period,
        period_type="quarter",
        year=year,
        period_end=end,
        unit_code=unit,
        value=value,
        as_of=end,
        source=source,
    )


def test_a_value_that_moves_the_path_rejudges_the_indicator(tmp_path):
    # C-01: 2024 ≥ 50, 2025 ≥ 70; 2023 has no target: judged on the path baseline → 2024's 50
    rows = [
        _row("b", "C-01", "2023-Q2", 2023, D(2023, 6, 30), 20.0),
        _row("c", "C-01", "2023-Q4", 2023, D(2023, 12, 31), 33.0),
        _row("d", "C-01", "2024-Q4", 2024, D(2024, 12, 31), 52.0),
    ]
    data = delta_folder(tmp_path / "d", tiny_tables(results=rows))
    _, old_path, _ = snapshots.current(data)
    early = dict(_row("report:C-01:w1:2023-Q1", "C-01", "2023-Q1", 2023, D(2023, 3, 31), 32.0), reported_by="t")
    with snapshots.write_lock(data):
        increments.commit_reports(data, [early], _audit(), author="t", note="x")
    _, path, _ = snapshots.current(data)
    assert year_status(path) == rejudged(path)
    assert year_status(path)["c"] != year_status(old_path)["c"]  # the baseline moved: c judged again


def _audit() -> dict:
    return dict.fromkeys(schema.arrow_schema("imports").names) | {"import_id": "imp-t", "username": "t"}


def test_rollback_then_import_keeps_the_newer_versions(tmp_path):
    data = delta_folder(tmp_path / "d")
    first = snapshots.current_id(data)
    a = imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 66.5}}), WARD1))
    history.rollback(data, ADMIN, first, reason="nhầm")
    assert snapshots.current_id(data) == first
    b = imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": 9}}), WARD1))
    src = Snapshot.current(data)
    assert 66.5 not in queries.run(src.con, "indicator_results", code="C-01").value.tolist()  # a stays undone
    assert 9.0 in queries.run(src.con, "indicator_results", code="C-03").value.tolist()
    snapshots.verify(snapshots.snapshot_dir(data, a))  # the undone import is still there, readable
    history.rollback(data, ADMIN, a, reason="lấy lại")
    src = Snapshot.current(data)
    assert 66.5 in queries.run(src.con, "indicator_results", code="C-01").value.tolist()
    assert 9.0 not in queries.run(src.con, "indicator_results", code="C-03").value.tolist()
    assert b in {m["id"] for m in snapshots.list_snapshots(data)}


def test_a_damaged_data_file_is_named_and_the_last_good_version_serves(tmp_path):
    data = delta_folder(tmp_path / "d")
    first = snapshots.current_id(data)
    known = set(_files(data.root))
    imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": 12}}), WARD1))
    added = [
        k for k in _files(data.root) if k not in known and k.startswith("tables/results/") and k.endswith("parquet")
    ]
    (data.root / added[0]).write_bytes(b"garbage")
    with pytest.raises(snapshots.SnapshotError, match="«results» bị hỏng"):
        snapshots.current(data)
    assert snapshots.last_good(data) == snapshots.snapshot_dir(data, first)


def test_a_same_size_damage_only_the_checksum_sees_stops_the_next_write(tmp_path):
    """The writer checks the live version's data-file checksums beside its own work (in a thread):
    a flipped byte, which leaves the size and the footer as they were, still stops the write."""
    data = delta_folder(tmp_path / "d")
    imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": 12}}), WARD1))
    live = snapshots.current_id(data)
    _, path, _ = snapshots.current(data)
    pv = run(data, filled(data, {"C-01": {"value": 70}}), WARD1)  # previewed while whole
    victim = snapshots.data_files(path, "imports")[0]
    raw = bytearray(victim.read_bytes())
    raw[4] ^= 0xFF  # inside the first data page, after the magic bytes
    victim.write_bytes(bytes(raw))
    snapshots.verify(path, hashes=False)  # the structural check alone does not see it
    with pytest.raises(snapshots.SnapshotError, match="«imports» bị hỏng .*sai mã kiểm tra"):
        imports.commit(data, WARD1, pv)
    assert snapshots.current_id(data) == live
    assert not [p for p in data.snapshots.iterdir() if p.name.startswith(".tmp")]


def test_a_writer_killed_after_its_delta_commit_loses_nothing(tmp_path):
    data = delta_folder(tmp_path / "d")
    live = snapshots.current_id(data)
    v = tables.latest(data, "results")
    code = (
        "import sys; from pathlib import Path;"
        "from tests.support.intake import WARD1, filled, run;"
        "from vlboard.intake import imports; from vlboard.store import snapshots;"
        "d = snapshots.DataDir(Path(sys.argv[1]));"
        "imports.commit(d, WARD1, run(d, filled(d, {'C-03': {'value': 12}}), WARD1))"
    )
    env = {**os.environ, "VLBOARD_FAULT_AT": "manifest"}
    done = subprocess.run([sys.executable, "-c", code, str(data.root)], cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 70
    assert snapshots.current_id(data) == live and tables.latest(data, "results") > v  # an orphan version
    src = Snapshot.current(data)
    assert 12.0 not in queries.run(src.con, "indicator_results", code="C-03").value.tolist()
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 70}}), WARD1))
    src = Snapshot.current(data)
    assert 12.0 not in queries.run(src.con, "indicator_results", code="C-03").value.tolist()  # never seen
    assert 70.0 in queries.run(src.con, "indicator_results", code="C-01").value.tolist()
    assert [e["action"] for e in snapshots.events(data)] == ["import"]


def test_small_files_are_compacted_inside_a_commit(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "SMALL_FILES", 3)
    data = delta_folder(tmp_path / "d")
    ids = [snapshots.current_id(data)]
    for v in (12, 13, 14, 15):
        ids.append(imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": v}}), WARD1)))
    _, path, manifest = snapshots.current(data)
    assert len(snapshots.data_files(path, "imports")) < 3  # four audit rows, compacted
    src = Snapshot.current(data)
    assert src.con.execute("select count(*) from imports").fetchone() == (4,)
    assert queries.run(src.con, "indicator_results", code="C-03").value.tolist().count(15.0) == 1
    assert year_status(path) == rejudged(path)
    for sid in ids:  # every earlier version still whole: compaction removes no file they read
        snapshots.verify(snapshots.snapshot_dir(data, sid))


def test_a_delta_conflict_is_a_vietnamese_retry(tmp_path, monkeypatch):
    from deltalake.exceptions import CommitFailedError

    data = delta_folder(tmp_path / "d")
    live = snapshots.current_id(data)

    def clash(*a, **k):
        raise CommitFailedError("conflict")

    monkeypatch.setattr(tables, "write_deltalake", clash)
    with pytest.raises(snapshots.SnapshotError, match="hãy thử lại"):
        imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": 12}}), WARD1))
    assert snapshots.current_id(data) == live and not list(data.snapshots.glob(".tmp-*"))


def test_a_full_disk_inside_delta_rs_is_reported_in_vietnamese(tmp_path, monkeypatch):
    from deltalake.exceptions import DeltaError

    data = delta_folder(tmp_path / "d")
    live = snapshots.current_id(data)

    def full(*a, **k):
        raise DeltaError("Generic LocalFileSystem error: No space left on device (os error 28)")

    monkeypatch.setattr(tables, "write_deltalake", full)
    with pytest.raises(snapshots.WriteFault, match="ổ đĩa đầy.*chưa ghi gì") as exc:
        imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": 12}}), WARD1))
    assert "os error" not in str(exc.value) and str(data.root) not in str(exc.value)
    assert snapshots.current_id(data) == live and not list(data.snapshots.glob(".tmp-*"))


def test_format4_stays_readable_and_writable_until_migrated(tmp_path):
    data = data_dir_with(tmp_path / "d", intake_tables(), "format 4")
    old = snapshots.current_id(data)
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 66.5}}), WARD1))
    four = snapshots.current_id(data)
    assert snapshots.current(data)[2]["format"] == 4 and not tables.enabled(data)
    new = migration.migrate(data)
    _, path, manifest = snapshots.current(data)
    assert manifest["format"] == 5 and manifest["migrated_from"] == four and new == snapshots.current_id(data)
    assert migration.migrate(data) is None
    src = Snapshot.current(data)
    assert 66.5 in queries.run(src.con, "indicator_results", code="C-01").value.tolist()
    assert snapshots.events(data)[-1]["action"] == "migrate"
    imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": 9}}), WARD1))
    assert snapshots.current(data)[2]["format"] == 5
    history.rollback(data, ADMIN, old, reason="về bản cũ")  # a format-4 snapshot, still readable
    assert snapshots.current(data)[2]["format"] == 4
    imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": 7}}), WARD1))
    src = Snapshot.current(data)
    assert src.manifest["format"] == 5  # the folder is on format 5: the write after it makes one
    assert 66.5 not in queries.run(src.con, "indicator_results", code="C-01").value.tolist()
    assert 7.0 in queries.run(src.con, "indicator_results", code="C-03").value.tolist()


def test_vacuum_keeps_the_policy_and_removes_the_rest(tmp_path, monkeypatch):
    data = delta_folder(tmp_path / "d")
    first = snapshots.current_id(data)
    ids = [first]
    for v in (61.5, 62.5, 63.5):
        ids.append(imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": v}}), WARD1)))
    history.rollback(data, ADMIN, ids[2], reason="nhầm")  # ids[2] and ids[3] named by a rollback
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=40)
    plan = retention.vacuum(data, dry_run=True, now=later)
    assert sorted(plan.removed) == sorted([first, ids[1]]) and plan.files["results"]
    assert all(snapshots.snapshot_dir(data, s).is_dir() for s in ids)  # a dry run deletes nothing
    size = sum(_files(data.root / "tables").values())
    done = retention.vacuum(data, dry_run=False, now=later)
    assert done.removed == plan.removed and sum(_files(data.root / "tables").values()) < size
    assert not snapshots.snapshot_dir(data, first).exists()
    for sid in (ids[2], ids[3]):
        snapshots.verify(snapshots.snapshot_dir(data, sid))
    src = Snapshot.current(data)
    assert 62.5 in queries.run(src.con, "indicator_results", code="C-01").value.tolist()
    monkeypatch.setenv("VLBOARD_KEEP_DAYS", "100")
    assert retention.vacuum(data, dry_run=True, now=later).removed == []


def _age_logs(data: snapshots.DataDir, days: int) -> None:
    """Date every Delta log file ``days`` back (the log's clean-up goes by the files' times)."""
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).timestamp()
    for log in (data.root / "tables").glob("*/_delta_log"):
        for f in log.iterdir():
            os.utime(f, (old, old))


def _log_versions(data: snapshots.DataDir, table: str) -> set[int]:
    return {int(f.name[:20]) for f in (tables.path(data, table) / "_delta_log").iterdir() if f.name[:20].isdigit()}


def _version(data: snapshots.DataDir, sid: str, table: str = "results") -> int:
    return int(snapshots.read_manifest(snapshots.snapshot_dir(data, sid))["tables"][table]["delta_version"])


def _commit(data: snapshots.DataDir, value: float) -> str:
    return imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": value}}), WARD1))


@pytest.mark.parametrize("made_before", [False, True])
def test_a_write_a_month_later_leaves_every_older_version_readable(tmp_path, monkeypatch, made_before):
    """delta-rs's default after a commit deletes the log older than 30 days before the newest
    checkpoint; the versions an older snapshot reads must stay: only ``vacuum`` cleans the log. A
    table made before the table property was set (``made_before``) is kept by the commits' hooks."""
    if made_before:
        monkeypatch.setattr(tables, "NO_LOG_CLEANUP", {})
    data = delta_folder(tmp_path / "d")
    config = DeltaTable(str(tables.path(data, "results"))).metadata().configuration
    assert config.get("delta.enableExpiredLogCleanup") == (None if made_before else "false")
    old = _commit(data, 61.5)
    _commit(data, 62.5)
    DeltaTable(str(tables.path(data, "results"))).create_checkpoint()
    _commit(data, 63.5)
    _age_logs(data, 40)
    _commit(data, 64.5)
    assert min(_log_versions(data, "results")) == 0
    folder = snapshots.snapshot_dir(data, old)
    snapshots.verify(folder)
    assert 61.5 in snapshots.read_table(folder, "results").column("value").to_pylist()


def test_vacuum_cleans_the_delta_log_before_the_oldest_kept_version(tmp_path):
    data = delta_folder(tmp_path / "d")
    for v in (61.5, 62.5):
        _commit(data, v)
    DeltaTable(str(tables.path(data, "results"))).create_checkpoint()  # delta-rs makes one every 100 commits
    checkpoint = _version(data, snapshots.current_id(data))
    live = _commit(data, 63.5)
    before = answers(Snapshot.current(data))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=40)
    assert retention.vacuum(data, dry_run=False, now=later).log["results"] == (0, 0), "a young log stays whole"
    _age_logs(data, 40)
    assert retention.vacuum(data, dry_run=True, now=later).log == {}, "a dry run removes nothing"
    assert min(_log_versions(data, "results")) == 0
    done = retention.vacuum(data, dry_run=False, now=later)
    assert done.kept == [live] and done.log["results"][0] >= checkpoint > 0
    assert min(_log_versions(data, "results")) == checkpoint, "every entry before the checkpoint went"
    assert f"Đã dọn {sum(n for n, _ in done.log.values())} tệp nhật ký Delta" in "\n".join(done.lines())
    forget = Snapshot.current(data)
    assert forget.snapshot_id == live and answers(forget) == before
    snapshots.verify(snapshots.snapshot_dir(data, live))
    _commit(data, 64.5)  # the table is written on from the cleaned log
    assert 64.5 in queries.run(Snapshot.current(data).con, "indicator_results", code="C-01").value.tolist()


def test_a_kept_version_before_the_checkpoint_keeps_the_log_it_reads(tmp_path):
    data = delta_folder(tmp_path / "d")
    named = _commit(data, 61.5)
    _commit(data, 62.5)
    DeltaTable(str(tables.path(data, "results"))).create_checkpoint()
    history.rollback(data, ADMIN, named, reason="nhầm")  # the rollback names it: kept for good
    _commit(data, 63.5)
    _age_logs(data, 40)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=40)
    done = retention.vacuum(data, dry_run=False, now=later)
    assert named in done.kept and done.log["results"] == (0, 0)
    old = snapshots.snapshot_dir(data, named)
    snapshots.verify(old)
    assert 61.5 in snapshots.read_table(old, "results").column("value").to_pylist()


def test_vacuum_goes_on_when_the_earlier_default_removed_a_kept_versions_log(tmp_path, monkeypatch):
    """A folder written before the hooks: delta-rs already removed the log an old snapshot reads.
    That snapshot no longer opens (said, not hidden); vacuum still cleans the rest and the live
    version stays whole."""
    monkeypatch.setattr(tables, "NO_LOG_CLEANUP", {})
    monkeypatch.setattr(tables, "HOOKS", PostCommitHookProperties(cleanup_expired_logs=None))
    data = delta_folder(tmp_path / "d")
    old = _commit(data, 61.5)
    _commit(data, 62.5)
    DeltaTable(str(tables.path(data, "results"))).create_checkpoint()
    _commit(data, 63.5)
    _age_logs(data, 40)
    live = _commit(data, 64.5)  # the earlier default removes the log before the checkpoint
    monkeypatch.undo()
    folder = snapshots.snapshot_dir(data, old)
    with pytest.raises(snapshots.SnapshotError):
        snapshots.read_table(folder, "results")
    (folder / snapshots.MANIFEST).write_text(json.dumps({**snapshots.read_manifest(folder), "keep": True}), "utf-8")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=40)
    done = retention.vacuum(data, dry_run=False, now=later)
    assert sorted(done.kept) == sorted([old, live]) and done.unreadable == {"results": [old]}
    assert "results" not in done.files and "results" not in done.log, "nothing of that table removed"
    assert "không còn mở được (nhật ký Delta của chúng đã bị xóa trước đây)" in "\n".join(done.lines())
    assert 64.5 in snapshots.read_table(snapshots.snapshot_dir(data, live), "results").column("value").to_pylist()
    snapshots.verify(snapshots.snapshot_dir(data, live))


def test_a_snapshot_tagged_keep_outlives_the_retention(tmp_path):
    data = delta_folder(tmp_path / "d")
    ids = [snapshots.current_id(data)]
    for v in (61.5, 62.5):
        ids.append(imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": v}}), WARD1)))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=40)
    assert sorted(m["id"] for m in retention.keep(data, later)[1]) == sorted(ids[:2])
    folder = snapshots.snapshot_dir(data, ids[1])  # a closed reporting period tags its snapshot
    (folder / snapshots.MANIFEST).write_text(
        json.dumps({**snapshots.read_manifest(folder), "keep": True}), encoding="utf-8"
    )
    assert [m["id"] for m in retention.keep(data, later)[1]] == [ids[0]]
    assert retention.vacuum(data, dry_run=False, now=later).removed == [ids[0]]
    snapshots.verify(folder)


def test_backup_and_restore_carry_the_delta_tables(tmp_path):
    data = delta_folder(tmp_path / "d")
    imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": 12}}), WARD1))
    made = backup.backup(data, tmp_path / "b.tar.gz")
    assert len(made.snapshots) == 2 and not made.skipped
    target = snapshots.DataDir(tmp_path / "back")
    backup.restore(tmp_path / "b.tar.gz", target)
    src = Snapshot.current(target)
    assert src.snapshot_id == snapshots.current_id(data) and src.manifest["format"] == 5
    assert 12.0 in queries.run(src.con, "indicator_results", code="C-03").value.tolist()


def test_cli_migrate_and_vacuum_speak_vietnamese(tmp_path, capsys):
    from vlboard.cli import main

    data = data_dir_with(tmp_path / "d", intake_tables(), "format 4")
    assert main(["--data", str(data.root), "vacuum", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Giữ 1 bản dữ liệu" in out and "Chạy thử: chưa xóa gì" in out
    assert main(["--data", str(data.root), "migrate"]) == 0
    assert "Đã chuyển sang định dạng 5" in capsys.readouterr().out
    assert main(["migrate", "--data", str(data.root)]) == 0
    assert "đã ở định dạng 5" in capsys.readouterr().out
    assert main(["--data", str(data.root), "vacuum"]) == 0
    assert "Đã xóa 0 tệp" in capsys.readouterr().out
    assert len(snapshots.list_snapshots(data)) == 2  # both younger than VLBOARD_KEEP_DAYS


def test_a_versions_file_list_is_read_once_and_never_stale(tmp_path, monkeypatch):
    """tables._actions keeps a version's files per process, keyed by its log entry: a table
    restored from a backup and written again (the same version number, other files) is read anew."""
    data = delta_folder(tmp_path / "d")
    v = tables.latest(data, "results")
    first = tables._actions(data, "results", v)
    calls = []
    real = tables.DeltaTable
    monkeypatch.setattr(tables, "DeltaTable", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert tables._actions(data, "results", v) == first and not calls
    saved = tmp_path / "saved"
    shutil.copytree(tables.path(data, "results"), saved)
    imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": 12}}), WARD1))
    newer = tables.latest(data, "results")
    seen = tables._actions(data, "results", newer)
    one = snapshots.read_table(snapshots.current(data)[1], "results").slice(0, 1)
    shutil.rmtree(tables.path(data, "results"))  # the backup's table comes back, then another write
    shutil.copytree(saved, tables.path(data, "results"))
    while tables.latest(data, "results") < newer:
        tables.append(data, "results", one)
    again = tables._actions(data, "results", newer)
    assert again != seen, "the same version number with other files is not answered from memory"


@pytest.mark.parametrize("change", ["later value", "earliest replaced", "earliest emptied", "earlier than all"])
def test_the_baseline_rows_give_the_same_path_and_status_as_every_real_row(tmp_path, change):
    """The import commit judges its rows against the baseline candidates only (sql/baseline_rows.sql),
    not every real row of the indicators: the path and the new rows' status must be the same."""
    data = delta_folder(tmp_path / "d")
    _, path, manifest = snapshots.current(data)
    version = int(manifest["tables"]["results"]["delta_version"])
    real = tables.read(data, "results", version, filters=[("source", "!=", "demo")])
    real = real.filter(pa.compute.is_finite(real.column("value")))
    by_code: dict[str, list[dict]] = {}
    for r in real.to_pylist():
        by_code.setdefault(r["indicator_code"], []).append(r)
    code, rows = max(by_code.items(), key=lambda kv: len({r["period_end"] for r in kv[1]}))
    rows.sort(key=lambda r: r["period_end"])
    first, last = rows[0], rows[-1]
    stored = schema.arrow_schema("results", derived=False).names
    new = {c: (last if change == "later value" else first)[c] for c in stored} | {"source": "report"}
    if change == "later value":
        new |= {"value": float(last["value"]) + 1, "result_id": "t-later"}
    elif change == "earliest replaced":
        new |= {"value": float(first["value"]) + 5, "result_id": "t-replace"}
    elif change == "earliest emptied":
        new |= {"value": None, "result_id": "t-empty"}
    else:
        new |= {
            "value": 1.0,
            "result_id": "t-earlier",
            "period": "2020",
            "period_type": "year",
            "year": 2020,
            "period_end": D(2020, 12, 31),
        }
    codes = [code]
    catalogue = {t: snapshots.read_table(path, t) for t in increments.JUDGE_INPUTS}
    every = increments._with(tables.read(data, "results", version, filters=[("indicator_code", "in", codes)]), [new])
    every = every.filter(pa.compute.not_equal(every.column("source"), "demo"))
    replaced = increments._key(pa.Table.from_pylist([new], schema=schema.arrow_schema("results", derived=False)))
    few = increments._with(increments._baseline_rows(data, version, codes, replaced.to_pylist()), [new])
    assert few.num_rows <= every.num_rows
    assert db.path_segments({**catalogue, "results": few}) == db.path_segments({**catalogue, "results": every})
    status = {}
    for name, t in (("few", few), ("every", every)):
        judged = increments._judge(catalogue, t)
        status[name] = [
            s
            for i, s in zip(judged.column("result_id").to_pylist(), judged.column("year_status").to_pylist())
            if i == new["result_id"]
        ]
    assert status["few"] == status["every"] and len(status["few"]) == 1
    audit = dict.fromkeys(schema.arrow_schema("imports").names) | dict(
        import_id=f"imp-{change}", username="t", role="admin", n_new=0, n_changed=1, n_unchanged=0
    )
    with snapshots.write_lock(data):
        increments.commit_reports(data, [new], audit, author="t", note=change)
    _, after, _ = snapshots.current(data)
    assert year_status(after) == rejudged(after), "every stored status as a full rebuild would judge it"


def test_a_commit_reads_the_results_log_twice(tmp_path, monkeypatch):
    """Opening a Delta table replays its log (~85 ms for results at 100 M): a commit opens results to
    list the live version's files and to merge; the append, the compaction, the checksums and the
    series reuse what the merge's table object knows (SCALING.md)."""
    from deltalake import DeltaTable

    data = delta_folder(tmp_path / "d")
    imports.commit(data, WARD1, run(data, filled(data, {"C-03": {"value": 11}}), WARD1))
    tables._ACTIONS.clear()  # a new process
    opened: list[str] = []
    real = DeltaTable.__init__

    def counted(self, table_uri, *a, **k):
        opened.append(Path(str(table_uri)).name)
        real(self, table_uri, *a, **k)

    monkeypatch.setattr(DeltaTable, "__init__", counted)
    pv = run(data, filled(data, {"C-01": {"value": 66.5}, "C-03": {"value": 12}}), WARD1)
    opened.clear()  # the preview reads the live version as any reader does
    imports.commit(data, WARD1, pv)
    assert opened.count("results") == 2, opened
    assert opened.count("imports") <= 2, opened
    for table in ("cycle_events", "directive_events", "commentary_events"):
        assert table not in opened, opened  # aligned by the log's newest entry's name
    _, path, manifest = snapshots.current(data)
    assert year_status(path) == rejudged(path)
    assert manifest["tables"]["results"]["files"].keys() == {
        a["path"] for a in tables._actions(data, "results", manifest["tables"]["results"]["delta_version"])
    }
