"""Results of whole-snapshot queries kept for every process (vlboard.store.kept_results): the frame
read back is the frame a direct run gives, types included; a damaged file is computed again."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from vlboard.store import db, kept_results, queries, snapshots

KEPT = ("latest_period", "periods_available", "indicator_counts", "data_date")


@pytest.fixture
def shipped_copy(shipped_data, tmp_path) -> snapshots.DataDir:
    """The shipped folder, copied without what other tests kept in it."""
    shutil.copytree(shipped_data.root, tmp_path / "d", ignore=shutil.ignore_patterns(".status"))
    return snapshots.DataDir(tmp_path / "d")


def direct(con, name, **params) -> pd.DataFrame:
    q = queries.load(name)
    return con.cursor().execute(q.text, params or None).df()[list(q.columns)]


def files(data) -> list:
    return sorted((data.root / ".status").rglob("queries/*.parquet"))


def test_the_whole_snapshot_queries_are_marked():
    assert {n for n in queries.names() if queries.load(n).kept} == set(KEPT)


@pytest.mark.parametrize("name", KEPT)
@pytest.mark.parametrize("demo", [True, False])
def test_a_kept_result_reads_back_as_a_direct_run(shipped_copy, name, demo):
    _, path, _ = snapshots.current(shipped_copy)
    params = {"include_demo": demo} if queries.load(name).params else {}
    want = direct(db.open_snapshot(path), name, **params)
    first = queries.run(db.open_snapshot(path), name, **params)  # runs and keeps
    again = queries.run(db.open_snapshot(path), name, **params)  # another connection: reads
    assert files(shipped_copy)
    for got in (first, again):
        assert list(got.dtypes) == list(want.dtypes)
        pd.testing.assert_frame_equal(got, want)


def test_parameters_and_snapshots_have_their_own_files_and_damage_is_computed_again(shipped_copy, monkeypatch):
    _, path, _ = snapshots.current(shipped_copy)
    con = db.open_snapshot(path)
    queries.run(con, "latest_period", include_demo=True)
    queries.run(con, "latest_period", include_demo=False)
    assert len(files(shipped_copy)) == 2
    target = files(shipped_copy)[0]
    blob = bytearray(target.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    target.write_bytes(bytes(blob))
    runs = []
    keep = kept_results._keep
    monkeypatch.setattr(kept_results, "_keep", lambda *a: runs.append(a[1].name) or keep(*a))
    for demo in (True, False):
        assert queries.run(db.open_snapshot(path), "latest_period", include_demo=demo).equals(
            direct(con, "latest_period", include_demo=demo)
        )
    assert runs == [target.name]  # only the damaged one ran again
    db.forget_status(con, kept=False)  # a connection told not to use kept rows runs the query
    monkeypatch.setattr(kept_results, "run", lambda *a: pytest.fail("kept result used"))
    assert not queries.run(con, "latest_period", include_demo=True).empty
