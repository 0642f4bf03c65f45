"""The writer's record of data files already verified (vlboard.store.verified), the merge narrowed
by subject and the baseline rows read from the earliest files first (vlboard.store.tables,
vlboard.store.increments): a changed file is hashed again and caught, an unchanged one is trusted,
a damaged or stale record is ignored, the files a merge rewrites are always hashed, and the
narrower reads give the same answers as reading everything."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path

import pyarrow as pa
import pytest

from tests.support.intake import WARD1, filled, run
from tests.unit.store.test_delta import delta_folder
from vlboard.intake import imports
from vlboard.store import increments, schema, snapshots, tables, verified

D = dt.date


def _live(data: snapshots.DataDir) -> dict[str, dict[str, str]]:
    """The live snapshot's Delta data files and their recorded sha256, per table."""
    _, _, manifest = snapshots.current(data, hashes=False)
    return {t: dict(i["files"]) for t, i in manifest["tables"].items() if i.get("files")}


def _record(data: snapshots.DataDir, *, later: float = 10.0) -> dict[str, list[str]]:
    """Check every table with the clock ``later`` seconds ahead (the files are no longer racy)."""
    now = time.time() + later
    return {t: verified.check(data, t, tables.path(data, t), f, now=now) for t, f in _live(data).items()}


def _flip(file, at: int | None = None) -> None:
    """Flip one byte in place, same size, the modification time put back as it was."""
    st = file.stat()
    time.sleep(0.05)  # past the clock tick of the file's last change
    raw = bytearray(file.read_bytes())
    raw[len(raw) // 2 if at is None else at] ^= 0xFF
    file.write_bytes(bytes(raw))
    os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns))


@pytest.fixture()
def data(tmp_path, monkeypatch):
    monkeypatch.setattr(verified, "SCRUB_BYTES", 0)  # only the record decides what is read
    d = delta_folder(tmp_path / "d")
    imports.commit(d, WARD1, run(d, filled(d, {"C-03": {"value": 12}}), WARD1))
    shutil.rmtree(d.root / verified.FOLDER, ignore_errors=True)  # a slow machine may have recorded some
    return d


def test_an_unchanged_file_is_trusted_and_a_rewritten_one_is_hashed_and_caught(data):
    first = _record(data)
    assert first["results"] and set(first["results"]) == set(_live(data)["results"])  # no record yet: all read
    assert _record(data) == {t: [] for t in first}, "unchanged files are trusted, none read"
    name = sorted(_live(data)["results"])[0]
    victim = tables.path(data, "results") / name
    _flip(victim)
    assert victim.stat().st_mtime_ns == verified.load(data, "results")[name][2], "only the change time tells"
    with pytest.raises(snapshots.SnapshotError, match="«results» bị hỏng .*sai mã kiểm tra"):
        _record(data)
    live = snapshots.current_id(data)
    with pytest.raises(snapshots.SnapshotError, match="«results» bị hỏng .*sai mã kiểm tra"):
        imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 70}}), WARD1))
    assert snapshots.current_id(data) == live and not list(data.snapshots.glob(".tmp-*"))


def test_a_reader_hashes_only_the_files_no_writer_vouches_for(data, monkeypatch):
    """The page process switching to a new version (snapshots.verify(trust=True)) reads only the
    files the writers' record does not vouch for, and still catches a rewritten one."""
    read: list[str] = []
    real = tables._sha256
    monkeypatch.setattr(tables, "_sha256", lambda f: read.append(f.name) or real(f))
    _, path, _ = snapshots.current(data, hashes=False)
    snapshots.verify(path, trust=True)
    everything = sorted(read)
    assert everything, "no record yet: every Delta data file is hashed"
    _record(data)
    read.clear()
    snapshots.verify(path, trust=True)
    assert read == [], "every file vouched for: none read"
    snapshots.verify(path)
    assert sorted(read) == everything, "without trust (health, backups, restore) every file is read"
    name = sorted(_live(data)["results"])[0]
    _flip(tables.path(data, "results") / name)
    read.clear()
    with pytest.raises(snapshots.SnapshotError, match="«results» bị hỏng .*sai mã kiểm tra"):
        snapshots.verify(path, trust=True)
    assert read == [Path(name).name]


