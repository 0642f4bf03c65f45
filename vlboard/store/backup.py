"""Backup and restore of a data folder: one tar.gz archive carrying its own manifest.

**Backup** (``backup``), while the app and imports keep running:

- CURRENT and history.jsonl are read, and the snapshot folders listed, under the store's write lock
  (``snapshots.write_lock``), held for those few reads only, never while archiving. No writer is
  midway then, so the list holds no half-written folder and the history holds every switch up to
  the CURRENT that was read (taking the lock also settles the pending line of a writer that died
  and removes its temporary folder, as before every write). Snapshots are immutable once renamed
  into place, so the listed folders are archived after the lock is released; one written later is
  simply not in this archive.
- Every listed snapshot goes through ``snapshots.verify`` (manifest, tables, checksums, columns);
  one that does not verify is left out and named (``Backup.skipped``); the live one must verify.
  The bytes that go into the archive are hashed on the way and must equal the snapshot manifest's.
- The rest of the data folder (source/, documents/, geo/, and on format 5 the Delta tables of
  tables/) is archived as it is, listed under the lock with the snapshots (so no Delta file of a
  commit midway is listed; Delta data and log files never change once written, and the few that are
  rewritten in place, Delta's ``_last_checkpoint`` and the logs at the top of the folder, are read
  under the lock too); hidden names (the lock, temporary folders and files of writers) are not. A format-5 snapshot verifies against the
  restored tables/ like any other.
- The archive is written to a hidden temporary file next to ``out``, fsynced, then renamed: a
  backup killed midway leaves no file under the final name (the next backup removes the leftover).
  Its last member, ``vlboard-backup.json``, lists every other member with its size and sha256.

**Restore** (``restore``), only into an empty or missing folder (never over data):

1. read the whole archive first: every member must be a regular file with a plain relative name
   (no ``..``, no absolute path, no link, folder or device), listed once in the archive's manifest
   with the same size and sha256, and every table must have its snapshot manifest's checksum;
   anything else is refused, naming the member, before anything is written;
2. extract (each file created exclusively, never through a link, hashed again) and verify every
   snapshot with ``snapshots.verify``;
3. write history.jsonl, then CURRENT last (temporary file + rename): a restore killed midway leaves
   no CURRENT. A failure after step 1 removes what it wrote: the folder is left as it was found.

Over 300 lines: backup and restore are the two sides of one archive format (member names, the
archive's manifest, checksums) and must keep to the same rules.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import glob
import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from vlboard.store import snapshots
from vlboard.store.datadir import HISTORY, MANIFEST, DataDir, SnapshotError, drill, fault_message

ARCHIVE_MANIFEST = "vlboard-backup.json"
KIND = "vlboard-backup"
FORMAT = 1
CURRENT = "CURRENT"
_CHUNK = 1 << 20


class BackupError(SnapshotError):
    """A backup or restore that was refused or failed; the message is Vietnamese and names the
    file or archive member at fault. Nothing was left under the final name or in the target."""


@dataclass(frozen=True)
class Backup:
    path: Path
    current: str
    snapshots: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]  # (snapshot folder, why it was left out)
    files: int
    size: int


@dataclass(frozen=True)
class Restored:
    root: Path
    current: str
    snapshots: tuple[str, ...]
    files: int


class _Hashing:
    """A reader that hashes and counts what passes through it."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh, self.sha, self.count = fh, hashlib.sha256(), 0

    def read(self, size: int = -1, /) -> bytes:
        chunk = self.fh.read(size)
        self.sha.update(chunk)
        self.count += len(chunk)
        return chunk


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------- backup


