"""Kept periods read from their files, not copied into memory (vlboard.store.status_files): the rows a
query sees are the same, the tables are left empty, a pruned snapshot folder takes nothing from
under a query, and when links cannot be made the rows stay in memory."""

from __future__ import annotations

import gc
import os
import shutil

from tests.unit.store.test_delta import delta_folder
from tests.unit.store.test_status_kept import KEY, computed, live, rows
from vlboard.store import db, status_files, status_kept

MEMORY = "select count(*) from status_rows_store"


def test_a_kept_period_is_read_from_its_files_and_leaves_memory(tmp_path):
    data = delta_folder(tmp_path / "d")
    path = live(data)
    con = db.open_snapshot(path)
    first = rows(con)  # computed, kept, then served from the files
    assert status_files.served(con) == {KEY: status_files.served(con)[KEY]}
    assert con.execute(MEMORY).fetchone() == (0,), "the tables no longer hold the period"
    other = db.open_snapshot(path)
    assert rows(other) == first == computed(path)  # read back: served from the files at once
    assert KEY in status_files.served(other) and other.execute(MEMORY).fetchone() == (0,)
    second = (2026, "2026-03-31", True, False)
    rows(con, second)
    assert set(status_files.served(con)) == {KEY, second} and con.execute(MEMORY).fetchone() == (0,)
    assert rows(con) == first


def test_a_pruned_folder_takes_nothing_from_a_query(tmp_path):
    data = delta_folder(tmp_path / "d")
    path = live(data)
    con = db.open_snapshot(path)
    first = rows(con)
    shutil.rmtree(status_kept.folder(path, KEY))  # as another process's prune would
    assert rows(con) == first  # nothing computed again: read through this connection's links
    assert con.execute(MEMORY).fetchone() == (0,)


def test_without_links_the_rows_stay_in_memory(tmp_path, monkeypatch):
    data = delta_folder(tmp_path / "d")
    path = live(data)
    rows(db.open_snapshot(path))  # kept by a first process

    def no_link(src, dst):
        raise OSError("cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    con = db.open_snapshot(path)
    assert rows(con) == computed(path)
    assert status_files.served(con) == {} and status_files.held(con) == {KEY}
    assert con.execute(MEMORY).fetchone()[0] > 0
    second = (2026, "2026-03-31", True, False)  # computed while the first is in memory: stays there too
    rows(con, second)
    assert status_files.held(con) == {KEY, second}
    assert rows(con, second) == computed(path, second)


def test_a_connections_links_go_with_it(tmp_path):
    data = delta_folder(tmp_path / "d")
    con = db.open_snapshot(live(data))
    rows(con)
    folder = status_files.served(con)[KEY].parent
    assert folder.is_dir() and any(folder.iterdir())
    con.close()
    del con
    gc.collect()
    assert not folder.exists()