def test_a_file_changed_within_the_clock_tick_is_not_recorded(data):
    files = _live(data)["results"]
    base = tables.path(data, "results")
    when = {f: max(os.stat(base / f).st_mtime, os.stat(base / f).st_ctime) for f in files}
    changed = max(when.values())
    verified.check(data, "results", base, files, now=changed + 1.5)  # 1.5 s after the newest file's change
    assert set(verified.load(data, "results")) == {f for f, t in when.items() if changed + 1.5 - t >= 2}
    assert max(when, key=lambda f: when[f]) not in verified.load(data, "results")
    verified.check(data, "results", base, files, now=changed + 2.5)
    assert set(verified.load(data, "results")) == set(files)


def test_the_scrub_reads_the_longest_trusted_files_again(data, monkeypatch):
    _record(data)
    monkeypatch.setattr(verified, "SCRUB_BYTES", 1)
    files = _live(data)["results"]
    read = [
        verified.check(data, "results", tables.path(data, "results"), files, now=time.time() + 20 + i)
        for i in range(len(files))
    ]
    assert all(len(r) == 1 for r in read) and sorted(sum(read, [])) == sorted(files), "each file in turn"


@pytest.mark.parametrize("damage", ["garbage", "an entry edited", "another format", "stale checksum", "copied folder"])
def test_a_damaged_or_stale_record_is_ignored_safely(data, tmp_path, damage):
    _record(data)
    files = _live(data)["results"]
    rec = verified.record_path(data, "results")
    body = json.loads(rec.read_bytes())
    name = sorted(files)[0]
    if damage == "garbage":
        rec.write_bytes(b"\x00{not json")
    elif damage == "an entry edited":  # a changed byte the record's own sha256 sees
        body["entries"][name][3] += 1
        rec.write_text(json.dumps(body))
    elif damage == "another format":
        rec.write_text(json.dumps(body | {"format": 99}))
    elif damage == "stale checksum":  # a whole record, but of another manifest: that file is read
        body["entries"][name][4] = "0" * 64
        rec.write_text(json.dumps(body | {"sha256": verified._digest(body["entries"])}))
    else:
        shutil.copytree(data.root, tmp_path / "copy")  # new inodes and change times: nothing trusted
        data = snapshots.DataDir(tmp_path / "copy")
    read = verified.check(data, "results", tables.path(data, "results"), files, now=time.time() + 10)
    assert read == ([name] if damage == "stale checksum" else sorted(files, key=list(files).index))
    assert set(verified.load(data, "results")) == set(files), "written again, whole"
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 70}}), WARD1))  # writes go on


def test_the_files_a_merge_rewrites_are_always_hashed(data, monkeypatch):
    """Damage no stat shows (bit rot under the file system) in a file the record vouches for: the
    merge that reads and rewrites it still checks it against the manifest, so its rows are never
    carried into a new file with a fresh checksum."""
    monkeypatch.setattr(verified, "vouches", lambda *a: True)  # the record trusts every file
    pv = run(data, filled(data, {"C-01": {"value": 70}}), WARD1)  # previewed while whole
    _record(data)
    sid, path, manifest = snapshots.current(data)
    files = manifest["tables"]["results"]["files"]
    for name in files:  # as if every file's bytes differed from what the manifest recorded
        files[name] = "f" * 64
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(snapshots.SnapshotError, match="«results» bị hỏng .*sai mã kiểm tra"):
        imports.commit(data, WARD1, pv)
    assert snapshots.current_id(data) == sid