def backup(data: DataDir, out: Path, *, lock_timeout: float = 120.0) -> Backup:
    """Write a verified archive of ``data`` to ``out`` (see the module docstring)."""
    root = data.root
    if not root.is_dir():
        raise BackupError(f"Không có thư mục dữ liệu {root}; chưa ghi bản sao lưu.")
    if out.resolve().is_relative_to(root.resolve()):
        raise BackupError(f"Không ghi bản sao lưu vào trong thư mục dữ liệu ({out}); hãy chọn nơi khác.")
    with snapshots.write_lock(data, timeout=lock_timeout):
        current = data.current_file.read_bytes() if data.current_file.is_file() else b""
        history = data.history_file.read_bytes() if data.history_file.is_file() else None
        folders = data.snapshots.iterdir() if data.snapshots.is_dir() else iter(())
        listed = sorted(p.name for p in folders if p.is_dir() and not p.name.startswith("."))
        others = _other_files(root)  # data/tables/: the Delta files committed so far, none midway
        # the few files a writer rewrites in place (Delta's _last_checkpoint, logs appended to): their
        # bytes of this moment, read under the lock, so a commit meanwhile cannot change them midway
        settled = {rel: (root / rel).read_bytes() for rel in others if _rewritten(rel)}
    try:
        live = current.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise BackupError(f"Tệp CURRENT bị hỏng ({exc.reason}); chưa ghi bản sao lưu.") from exc
    if not live:
        raise BackupError("Chưa có bản dữ liệu nào để sao lưu («python -m vlboard build»).")
    manifests: dict[str, dict] = {}
    skipped: list[tuple[str, str]] = []
    for sid in listed:
        try:
            manifests[sid] = snapshots.verify(snapshots.snapshot_dir(data, sid))
        except SnapshotError as exc:
            if sid == live:
                raise BackupError(f"Bản dữ liệu hiện hành không kiểm tra được: {exc}. Chưa ghi bản sao lưu.") from exc
            skipped.append((sid, str(exc)))
    if live not in manifests:
        raise BackupError(f"CURRENT trỏ tới bản dữ liệu không tồn tại: {live[:80]}; chưa ghi bản sao lưu.")
    kept = tuple(manifests)
    tmp = out.parent / f".{out.name}.{os.getpid()}.tmp"
    entries: list[dict] = []
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(out)
        with tmp.open("xb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
                for sid in kept:
                    folder = snapshots.snapshot_dir(data, sid)
                    want = {f"{t}.parquet": v["sha256"] for t, v in manifests[sid]["tables"].items() if "sha256" in v}
                    for name in sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
                        entry = _add_file(tar, folder / name, f"snapshots/{sid}/{name}")
                        if name in want and entry["sha256"] != want[name]:
                            raise BackupError(
                                f"Bản dữ liệu {sid}: «{name}» đổi khác mã kiểm tra khi đang sao lưu; "
                                "chưa ghi bản sao lưu."
                            )
                        entries.append(entry)
                    drill("backup")
                entries += [
                    _add_bytes(tar, rel, settled[rel]) if rel in settled else _add_file(tar, root / rel, rel)
                    for rel in others
                ]
                if history is not None:
                    entries.append(_add_bytes(tar, HISTORY, history))
                entries.append(_add_bytes(tar, CURRENT, current))
                manifest = {
                    "kind": KIND,
                    "format": FORMAT,
                    "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "current": live,
                    "snapshots": list(kept),
                    "skipped": [{"snapshot": s, "reason": r} for s, r in skipped],
                    "files": entries,
                }
                _add_bytes(tar, ARCHIVE_MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, out)
        _fsync_dir(out.parent)
    except OSError as exc:
        raise BackupError(fault_message(exc, f"bản sao lưu {out.name}")) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return Backup(out, live, kept, tuple(skipped), len(entries), out.stat().st_size)


def _remove_leftovers(out: Path) -> None:
    """Remove the temporary files of backups to ``out`` whose process is gone (killed midway)."""
    for p in out.parent.glob(f".{glob.escape(out.name)}.*.tmp"):
        pid = p.name[len(out.name) + 2 : -len(".tmp")]
        if pid.isdigit():
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                p.unlink(missing_ok=True)
            except PermissionError:
                pass  # alive, another user's


def _other_files(root: Path) -> list[str]:
    """Every regular, non-hidden file of the data folder but snapshots/, CURRENT and the history."""
    out = []
    for folder, dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (rel == Path() and d == "snapshots"))
        for name in sorted(files):
            path = (rel / name).as_posix()
            if (
                not name.startswith(".")
                and path not in (CURRENT, HISTORY, ARCHIVE_MANIFEST)
                and (root / path).is_file()
            ):
                out.append(path)
    return out


