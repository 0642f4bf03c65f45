"""A broken or partly written live snapshot (missing table, truncated parquet, wrong column types,
checksum mismatch) is reported in Vietnamese and the pages keep serving the last good snapshot."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from tests.support.fixtures import ROOT, tiny_tables
from vlboard import ui
from vlboard.domain.formatting import md_escape
from vlboard.store import snapshots

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")


def _missing_table(path):
    (path / "targets.parquet").unlink()


def _truncated(path):
    f = path / "results.parquet"
    f.write_bytes(f.read_bytes()[:200])


def _wrong_types(path):
    f = path / "units.parquet"
    table = pq.read_table(f)
    pq.write_table(table.set_column(0, "unit_code", pa.array(range(table.num_rows), pa.int64())), f)
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["units"]["sha256"] = snapshots._sha256(f)  # a consistent but wrong-typed table
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _checksum(path):
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["plans"]["sha256"] = "0" * 64
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


DAMAGE = {
    "missing table": (_missing_table, "thiếu bảng «targets»"),
    "truncated parquet": (_truncated, "bảng «results» bị hỏng"),
    "wrong column types": (_wrong_types, "bảng «units» sai cấu trúc cột"),
    "checksum mismatch": (_checksum, "bảng «plans» bị hỏng (sai mã kiểm tra)"),
}


@pytest.fixture
def two(tmp_path, monkeypatch):
    data = snapshots.DataDir(tmp_path / "data")
    data.root.mkdir()
    good = snapshots.write_snapshot(data, tiny_tables(), author="t", note="good")
    newer = snapshots.write_snapshot(data, tiny_tables(), author="t", note="newer")
    monkeypatch.setenv("VLBOARD_DATA", str(data.root))
    monkeypatch.setattr(ui.data, "_LAST_GOOD", {})
    return data, good, newer


def page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    return at


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_fresh_server_serves_the_newest_good_snapshot(two, kind):
    data, good, newer = two
    damage, message = DAMAGE[kind]
    damage(data.snapshots / newer)
    at = page()
    assert not at.exception, at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "Bản dữ liệu hiện hành không dùng được" in warning and md_escape(message) in warning
    assert good in warning
    assert at.title and at.get("plotly_chart"), "the overview still shows the good data"


def test_a_running_server_keeps_what_it_last_read(two):
    data, good, newer = two
    at = page()
    assert not at.warning and newer in " ".join(c.value for c in at.caption)
    _truncated(data.snapshots / newer)
    ui.data._open.clear()  # as after a restart of the cache: the damage is seen on the next read
    at.run()
    assert not at.exception
    assert newer in " ".join(w.value for w in at.warning)  # the copy in memory stays in use


def test_no_readable_snapshot_at_all_is_an_error_not_a_trace(two):
    data, good, newer = two
    for sid in (good, newer):
        _missing_table(data.snapshots / sid)
    at = page()
    assert not at.exception
    assert "Không đọc được dữ liệu" in " ".join(e.value for e in at.error)
