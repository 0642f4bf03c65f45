"""Immutable snapshots: data/snapshots/<id>/<table>.parquet + manifest.json, and data/CURRENT.

A write puts everything into a hidden temporary folder, renames it into place (atomic on one
file system) and only then switches CURRENT with ``os.replace``. A writer that dies at any moment
leaves CURRENT pointing at the previous, complete snapshot. Readers verify checksums and report a
damaged snapshot in Vietnamese instead of failing deep inside DuckDB. One writer at a time
(``write_lock``).

Every change of CURRENT is one transaction of data/history.jsonl (``vlboard.store.changelog``). A
write that fails on the disk (full, read-only, no permission) raises ``WriteFault`` with a
Vietnamese message, removes its temporary files at once and leaves the live data as it was.
The data folder's layout and errors: ``vlboard.store.datadir``; building from data/source:
``vlboard.store.build``. Callers reach the names of datadir and changelog as ``snapshots.<name>``.

Format 5 (a folder with data/tables/): the growing tables are Delta Lake tables and the manifest
records their version and the sha256 of each data file (vlboard.store.tables); ``write_change``
publishes a snapshot that changes only them (an import, vlboard.store.increments), with the same
protocol. ``read_table`` reads any format.

Over 300 lines: write, verify, switch and lock are one protocol over one folder layout (datadir.py,
changelog.py and tables.py hold the rest).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from vlboard import settings
from vlboard.store import db, schema, series, verified
from vlboard.store import tables as tables_mod
from vlboard.store.changelog import abort, begin, events, finish, reconcile, record_event
from vlboard.store.datadir import (
    LOCK,
    MANIFEST,
    DataDir,
    SnapshotError,
    WriteFault,
    current_id,
    default_data_dir,
    drill,
    fault_message,
    read_manifest,
    snapshot_dir,
)

# the public names of the other store modules that callers reach as ``snapshots.<name>``
__all__ = [
    "DataDir",
    "SnapshotError",
    "WriteFault",
    "MANIFEST",
    "current_id",
    "default_data_dir",
    "drill",
    "fault_message",
    "read_manifest",
    "snapshot_dir",
    "abort",
    "begin",
    "events",
    "finish",
    "record_event",
    "FORMAT_VERSION",
    "READABLE_FORMATS",
    "verify",
    "read_table",
    "read_tables",
    "data_files",
    "current",
    "list_snapshots",
    "last_good",
    "content_hash",
    "switch_current",
    "write_snapshot",
    "write_change",
    "FORMAT_DELTA",
    "clean_temp",
    "write_lock",
]

# 2: results.note/evidence_url and the imports audit table; 3: results.year_status; 4: year_status
# judged against the path between targets for years without one (sql/macros/12_path.sql), and
# quote_anchor (indicators, results_documents), precedence (results_documents, results) and
# reporting_rules.basis (a duty set by a document or assumed by the dashboard)
# 5: the growing tables (results, imports) are Delta Lake tables under data/tables/ and the manifest
# records their versions (vlboard.store.tables); the catalogue tables as in format 4. A folder is on
# format 5 once data/tables/ exists (build on an empty folder, or «python -m vlboard migrate»);
# until then writes keep making format 4.
FORMAT_VERSION = 4
FORMAT_DELTA = 5
READABLE_FORMATS = (2, 3, 4, 5)  # formats 2-3: year_status computed on the fly and the format-4
# columns read as NULL (vlboard.store.db)


_sha256 = verified.sha256  # one file checksum for the whole store


def verify(path: Path, *, hashes: bool = True, trust: bool = False) -> dict:
    """Check a snapshot folder: manifest, every table present, checksums, parquet readable, schema.
    ``hashes=False`` leaves out the sha256 of the Delta data files (the bulk of the time at tens of
    millions of results): a writer checks them beside its work (:func:`write_change`). ``trust``
    (the page process switching to a new version) hashes only the Delta data files the writers'
    record of verified files does not vouch for (vlboard.store.verified): after an import, the
    files it wrote, not the 2.3 GB of a 100 M folder. ``python -m vlboard health`` hashes all.

    Returns the manifest; raises SnapshotError naming the first broken table.
    """
    manifest = read_manifest(path)
    if manifest.get("format") not in READABLE_FORMATS:
        raise SnapshotError(
            f"Bản dữ liệu {path.name}: định dạng {manifest.get('format')} quá cũ, cần dựng lại "
            "(«python -m vlboard build»)"
        )
    for table in schema.TABLES:
        info = manifest.get("tables", {}).get(table)
        if info is not None and "delta_version" in info:
            try:
                tables_mod.check(
                    tables_mod.data_of(path),
                    table,
                    int(info["delta_version"]),
                    info.get("rows"),
                    info.get("files"),
                    hashes=hashes,
                    trust=trust,
                )
            except SnapshotError as exc:
                raise SnapshotError(f"Bản dữ liệu {path.name}: {exc}") from exc
            continue
        file = path / f"{table}.parquet"
        if info is None and table in schema.OPTIONAL_TABLES and not file.exists():
            continue  # written before the table existed: read as empty
        if info is None or not file.is_file():
            raise SnapshotError(f"Bản dữ liệu {path.name}: thiếu bảng «{table}»")
        if _sha256(file) != info["sha256"]:
            raise SnapshotError(f"Bản dữ liệu {path.name}: bảng «{table}» bị hỏng (sai mã kiểm tra)")
        try:
            got = pq.read_schema(file)
        except (pa.ArrowInvalid, OSError) as exc:
            raise SnapshotError(f"Bản dữ liệu {path.name}: không đọc được bảng «{table}» ({exc})") from exc
        want = schema.arrow_schema(table, derived=manifest["format"] >= 3, format=manifest["format"])
        if [(f.name, f.type) for f in got] != [(f.name, f.type) for f in want]:
            raise SnapshotError(f"Bản dữ liệu {path.name}: bảng «{table}» sai cấu trúc cột")
    if "series" in manifest:
        _verify_series(path, manifest["series"])
    return manifest


def _verify_series(path: Path, info) -> None:
    file = path / series.FILE
    if not isinstance(info, dict) or not file.is_file():
        raise SnapshotError(f"Bản dữ liệu {path.name}: thiếu tệp chuỗi số liệu «{series.FILE}»")
    if _sha256(file) != info.get("sha256"):
        raise SnapshotError(f"Bản dữ liệu {path.name}: tệp chuỗi số liệu «{series.FILE}» bị hỏng (sai mã kiểm tra)")
    try:
        got = pq.read_schema(file)
    except (pa.ArrowInvalid, OSError) as exc:
        raise SnapshotError(f"Bản dữ liệu {path.name}: không đọc được tệp «{series.FILE}» ({exc})") from exc
    if [(f.name, f.type) for f in got] != [(f.name, f.type) for f in series.SCHEMA]:
        raise SnapshotError(f"Bản dữ liệu {path.name}: tệp «{series.FILE}» sai cấu trúc cột")


def read_table(path: Path, table: str, columns: list[str] | None = None, filters=None) -> pa.Table:
    """One table of a snapshot folder, whatever its format (a parquet file, or a Delta version)."""
    info = read_manifest(path).get("tables", {}).get(table, {})
    if "delta_version" in info:
        return tables_mod.read(tables_mod.data_of(path), table, int(info["delta_version"]), columns, filters)
    if not info and table in schema.OPTIONAL_TABLES and not (path / f"{table}.parquet").exists():
        empty = schema.arrow_schema(table).empty_table()  # written before the table existed
        return empty.select(columns) if columns else empty
    return pq.read_table(path / f"{table}.parquet", columns=columns, filters=filters)


def data_files(path: Path, table: str) -> list[Path]:
    """The files holding one table of a snapshot folder: its parquet file, or its Delta version's."""
    info = read_manifest(path).get("tables", {}).get(table, {})
    if "delta_version" in info:
        return tables_mod.data_files(tables_mod.data_of(path), table, int(info["delta_version"]))
    return [path / f"{table}.parquet"]