def _rewritten(rel: str) -> bool:
    """Is the file one that a writer rewrites or appends to (all the others never change once
    written): Delta's checkpoint pointer, or a log at the top of the data folder (the reminders' log)?"""
    return rel.endswith("/_delta_log/_last_checkpoint") or ("/" not in rel and rel.endswith(".jsonl"))


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    before = path.stat()
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = before.st_size, int(before.st_mtime), 0o644
    changed = BackupError(f"Tệp {name} đổi khác trong khi sao lưu; hãy chạy lại. Chưa ghi bản sao lưu.")
    with path.open("rb") as fh:
        reader = _Hashing(fh)
        try:
            tar.addfile(info, reader)
        except OSError as exc:
            if exc.errno is None:  # tarfile: "unexpected end of data", the file got shorter
                raise changed from exc
            raise
    after = path.stat()
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        raise changed
    return {"path": name, "size": reader.count, "sha256": reader.sha.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> dict:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(content), int(dt.datetime.now().timestamp()), 0o644
    tar.addfile(info, io.BytesIO(content))
    return {"path": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}


# ---------------------------------------------------------------------------------- restore


def _refuse(archive: Path, why: str) -> BackupError:
    return BackupError(f"Không khôi phục từ {archive.name}: {why}. Chưa ghi gì.")


def _unsafe(member: tarfile.TarInfo) -> str | None:
    """Why an archive member cannot be extracted, or None."""
    name = member.name
    if member.issym() or member.islnk():
        return "là liên kết (symlink/hardlink), không được phép"
    if not member.isreg():
        return "không phải tệp thường (thư mục, thiết bị…), không được phép"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "là đường dẫn tuyệt đối, không được phép"
    if ".." in name.split("/") or ".." in name.split("\\"):
        return "trỏ ra ngoài thư mục khôi phục («..»), không được phép"
    if not name or "\\" in name or any(ord(c) < 32 for c in name) or any(p in ("", ".") for p in name.split("/")):
        return "có tên không hợp lệ"
    return None


def _scan(archive: Path) -> tuple[dict[str, tuple[int, str]], dict[str, bytes]]:
    """Read every member: (name → (size, sha256)) and the small ones kept in memory (the archive
    manifest, CURRENT, the snapshot manifests). Refuses an unsafe or unreadable member by name."""
    seen: dict[str, tuple[int, str]] = {}
    small: dict[str, bytes] = {}
    reading, last = None, None
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                why = _unsafe(member)
                if why is not None:
                    raise _refuse(archive, f"mục «{member.name[:200]}» trong tệp sao lưu {why}")
                if member.name in seen:
                    raise _refuse(archive, f"mục «{member.name}» có hai lần trong tệp sao lưu")
                reading = member.name
                fh = tar.extractfile(member)
                assert fh is not None  # a regular file
                keep = member.name in (ARCHIVE_MANIFEST, CURRENT) or member.name.endswith(f"/{MANIFEST}")
                reader, parts = _Hashing(fh), []
                while chunk := reader.read(_CHUNK):
                    if keep:
                        parts.append(chunk)
                seen[member.name] = (reader.count, reader.sha.hexdigest())
                if keep:
                    small[member.name] = b"".join(parts)
                reading, last = None, member.name
            # tarfile takes a damaged header for the end of the archive: read on to the end of the
            # stream, so that gzip checks its CRC and length there
            assert tar.fileobj is not None
            while tar.fileobj.read(_CHUNK):
                pass
    except FileNotFoundError as exc:
        raise BackupError(f"Không có tệp sao lưu {archive}.") from exc
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        where = f"hỏng ở mục «{reading}»" if reading else f"hỏng sau mục «{last}»" if last else "hỏng ngay từ đầu"
        raise _refuse(
            archive, f"tệp sao lưu bị hỏng hoặc không phải bản sao lưu vlboard ({where}: {_why(exc)})"
        ) from exc
    return seen, small


def _why(exc: BaseException) -> str:
    """What broke in a damaged archive, in Vietnamese (the library's own words are English)."""
    if isinstance(exc, gzip.BadGzipFile):
        return "sai mã kiểm tra CRC hoặc độ dài của gzip"
    if isinstance(exc, EOFError):
        return "tệp bị cắt ngắn"
    if isinstance(exc, zlib.error):
        return "dữ liệu nén bị hỏng"
    if isinstance(exc, tarfile.TarError):
        return "không đọc được như tệp tar hoặc tar.gz" if "opened" in str(exc) else "phần đầu một mục tar bị hỏng"
    code = getattr(exc, "errno", None)
    return f"lỗi đọc tệp (mã lỗi {errno.errorcode.get(code, code)})" if code is not None else "lỗi đọc tệp"


def _check(archive: Path, target: DataDir, seen: dict[str, tuple[int, str]], small: dict[str, bytes]) -> dict:
    """The archive's manifest against what was read; returns the manifest."""
    if ARCHIVE_MANIFEST not in small:
        raise _refuse(archive, f"thiếu danh mục {ARCHIVE_MANIFEST} (không phải bản sao lưu vlboard, hoặc bị cắt dở)")
    try:
        manifest = json.loads(small[ARCHIVE_MANIFEST])
        if manifest.get("kind") != KIND or manifest.get("format") != FORMAT:
            raise _refuse(archive, f"{ARCHIVE_MANIFEST} không phải danh mục bản sao lưu vlboard định dạng {FORMAT}")
        listed = {e["path"]: (int(e["size"]), str(e["sha256"])) for e in manifest["files"]}
        ids = [str(s) for s in manifest["snapshots"]]
        live = str(manifest["current"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _refuse(archive, f"danh mục {ARCHIVE_MANIFEST} bị hỏng (không đọc được hoặc thiếu trường)") from exc
    for name, got in seen.items():
        if name == ARCHIVE_MANIFEST:
            continue
        if name not in listed:
            raise _refuse(archive, f"mục «{name}» không có trong danh mục của bản sao lưu")
        if listed[name] != got:
            raise _refuse(archive, f"mục «{name}» bị hỏng (sai kích thước hoặc mã kiểm tra sha256)")
    for name in listed.keys() - seen.keys():
        raise _refuse(archive, f"thiếu mục «{name}» có trong danh mục")
    if small.get(CURRENT, b"").decode("utf-8", "replace").strip() != live or live not in ids:
        raise _refuse(archive, "tệp CURRENT không khớp danh mục của bản sao lưu")
    for sid in ids:
        try:
            snapshots.snapshot_dir(target, sid)
            tables = json.loads(small[f"snapshots/{sid}/{MANIFEST}"])["tables"]
            bad = [
                t
                for t, v in tables.items()
                if "delta_version" not in v and seen.get(f"snapshots/{sid}/{t}.parquet", (0, ""))[1] != v["sha256"]
            ]
        except SnapshotError as exc:
            raise _refuse(archive, f"danh mục {ARCHIVE_MANIFEST} có {exc}") from exc
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise _refuse(archive, f"bản dữ liệu {sid} trong tệp sao lưu thiếu hoặc hỏng {MANIFEST}") from exc
        if bad:
            raise _refuse(archive, f"mục «snapshots/{sid}/{bad[0]}.parquet» sai mã kiểm tra của bản dữ liệu {sid}")
    return manifest


def restore(archive: Path, target: DataDir) -> Restored:
    """Bring the archive back into ``target``, which must be empty or missing (module docstring)."""
    root = target.root
    if root.exists() or root.is_symlink():
        if not root.is_dir():
            raise BackupError(f"{root} không phải thư mục; chưa ghi gì.")
        found = sorted(p.name for p in root.iterdir())
        if found:
            raise BackupError(
                f"Thư mục đích {root} không trống ({len(found)} mục, ví dụ «{found[0]}»): chỉ khôi phục vào "
                "một thư mục trống hoặc chưa có, không bao giờ ghi đè dữ liệu đang có. Chưa ghi gì."
            )
    manifest = _check(archive, target, *_scan(archive))
    listed = {e["path"]: (int(e["size"]), str(e["sha256"])) for e in manifest["files"]}
    created = not root.exists()
    last: dict[str, bytes] = {}
    done: set[str] = set()
    changed = BackupError(
        f"Không khôi phục từ {archive.name}: tệp sao lưu thay đổi hoặc hỏng trong khi khôi phục; "
        f"đã xóa những gì vừa ghi, thư mục {root} để lại như trước."
    )
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                if member.name == ARCHIVE_MANIFEST:
                    continue
                fh = tar.extractfile(member) if _unsafe(member) is None and member.name in listed else None
                if fh is None or member.name in done:
                    raise changed
                done.add(member.name)
                if member.name in (CURRENT, HISTORY):  # written last
                    last[member.name] = fh.read()
                    got = (len(last[member.name]), hashlib.sha256(last[member.name]).hexdigest())
                else:
                    dest = root.joinpath(*member.name.split("/"))
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    got = _write_new(dest, fh)
                    drill("restore")
                if got != listed[member.name]:
                    raise changed
        if done != listed.keys():
            raise changed
        for sid in manifest["snapshots"]:
            try:
                snapshots.verify(snapshots.snapshot_dir(target, sid))
            except SnapshotError as exc:
                raise _refuse(archive, f"bản dữ liệu khôi phục không kiểm tra được: {exc}") from exc
        if HISTORY in last:
            _write_new(target.history_file, io.BytesIO(last[HISTORY]))
        tmp = root / ".CURRENT.restore.tmp"
        _write_new(tmp, io.BytesIO(last[CURRENT]))
        os.replace(tmp, target.current_file)
        _fsync_dir(root)
    except BaseException as exc:
        _empty(root, remove=created)
        if isinstance(exc, tarfile.TarError | EOFError | zlib.error) or (isinstance(exc, OSError) and not exc.errno):
            raise changed from exc
        if isinstance(exc, OSError):
            raise BackupError(fault_message(exc, "dữ liệu khôi phục") + f" Thư mục {root} để lại như trước.") from exc
        raise
    return Restored(root, manifest["current"], tuple(manifest["snapshots"]), len(listed))


def _write_new(dest: Path, src: IO[bytes]) -> tuple[int, str]:
    """Create ``dest`` (never an existing file, never through a link), copy, fsync; (size, sha256)."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    reader = _Hashing(src)
    with os.fdopen(fd, "wb") as fh:
        while chunk := reader.read(_CHUNK):
            fh.write(chunk)
        fh.flush()
        os.fsync(fh.fileno())
    return reader.count, reader.sha.hexdigest()


def _empty(root: Path, *, remove: bool) -> None:
    """Undo a failed restore: remove the folder it created, or empty the one it was given."""
    if remove:
        shutil.rmtree(root, ignore_errors=True)
        return
    for child in root.iterdir() if root.is_dir() else ():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