def test_a_merge_narrowed_by_subject_deletes_every_matched_row_and_nothing_else(tmp_path):
    """Rows of a unit, of an agency, of neither (NULL subjects) and a document figure: each report
    replaces exactly the demo rows of its own key."""
    from tests.unit.store.test_delta import _row

    def row(rid, unit, agency, source="demo", value=1.0):
        return _row(rid, "C-01", "2025-Q3", 2025, D(2025, 9, 30), value, source, unit) | {"agency_code": agency}

    base = [
        row("u1", "w1", None),
        row("u2", "w2", None),
        row("a1", None, "A-1"),
        row("a2", None, "A-2"),
        row("p", None, None),
        row("doc", "w1", None, "document"),
    ]
    from tests.support.fixtures import tiny_tables

    data = delta_folder(tmp_path / "d", tiny_tables(results=base))
    stored = schema.arrow_schema("results")
    demo_left = {r["result_id"] for r in base if r["source"] == "demo"}
    for picked in ([("w1", None)], [(None, "A-1")], [(None, None)], [("w2", None), (None, "A-2")]):
        new = [row(f"r-{u}-{a}", u, a, "report", 9.0) | {"year_status": None} for u, a in picked]
        narrowing = tables._narrowing(tables._stored("results", pa.Table.from_pylist(new, schema=stored)))
        assert ("is null" in narrowing) == any(u is None or a is None for u, a in picked)
        v = tables.merge_results(data, pa.Table.from_pylist(new, schema=stored))
        got = tables.read(data, "results", v, columns=["unit_code", "agency_code", "source", "result_id"]).to_pylist()
        for u, a in picked:
            mine = [
                r["source"] for r in got if (r["unit_code"], r["agency_code"]) == (u, a) and r["source"] != "document"
            ]
            assert mine == ["report"], (u, a, got)
        demo_left -= {b["result_id"] for b in base if (b["unit_code"], b["agency_code"]) in picked}
        assert {r["result_id"] for r in got if r["source"] == "demo"} == demo_left, "no other row deleted"
        assert "doc" in {r["result_id"] for r in got}, "document figures are never matched"
    assert demo_left == set()


@pytest.mark.parametrize("replaced", ["none", "earliest"])
def test_the_baseline_rows_from_the_earliest_files_are_those_of_every_file(tmp_path, monkeypatch, replaced):
    """Files of many dates (a report per quarter, each its own Delta file); reading from the
    earliest file, one at a time and doubling, gives the rows a query over every file gives."""
    from tests.support.fixtures import tiny_tables
    from tests.unit.store.test_delta import _row

    data = delta_folder(tmp_path / "d", tiny_tables(results=[]))
    ends = [(2023, 1, D(2023, 3, 31)), (2023, 4, D(2023, 12, 31)), (2024, 2, D(2024, 6, 30)), (2025, 1, D(2025, 3, 31))]
    stored = schema.arrow_schema("results")
    for y, q, end in reversed(ends):  # appended latest first: the files' order is not the dates'
        for code, value in (("C-01", 40.0 + q), ("C-02", 5.0 + q)):
            for unit in ("w1", "w2"):
                r = _row(f"{code}-{unit}-{y}-{q}", code, f"{y}-Q{q}", y, end, value, "report", unit)
                tables.append(data, "results", pa.Table.from_pylist([r | {"year_status": None}], schema=stored))
    tables.append(
        data,
        "results",
        pa.Table.from_pylist(
            [_row("demo", "C-01", "2022-Q1", 2022, D(2022, 3, 31), 1.0, "demo") | {"year_status": None}], schema=stored
        ),
    )
    version = tables.latest(data, "results")
    assert len(tables.real_files(data, version)) == len(ends) * 4, "the demo-only file is left out"
    codes = ["C-01", "C-02"]
    gone = ["C-01|w1||2023-Q1", "C-01|w2||2023-Q1"] if replaced == "earliest" else []
    monkeypatch.setattr(increments, "BASELINE_FILES", 1)
    few = increments._baseline_rows(data, version, codes, gone)
    every_file = [(str(f), D.min) for f in tables.data_files(data, "results", version)]
    monkeypatch.setattr(tables, "real_files", lambda *a: every_file)
    monkeypatch.setattr(increments, "BASELINE_FILES", len(every_file))
    every = increments._baseline_rows(data, version, codes, gone)
    assert sorted(few.to_pylist(), key=str) == sorted(every.to_pylist(), key=str)
    want = D(2023, 12, 31) if replaced == "earliest" else D(2023, 3, 31)
    assert {r["indicator_code"]: r["period_end"] for r in few.to_pylist()}["C-01"] == want
