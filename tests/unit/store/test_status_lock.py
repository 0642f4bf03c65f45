"""One process at a time prepares a period's status rows (vlboard.store.status_lock): another
process that opens the same version waits for it, then reads what it kept, computing nothing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.unit.store.test_delta import delta_folder
from tests.unit.store.test_status_kept import KEY, computed, live, rows
from vlboard.store import db, status_kept, status_lock

ROOT = Path(__file__).resolve().parents[3]


def _holder(path: Path, ready: Path, seconds: float, prepare: bool) -> subprocess.Popen:
    """Another process: takes the period's lock, says so, holds it ``seconds``, then (``prepare``)
    prepares the period and keeps its rows before letting go."""
    script = textwrap.dedent(f"""
        import datetime as dt, time
        from pathlib import Path
        from vlboard.store import db, status_kept
        path, key = Path({str(path)!r}), {KEY!r}
        con = db.open_snapshot(path)
        with status_kept.computing(path, key):
            Path({str(ready)!r}).touch()
            time.sleep({seconds})
            if {prepare}:
                db.prepare_status(con, key[0], dt.date.fromisoformat(key[1]), key[2], key[3])
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the other process did not start"
        time.sleep(0.05)
    return proc


def test_a_reader_waits_for_the_process_preparing_the_period_then_reads_its_rows(tmp_path, spy):
    data = delta_folder(tmp_path / "d")
    path = live(data)
    proc = _holder(path, tmp_path / "ready", 1.5, prepare=True)
    t0 = time.monotonic()
    got = rows(db.open_snapshot(path))
    waited = time.monotonic() - t0
    assert proc.wait(timeout=60) == 0
    assert spy == [] and waited >= 1.0  # nothing computed here: it waited, then read what was kept
    assert got == computed(path)


def test_a_lock_held_too_long_is_gone_past(tmp_path):
    data = delta_folder(tmp_path / "d")
    path = live(data)
    proc = _holder(path, tmp_path / "ready", 30, prepare=False)
    try:
        t0 = time.monotonic()
        with status_lock.computing(path.parent.parent / status_kept.FOLDER, status_kept._name(KEY), 0.3) as held:
            assert held is False and 0.3 <= time.monotonic() - t0 < 5
    finally:
        proc.kill()
        proc.wait()
    with status_kept.computing(path, KEY) as held:  # the kernel let go with the process
        assert held is True
        with status_kept.computing(path, KEY) as again:  # taken again by the same process: no wait
            assert again is True


def test_a_folder_where_no_lock_can_be_made_goes_on_without(tmp_path):
    blocker = tmp_path / "status"
    blocker.write_text("not a folder", encoding="utf-8")
    with status_lock.computing(blocker, "2025_2025-09-30_demo_all", 0.1) as held:
        assert held is False
