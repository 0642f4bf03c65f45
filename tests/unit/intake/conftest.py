"""The intake tests run on both data-folder formats: 4 (every snapshot a full copy) and 5 (the growing
tables in Delta Lake, vlboard.store.tables): ``tiny_data`` and ``data`` are made in each."""

from __future__ import annotations

import pytest

from tests.support.fixtures import data_dir_with, tiny_tables
from tests.support.intake import intake_tables
from vlboard.store import snapshots, tables


def _folder(root, made, note: str, fmt: int) -> snapshots.DataDir:
    if fmt == snapshots.FORMAT_DELTA:
        tables.root(snapshots.DataDir(root)).mkdir(parents=True)
        return data_dir_with_existing(root, made, note)
    return data_dir_with(root, made, note)


def data_dir_with_existing(root, made, note: str) -> snapshots.DataDir:
    data = snapshots.DataDir(root)
    snapshots.write_snapshot(data, made, author="tests", note=note)
    assert snapshots.current(data)[2]["format"] == snapshots.FORMAT_DELTA
    return data


@pytest.fixture(params=[snapshots.FORMAT_VERSION, snapshots.FORMAT_DELTA], ids=["format4", "format5"])
def tiny_data(tmp_path, request) -> snapshots.DataDir:
    return _folder(tmp_path / "data", tiny_tables(), "tiny", request.param)


@pytest.fixture(params=[snapshots.FORMAT_VERSION, snapshots.FORMAT_DELTA], ids=["format4", "format5"])
def data(tmp_path, request) -> snapshots.DataDir:
    return _folder(tmp_path / "data", intake_tables(), "intake", request.param)