def read_tables(path: Path) -> dict[str, pa.Table]:
    """Every table of a snapshot folder (small data folders: tests, the benchmark's setup)."""
    return {t: read_table(path, t) for t in schema.TABLES}


def current(data: DataDir, *, hashes: bool = True) -> tuple[str, Path, dict]:
    """(id, folder, manifest) of the live snapshot, verified (``hashes``: see :func:`verify`)."""
    sid = current_id(data)
    if sid is None:
        raise SnapshotError("Chưa có bản dữ liệu nào: chạy «python -m vlboard build»")
    path = snapshot_dir(data, sid)
    if not path.is_dir():
        raise SnapshotError(f"CURRENT trỏ tới bản dữ liệu không tồn tại: {sid}")
    return sid, path, verify(path, hashes=hashes)


def list_snapshots(data: DataDir) -> list[dict]:
    out = []
    if data.snapshots.is_dir():
        for p in sorted(data.snapshots.iterdir()):
            if p.is_dir() and not p.name.startswith("."):
                try:
                    out.append(read_manifest(p))
                except SnapshotError:
                    continue
    return out


def last_good(data: DataDir) -> Path | None:
    """The live snapshot's folder, or when it is damaged the newest snapshot that verifies."""
    candidates = []
    sid = current_id(data)
    if sid:
        candidates.append(sid)
    if data.snapshots.is_dir():
        candidates += sorted(
            (p.name for p in data.snapshots.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True
        )
    for cand in candidates:
        try:
            path = snapshot_dir(data, cand)
            verify(path)
            return path
        except SnapshotError:
            continue
    return None


# ---------------------------------------------------------------------------------- writing


def content_hash(table: pa.Table) -> str:
    """Hash of a table's contents, independent of the parquet writer."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch_current(data: DataDir, snapshot_id: str) -> None:
    """Point CURRENT at ``snapshot_id`` atomically (temp file + fsync + os.replace)."""
    snapshot_dir(data, snapshot_id)  # validates the id
    tmp = data.root / f".CURRENT.{os.getpid()}.tmp"
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(snapshot_id + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        drill("switch")
        os.replace(tmp, data.current_file)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    _fsync_dir(data.root)


def write_snapshot(
    data: DataDir,
    tables: dict[str, pa.Table],
    *,
    author: str,
    note: str,
    extra: dict | None = None,
    event: dict | None = None,
) -> str:
    """Write a new snapshot next to the others and make it CURRENT. Returns its id.

    ``event``: the history line of this change (action, user, …; ``snapshot`` and ``from`` are
    filled in), written as one transaction with the switch (see the module docstring); callers
    hold the write lock. A disk fault raises WriteFault: temporary files removed, CURRENT unchanged.
    On a format-5 folder (``tables.enabled``) the growing tables become a new version of their
    Delta table (the whole table: a build; imports use ``write_change``)."""
    missing = [t for t in schema.TABLES if t not in tables]
    if missing:
        raise SnapshotError(f"Thiếu bảng khi ghi bản dữ liệu: {', '.join(missing)}")
    tables = {t: schema.with_added_columns(t, v) for t, v in tables.items()}  # read from an older format
    tables = {**tables, "results": db.judge_results(tables)}
    hashes = {t: content_hash(tables[t]) for t in schema.TABLES}
    delta = tables_mod.enabled(data)

    def fill(tmp: Path) -> dict:
        out = {}
        fault_after = int(settings.get("VLBOARD_FAULT_AFTER_TABLES") or "-1")  # crash drill for tests
        for n, table in enumerate(schema.TABLES):
            if n == fault_after:
                os._exit(70)
            drill(f"table:{table}")
            if delta and table in tables_mod.GROWING:
                version = tables_mod.overwrite(data, table, tables[table])
                out[table] = {
                    "rows": tables[table].num_rows,
                    "delta_version": version,
                    "content_sha256": hashes[table],
                    "files": tables_mod.checksums(data, table, version),
                }
            else:
                out[table] = _write_table(tmp, table, tables[table], hashes[table])
        series.write(tmp, series.from_arrow(tables, tables["results"]))
        return out

    digest = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:10]
    return _publish(data, digest, fill, FORMAT_DELTA if delta else FORMAT_VERSION, author, note, extra, event)


def _write_table(folder: Path, table: str, data: pa.Table, content_sha256: str | None = None) -> dict:
    file = folder / f"{table}.parquet"
    pq.write_table(data.cast(schema.arrow_schema(table)), file, compression="zstd")
    return {
        "rows": data.num_rows,
        "sha256": _sha256(file),
        "content_sha256": content_sha256 or content_hash(data.cast(schema.arrow_schema(table))),
    }


def write_change(
    data: DataDir,
    change,
    *,
    author: str,
    note: str,
    extra: dict | None = None,
    event: dict | None = None,
) -> str:
    """A new format-5 snapshot that changes only the growing tables: the live snapshot's catalogue
    files are copied (a few hundred kB), ``change(base_manifest)`` commits to the Delta tables (after
    they are aligned to the live snapshot's versions) and returns ``{table: {"rows", "delta_version"}}``
    for each table it changed. Callers hold the write lock. Returns the new id.

    The sha256 of the live version's Delta data files (a quarter of a commit at 10 M results) is
    checked in a thread while ``change`` runs, and before anything is published: a damaged file
    still stops the write, with nothing switched."""
    _, base, manifest = current(data, hashes=False)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="vl-hashes") as pool:
        files = {t: dict(i["files"]) for t, i in manifest["tables"].items() if i.get("files")}
        hashed = pool.submit(_check_hashes, data, base.name, files)
        return _write_change(data, base, manifest, change, hashed, author, note, extra, event)


def _check_hashes(data: DataDir, snapshot_id: str, files: dict[str, dict[str, str]]) -> None:
    for table, recorded in files.items():
        try:
            tables_mod.check_hashes(data, table, recorded)
        except SnapshotError as exc:
            raise SnapshotError(f"Bản dữ liệu {snapshot_id}: {exc}") from exc


def _write_change(data: DataDir, base: Path, manifest: dict, change, hashed, author, note, extra, event) -> str:
    if manifest.get("format") != FORMAT_DELTA:
        raise SnapshotError("Bản dữ liệu hiện hành chưa ở định dạng 5: chạy «python -m vlboard migrate»")
    start: dict[str, dict] = {}  # a growing table the live snapshot predates: a new, empty version
    for table in tables_mod.GROWING:
        if "delta_version" in manifest["tables"].get(table, {}):
            tables_mod.align(data, table, int(manifest["tables"][table]["delta_version"]))
        else:
            empty = schema.arrow_schema(table).empty_table()
            start[table] = {"rows": 0, "delta_version": tables_mod.overwrite(data, table, empty), "files": {}}
            manifest["tables"][table] = start[table]

    def fill(tmp: Path) -> dict:
        out = {}
        for table in schema.TABLES:
            info = manifest["tables"][table]
            if "delta_version" not in info:
                drill(f"table:{table}")
                shutil.copyfile(base / f"{table}.parquet", tmp / f"{table}.parquet")
                out[table] = info
        changed = change(manifest)
        _series(data, base, tmp, manifest, changed)  # beside the check of the live files
        hashed.result()  # the live version's data files are whole, else nothing is published
        for table in tables_mod.GROWING:
            if table not in changed:
                drill(f"table:{table}")  # carried over: its live version is recorded again
        for table, info in changed.items():  # only the files this change added are read
            known = manifest["tables"][table].get("files")
            info["files"] = tables_mod.checksums(data, table, int(info["delta_version"]), known)
        return {**out, **{t: changed.get(t, manifest["tables"][t]) for t in tables_mod.GROWING}}

    digest = hashlib.sha256(os.urandom(16)).hexdigest()[:10]
    return _publish(data, digest, fill, FORMAT_DELTA, author, note, extra, event)


def _series(data: DataDir, base: Path, tmp: Path, manifest: dict, changed: dict) -> None:
    """The new snapshot's series file (vlboard.store.series): the touched periods recomputed when
    the results changed, else the parent's carried over (none when the parent has none)."""
    parent = base / series.FILE if "series" in manifest else None
    before = int(manifest["tables"]["results"]["delta_version"])
    after = int(changed.get("results", {}).get("delta_version", before))
    drill("series")
    if after != before:
        series.write(tmp, series.changed(data, tmp, parent, before, after))
    elif parent is not None:
        series.carry(parent, tmp)


def _series_entry(tmp: Path) -> dict:
    """The manifest's ``series`` entry of a folder being written ({} without the file)."""
    file = tmp / series.FILE
    if not file.exists():
        return {}
    return {"series": {"file": series.FILE, "rows": pq.read_metadata(file).num_rows, "sha256": _sha256(file)}}


def _publish(data: DataDir, digest: str, fill, fmt: int, author, note, extra, event) -> str:
    """The one protocol of every write: files into a hidden folder (``fill(tmp)`` returns the
    manifest's tables), manifest, rename into place, history line, switch CURRENT."""
    parent = current_id(data)
    now = dt.datetime.now(dt.UTC)
    sid = f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}Z-{digest}"
    tmp = data.snapshots / f".tmp-{sid}-{os.getpid()}"
    final = data.snapshots / sid
    txn = None
    try:
        data.snapshots.mkdir(parents=True, exist_ok=True)
        drill("mkdir")
        tmp.mkdir()
        manifest_tables = fill(tmp)
        manifest = {
            "id": sid,
            "format": fmt,
            "created_at": now.isoformat(timespec="seconds"),
            "parent": parent,
            "author": author,
            "note": note,
            "content_sha256": digest,
            "tables": manifest_tables,
            **_series_entry(tmp),
            **(extra or {}),
        }
        with (tmp / MANIFEST).open("w", encoding="utf-8") as fh:
            drill("manifest")
            json.dump(manifest, fh, ensure_ascii=False, indent=2, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        for f in tmp.iterdir():
            with f.open("rb") as fh:
                os.fsync(fh.fileno())
        _fsync_dir(tmp)
        if event is not None:
            txn = begin(data, {**event, "snapshot": sid, "from": parent})
        drill("rename")
        os.rename(tmp, final)
        _fsync_dir(data.snapshots)
        switch_current(data, sid)
    except OSError as exc:
        if not _undo(data, tmp, final, sid, txn):
            raise WriteFault(fault_message(exc, data=data)) from exc
        # the switch happened and only the fsync after it failed: the snapshot is live
    except BaseException:
        _undo(data, tmp, final, sid, txn)
        raise
    drill("switched")
    if txn is not None:
        finish(data, txn)
    return sid


def _undo(data: DataDir, tmp: Path, final: Path, sid: str, txn: str | None) -> bool:
    """After a failed write: remove its folders at once, unless CURRENT already points at it
    (then the write did happen; returns True)."""
    try:
        live = current_id(data)
    except SnapshotError:
        live = None
    if live == sid:
        return True
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(final, ignore_errors=True)
    if txn is not None:
        abort(data, txn)
    return False


def clean_temp(data: DataDir) -> list[str]:
    """Remove leftovers of writes that died (hidden .tmp-* folders, .CURRENT.*.tmp files); never
    touches snapshots. Called under the write lock by every writer."""
    removed = []
    if data.snapshots.is_dir():
        for p in data.snapshots.glob(".tmp-*"):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
    for p in data.root.glob(".CURRENT.*.tmp"):
        with contextlib.suppress(OSError):
            p.unlink()
            removed.append(p.name)
    return removed


@contextlib.contextmanager
def write_lock(data: DataDir, timeout: float = 30.0):
    """One writer at a time (builds, imports, rollbacks), across processes: an exclusive flock on
    data/.write.lock. The kernel releases it when a holder dies, so a killed import never blocks."""
    try:
        data.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(data.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise WriteFault(fault_message(exc, data=data)) from exc
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise SnapshotError(
                        "Đang có một lần ghi dữ liệu khác (nhập số liệu, dựng lại hoặc "
                        "khôi phục); hãy thử lại sau ít phút."
                    ) from None
                time.sleep(0.05)
        reconcile(data)
        clean_temp(data)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
