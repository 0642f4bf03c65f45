"""The record of Delta data files a writer already verified, so a write does not hash every file.

A writer checks the sha256 of every data file of the live version before it publishes (a damaged
file stops the write and the last good version keeps serving: vlboard.store.snapshots.write_change).
At 100 M results that is 2.3 GB on every import. A Delta data file is never rewritten once
committed, so a writer keeps, per table, a record of the files it found whole, each with what the
file system says of it: inode, size, modification and change time (``st_ctime``, set by the kernel
on every write, rename onto, truncate, chmod or ``touch``; no user tool can set it back). A file
whose stat is the recorded one and whose recorded sha256 is the manifest's is trusted without
being read; any other is read and hashed as before. See SCALING.md («Trusting files verified
once») for what this does and does not catch.

- **Racy files.** Timestamps advance in steps of a clock tick (a few ms), so a file changed in the
  same tick as it was looked at could keep its stat. A file is recorded only when its last change
  is at least ``RACY_SECONDS`` older than the moment its stat was taken (as git's index does): the
  files a commit just wrote are hashed again by the next writer, then recorded.
- **Scrubbing.** Every check also hashes the longest-trusted files, ``SCRUB_BYTES`` of them, so a
  damage the file system cannot see (bit rot under it) is still found by writers in time: at 100 M
  results (2.3 GB) every file is read again within about 36 writes. ``python -m vlboard health``,
  backups and restores still hash every file.
- **Readers** (the page process switching to a new version: ``snapshots.verify(trust=True)``) use
  the record too, read-only: they hash only the files no writer vouches for yet (what the last
  import wrote), not the 2.3 GB of a 100 M folder at every switch.
- **The record itself** (``data/.verified/<table>.json``, hidden: not in backups) is written
  atomically (a temporary file, fsync, rename) by writers only, under the write lock. It carries
  its own sha256; one that is missing, unreadable, of another format or damaged is ignored (every
  file is hashed) and written again. A record can only spare reading a file whose stat and
  manifest checksum it names, so a stale one costs time, never a wrong answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path

from vlboard.store.datadir import DataDir, SnapshotError

FOLDER = ".verified"
FORMAT = 1
RACY_SECONDS = 2.0
SCRUB_BYTES = 64 << 20


def sha256(file: Path) -> str:
    h = hashlib.sha256()
    with file.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def record_path(data: DataDir, table: str) -> Path:
    return data.root / FOLDER / f"{table}.json"


def _digest(entries: dict) -> str:
    return hashlib.sha256(json.dumps(entries, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def load(data: DataDir, table: str) -> dict[str, list]:
    """The record's entries (file path → [inode, size, mtime_ns, ctime_ns, sha256, verified_at]),
    or nothing when it is missing, unreadable or does not check out."""
    try:
        raw = json.loads(record_path(data, table).read_bytes())
        entries = raw["entries"]
        if raw.get("format") != FORMAT or not isinstance(entries, dict) or raw.get("sha256") != _digest(entries):
            return {}
        return {
            p: e
            for p, e in entries.items()
            if isinstance(e, list)
            and len(e) == 6
            and all(type(e[i]) is int for i in (0, 1, 2, 3, 5))
            and isinstance(e[4], str)
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def save(data: DataDir, table: str, entries: dict[str, list]) -> None:
    """Write the record atomically. Best effort: a record that cannot be written only costs the
    next writer the hashing."""
    folder = data.root / FOLDER
    tmp = folder / f".{table}.{os.getpid()}.tmp"
    try:
        folder.mkdir(exist_ok=True)
        for old in folder.glob(f".{table}.*.tmp"):  # a writer killed midway (writers hold the lock)
            old.unlink(missing_ok=True)
        body = {"format": FORMAT, "sha256": _digest(entries), "entries": entries}
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(body, fh, separators=(",", ":"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, record_path(data, table))
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def vouches(entry: list | None, st: os.stat_result, digest: str) -> bool:
    """Does a record entry vouch for a file of this stat holding the bytes of sha256 ``digest``?"""
    return entry is not None and entry[:4] == _stamp(st) and entry[4] == digest


def check(data: DataDir, table: str, base: Path, files: dict[str, str], *, now: float | None = None) -> list[str]:
    """Every data file of ``files`` (path under ``base`` → the manifest's sha256) is whole: hashed,
    unless the record trusts it (then only the scrub's share is hashed). Raises SnapshotError naming
    the table and the file. Writes the record again; returns the paths hashed."""
    known = load(data, table)
    entries: dict[str, list] = {}
    trusted: list[tuple[int, int, str]] = []  # (verified_at, size, path) of the files not read
    hashed: list[str] = []

    def verify(name: str) -> os.stat_result:
        f = base / name
        try:
            st = os.stat(f)
            seen = time.time() if now is None else now
            same = sha256(f) == files[name]
        except OSError as exc:
            raise SnapshotError(f"bảng «{table}» thiếu tệp dữ liệu {name}") from exc
        if not same:
            raise SnapshotError(f"bảng «{table}» bị hỏng (tệp {name} sai mã kiểm tra)")
        hashed.append(name)
        changed = max(st.st_mtime_ns, st.st_ctime_ns) / 1e9
        if seen - changed >= RACY_SECONDS:  # else its stat may not show a change in the same tick
            entries[name] = [*_stamp(st), files[name], int(seen)]
        return st

    for name, digest in files.items():
        e = known.get(name)
        try:
            st = os.stat(base / name)
        except OSError as exc:
            raise SnapshotError(f"bảng «{table}» thiếu tệp dữ liệu {name}") from exc
        if e is not None and vouches(e, st, digest):
            entries[name] = e
            trusted.append((e[5], st.st_size, name))
        else:
            verify(name)
    budget = SCRUB_BYTES
    for _, size, name in sorted(trusted):
        if budget <= 0:
            break
        verify(name)
        budget -= size
    if entries != known:
        save(data, table, entries)
    return hashed
