"""One process at a time prepares a period's status rows; the others wait, then read what it kept.

A new version is opened at once by several processes: the writer that prepares it
(vlboard.store.status_ahead), each app server's first reader, a second command. Each used to
compute (or carry) the same period's rows in parallel, on the same cores, and keep the same folder
(the first renamed into place stays). ``computing`` holds an advisory lock (``fcntl.flock``) on
``data/.status/.locks/<period>.lock`` around a process's restore-or-compute of that period
(``db.prepare_status``): a process that finds it held waits, then finds the rows kept. The lock is
per period, not per version (a bounded set of files, never removed; a wait for another version's
period is as short as that version's carry). The kernel releases it when its process dies. A wait
longer than ``WAIT_SECONDS``, or a folder where the lock cannot be made (read-only), goes on without
it: the rows are computed here, as before. A process holding the lock may take it again (nested).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER = ".locks"
WAIT_SECONDS = 120.0  # a whole period computed at 100 M results takes 10-15 s
POLL_SECONDS = 0.05

_HELD: dict[str, int] = {}  # lock files this process holds → how many times taken
_HELD_LOCK = threading.Lock()


@contextlib.contextmanager
def computing(status_root: Path, name: str, wait_s: float | None = None) -> Iterator[bool]:
    """Hold the lock of period ``name`` under ``status_root`` (data/.status) while the body runs;
    yields whether it is held (False: went on without it)."""
    path = status_root / FOLDER / f"{name}.lock"
    key = str(path)
    with _HELD_LOCK:
        if _HELD.get(key):
            _HELD[key] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield True
        finally:
            with _HELD_LOCK:
                _HELD[key] -= 1
        return
    fd = _acquire(path, WAIT_SECONDS if wait_s is None else wait_s)
    if fd is None:
        yield False
        return
    with _HELD_LOCK:
        _HELD[key] = 1
    try:
        yield True
    finally:
        with _HELD_LOCK:
            _HELD.pop(key, None)
        os.close(fd)  # releases the lock


def _acquire(path: Path, wait_s: float) -> int | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        log.info("status lock %s not made: %s", path, exc)
        return None
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                log.warning("status lock %s still held after %.0f s: computed here", path, wait_s)
                os.close(fd)
                return None
            time.sleep(POLL_SECONDS)
        except OSError as exc:  # a file system without locks
            log.info("status lock %s not taken: %s", path, exc)
            os.close(fd)
            return None
