"""A writer prepares its new version's status rows ahead of the readers (vlboard.store.status_ahead):
the periods readers asked of the version it replaced are kept for the new one, row for row what the
full computation gives, so that the next reader computes nothing; a newer version stops it."""

from __future__ import annotations

import datetime as dt

from tests.support.intake import WARD1, filled, run
from tests.unit.store.test_delta import delta_folder
from tests.unit.store.test_status_kept import KEY, computed, live, rows
from vlboard.intake import imports
from vlboard.store import db, snapshots, status_ahead, status_kept, summary

EARLIER = (2025, "2025-06-30", True, False)


def _import(data, value) -> str:
    return imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": value}}), WARD1))


def test_the_writer_prepares_what_readers_read_of_the_version_it_replaced(tmp_path, spy):
    data = delta_folder(tmp_path / "d")
    con = db.open_snapshot(live(data))
    rows(con, EARLIER)
    rows(con, KEY)  # a reader asked for two periods of the live version
    sid = _import(data, 66.5)
    spy.clear()
    done = status_ahead.prepare(data, sid)
    assert done.prepared == [(2025, dt.date(2025, 9, 30), True, False), (2025, dt.date(2025, 6, 30), True, False)]
    assert not done.stopped and done.seconds > 0
    assert spy == [["touched"]]  # carried from the parent's, not computed whole; EARLIER linked (before Q3)
    path = live(data)
    for key in (KEY, EARLIER):
        assert status_kept._sums(status_kept.folder(path, key), key) is not None
    assert (tmp_path / "d" / status_kept.FOLDER / sid / "summary.parquet").is_file()
    spy.clear()
    reader = db.open_snapshot(path)
    got = rows(reader, KEY)
    assert summary.prepare(reader) == "kept"
    assert spy == []  # the next reader computes nothing
    assert got == computed(path)
    assert 66.5 in {r[16] for r in got if r[11] == "w1"}
    assert rows(reader, EARLIER) == computed(path, EARLIER)


def test_nothing_read_of_the_parent_nothing_prepared(tmp_path, spy):
    data = delta_folder(tmp_path / "d")
    sid = _import(data, 66.5)
    done = status_ahead.prepare(data, sid)
    assert done.prepared == [] and not done.stopped and spy == []
    assert not (tmp_path / "d" / status_kept.FOLDER / sid).exists()


def test_a_newer_version_stops_the_older_ones_preparation(tmp_path, spy):
    data = delta_folder(tmp_path / "d")
    rows(db.open_snapshot(live(data)), KEY)
    older = _import(data, 66.5)
    newer = _import(data, 67.5)
    done = status_ahead.prepare(data, older)
    assert done.prepared == [] and done.stopped
    assert not status_kept.folder(snapshots.snapshot_dir(data, older), KEY).exists()
    assert status_ahead.prepare(data, newer).prepared == []  # its parent (older) had nothing kept


def test_the_budget_stops_before_the_next_period(tmp_path, spy):
    data = delta_folder(tmp_path / "d")
    con = db.open_snapshot(live(data))
    rows(con, EARLIER)
    rows(con, KEY)
    sid = _import(data, 66.5)
    done = status_ahead.prepare(data, sid, budget_s=0.0)  # the first period is begun, not the second
    assert done.prepared == [(2025, dt.date(2025, 9, 30), True, False)] and done.stopped


def test_the_kept_folders_names_read_back_as_keys():
    for key in ((2025, "2025-09-30", True, False), (2026, "2026-03-31", False, True)):
        name = status_kept._name(key)
        got = status_ahead.key_of(name)
        assert got == (key[0], dt.date.fromisoformat(key[1]), key[2], key[3])
    for bad in (
        "summary",
        "2025_2025-13-01_demo_all",
        "2025_2025-09-30_demo",
        "x_2025-09-30_demo_all",
        "2025_2025-09-30_demo_some",
        "02025_2025-09-30_demo_all",
    ):
        assert status_ahead.key_of(bad) is None


def test_the_versions_are_compared_once_for_every_period(tmp_path, spy, monkeypatch):
    from vlboard.store import touched

    approved = (*KEY[:3], True)  # two periods the import reaches
    data = delta_folder(tmp_path / "d")
    con = db.open_snapshot(live(data))
    rows(con, approved)
    rows(con, KEY)
    sid = _import(data, 66.5)
    spy.clear()
    compared = []
    real = touched._compare
    monkeypatch.setattr(touched, "_compare", lambda con, plan: compared.append(plan) or real(con, plan))
    assert len(status_ahead.prepare(data, sid).prepared) == 2
    assert len(compared) == 1 and spy == [["touched"], ["touched"]]
    path = live(data)
    assert rows(db.open_snapshot(path), approved) == computed(path, approved)
