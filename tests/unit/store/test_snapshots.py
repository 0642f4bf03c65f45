"""Snapshots: deterministic build, atomic switch, crash safety, damaged files reported."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.support.fixtures import ROOT, tiny_tables
from vlboard.store import build, catalogue, schema, snapshots


def copy_sources(tmp_path, name="data") -> snapshots.DataDir:
    root = tmp_path / name
    shutil.copytree(ROOT / "data" / "source", root / "source")
    shutil.copytree(ROOT / "data" / "documents", root / "documents")
    return snapshots.DataDir(root)


def test_build_is_deterministic(shipped_data, tmp_path):
    other = copy_sources(tmp_path)
    build.build(other)
    _, _, m1 = snapshots.current(shipped_data)
    _, _, m2 = snapshots.current(other)
    assert m1["content_sha256"] == m2["content_sha256"]
    for t in schema.TABLES:
        assert m1["tables"][t]["content_sha256"] == m2["tables"][t]["content_sha256"], t
        assert m1["tables"][t]["rows"] == m2["tables"][t]["rows"]


def test_second_build_switches_current_and_keeps_the_first(tmp_path):
    data = snapshots.DataDir(tmp_path)
    first = snapshots.write_snapshot(data, tiny_tables(), author="t", note="1")
    second = snapshots.write_snapshot(data, tiny_tables(), author="t", note="2")
    assert first != second
    assert snapshots.current_id(data) == second
    assert snapshots.verify(data.snapshots / first)["id"] == first
    assert snapshots.read_manifest(data.snapshots / second)["parent"] == first


def run_build(data: snapshots.DataDir, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "vlboard", "--data", str(data.root), "build"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("fault_after", [0, 5, len(schema.TABLES) - 1])
def test_build_that_dies_midway_leaves_current_intact(tmp_path, fault_after):
    data = copy_sources(tmp_path)
    first = build.build(data)
    before = (data.current_file.read_bytes(), snapshots.verify(data.snapshots / first))
    proc = run_build(data, VLBOARD_FAULT_AFTER_TABLES=str(fault_after))
    assert proc.wait(timeout=120) == 70
    assert data.current_file.read_bytes() == before[0]
    assert snapshots.current(data)[2] == before[1]
    assert list(data.snapshots.glob(".tmp-*")), "the crash left its temporary folder"
    # the next build cleans up and succeeds
    assert build.build(data) != first
    assert not list(data.snapshots.glob(".tmp-*"))


@pytest.mark.parametrize("delay", [0.3, 0.55, 0.8])
def test_build_killed_with_sigkill_leaves_a_complete_current(tmp_path, delay):
    data = copy_sources(tmp_path)
    first = build.build(data)
    proc = run_build(data)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    sid, path, manifest = snapshots.current(data)  # verifies every checksum
    assert sid in (first, manifest["id"])
    assert sid == first or manifest["parent"] == first


def test_corrupted_parquet_is_reported_by_table(tiny_data):
    sid, path, _ = snapshots.current(tiny_data)
    file = path / "results.parquet"
    file.write_bytes(file.read_bytes()[:100])
    with pytest.raises(snapshots.SnapshotError, match="«results» bị hỏng"):
        snapshots.current(tiny_data)


def test_missing_table_and_manifest_are_reported(tiny_data):
    sid, path, _ = snapshots.current(tiny_data)
    (path / "targets.parquet").unlink()
    with pytest.raises(snapshots.SnapshotError, match="thiếu bảng «targets»"):
        snapshots.verify(path)
    (path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(snapshots.SnapshotError, match="manifest.json bị hỏng"):
        snapshots.verify(path)


@pytest.mark.parametrize("bad", ["../etc", "..", ".tmp-x", "a/b", ""])
def test_snapshot_ids_cannot_escape_the_folder(tiny_data, bad):
    with pytest.raises(snapshots.SnapshotError):
        snapshots.snapshot_dir(tiny_data, bad)


def test_no_current_is_a_clear_message(tmp_path):
    with pytest.raises(snapshots.SnapshotError, match="Chưa có bản dữ liệu"):
        snapshots.current(snapshots.DataDir(tmp_path))


def test_bad_source_cell_names_file_row_and_column(tmp_path):
    data = copy_sources(tmp_path)
    path = data.source / "targets.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[3] = "tám mươi"  # value column
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError) as err:
        build.build(data)
    assert "targets.csv, dòng 2, cột «value»: «tám mươi» không phải số" in str(err.value)
    assert snapshots.current_id(data) is None


def test_cli_build_and_status(tmp_path):
    data = copy_sources(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "vlboard", "--data", str(data.root), "build"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "Bản dữ liệu mới" in out.stdout
    status = subprocess.run(
        [sys.executable, "-m", "vlboard", "--data", str(data.root), "status"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert snapshots.current_id(data) in status.stdout


def test_nfd_source_text_is_stored_as_nfc(tmp_path):
    import unicodedata

    data = copy_sources(tmp_path)
    path = data.source / "plans.csv"
    path.write_text(unicodedata.normalize("NFD", path.read_text(encoding="utf-8")), encoding="utf-8")
    build.build(data)
    _, snap, _ = snapshots.current(data)
    import pyarrow.parquet as pq

    titles = pq.read_table(snap / "plans.parquet").column("title").to_pylist()
    assert all(unicodedata.is_normalized("NFC", t) for t in titles)
    assert "Đề án chuyển đổi số tỉnh Vĩnh Long năm 2025 và định hướng đến năm 2030" in titles


def test_missing_column_is_named(tmp_path):
    data = copy_sources(tmp_path)
    path = data.source / "units.csv"
    text = path.read_text(encoding="utf-8").replace("unit_code,", "ma_don_vi,", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError) as err:
        build.build(data)
    assert "units.csv, dòng 1, cột «unit_code»: thiếu cột" in str(err.value)


def test_a_quote_that_is_not_in_the_document_is_refused(tmp_path):
    data = copy_sources(tmp_path)
    path = data.source / "milestones.csv"
    text = path.read_text(encoding="utf-8")
    first_quote = text.splitlines()[1].rsplit(",", 1)[1]
    path.write_text(text.replace(first_quote, '"một câu không có trong văn bản"', 1), encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError) as err:
        build.build(data)
    assert "milestones.csv, dòng 2, cột «quote»: trích dẫn không khớp nguyên văn văn bản" in str(err.value)


def test_garbled_current_file_is_a_snapshot_error(tiny_data):
    tiny_data.current_file.write_bytes(b"\xff\xfe\x00garbage\x00")
    with pytest.raises(snapshots.SnapshotError, match="CURRENT bị hỏng"):
        snapshots.current(tiny_data)
    tiny_data.current_file.write_bytes(b"\x00" * 30)
    with pytest.raises(snapshots.SnapshotError, match="không hợp lệ"):
        snapshots.current(tiny_data)
