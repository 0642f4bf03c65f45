"""Moving readers to a new version (ui.data.open_current): warm before the switch, one switch at a
time, the dwell, and a session that wrote reading its own write at once."""

from __future__ import annotations

import threading

import pytest
import streamlit as st

from tests.support.fixtures import tiny_tables
from vlboard import ui
from vlboard.store import snapshots

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    data = snapshots.DataDir(tmp_path / "data")
    data.root.mkdir()
    first = snapshots.write_snapshot(data, tiny_tables(), author="t", note="first")
    monkeypatch.setenv("VLBOARD_DATA", str(data.root))
    monkeypatch.delenv("VLBOARD_READ_DWELL", raising=False)
    st.session_state.pop(ui.data.FOLLOW_KEY, None)
    yield data, first
    st.session_state.pop(ui.data.FOLLOW_KEY, None)


def _new_version(data) -> str:
    return snapshots.write_snapshot(data, tiny_tables(), author="t", note="newer")


def test_without_dwell_readers_move_to_the_new_version_on_their_next_read(folder):
    data, first = folder
    assert ui.data.open_current().snapshot_id == first
    newer = _new_version(data)
    assert ui.data.open_current().snapshot_id == newer


def test_a_reader_keeps_the_served_version_while_another_warms_the_new_one(folder):
    data, first = folder
    assert ui.data.open_current().snapshot_id == first
    newer = _new_version(data)
    lock = ui.data._SWITCH[str(data.root)]
    lock.acquire()  # another session is making the switch
    try:
        got: list[str] = []
        reader = threading.Thread(target=lambda: got.append(ui.data.open_current().snapshot_id))
        reader.start()
        reader.join(timeout=10)
        assert not reader.is_alive(), "a reader waited for another's switch"
        assert got == [first]
    finally:
        lock.release()
    assert ui.data.open_current().snapshot_id == newer


def test_the_dwell_keeps_the_served_version_but_a_session_that_wrote_reads_the_newest(folder, monkeypatch):
    data, first = folder
    monkeypatch.setenv("VLBOARD_READ_DWELL", "3600")
    assert ui.data.open_current().snapshot_id == first
    newer = _new_version(data)
    assert ui.data.open_current().snapshot_id == first
    ui.data.follow_writes()
    assert ui.data.open_current().snapshot_id == newer
    st.session_state.pop(ui.data.FOLLOW_KEY)
    assert ui.data.open_current().snapshot_id == newer, "once switched, every reader gets the newest"


def test_the_switch_computes_what_readers_read_lately(folder, monkeypatch):
    data, first = folder
    ref = ui.data.open_current()
    period = ui.data.screens.filter_options(ref, True).default_period
    assert period is not None
    ui.data.full_scorecard(ref, period, True)
    ui.data.full_outlook(ref, period, True)
    calls: list[tuple[str, str]] = []
    real_card, real_outlook = ui.data.screens.full_card, ui.data.screens.outlook
    monkeypatch.setattr(
        ui.data.screens, "full_card", lambda r, *a: calls.append(("card", r.snapshot_id)) or real_card(r, *a)
    )
    monkeypatch.setattr(
        ui.data.screens, "outlook", lambda r, *a: calls.append(("outlook", r.snapshot_id)) or real_outlook(r, *a)
    )
    newer = _new_version(data)
    new_ref = ui.data.open_current()
    assert new_ref.snapshot_id == newer
    assert ("card", newer) in calls and ("outlook", newer) in calls, calls
    warmed = len(calls)
    ui.data.full_scorecard(new_ref, period, True)
    ui.data.full_outlook(new_ref, period, True)
    assert len(calls) == warmed, "the reader after the switch found both in the cache"


def test_a_damaged_new_version_is_not_served(folder):
    data, first = folder
    assert ui.data.open_current().snapshot_id == first
    newer = _new_version(data)
    (data.snapshots / newer / "targets.parquet").unlink()
    with pytest.raises(snapshots.SnapshotError):
        ui.data.open_current()
    reading = ui.data.read()
    assert reading.ref is not None and reading.ref.snapshot_id == first and reading.problem


@pytest.mark.parametrize(
    ("value", "seconds"), [(None, 0.0), ("15", 15.0), ("-3", 0.0), ("abc", 0.0), ("inf", 0.0), ("nan", 0.0)]
)
def test_dwell_setting(monkeypatch, value, seconds):
    if value is None:
        monkeypatch.delenv("VLBOARD_READ_DWELL", raising=False)
    else:
        monkeypatch.setenv("VLBOARD_READ_DWELL", value)
    assert ui.data.dwell() == seconds
