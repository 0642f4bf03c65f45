"""Immutable snapshots: data/snapshots/<id>/<table>.parquet + manifest.json, and data/CURRENT.

A build writes everything into a hidden temporary folder, renames it into place (atomic on one
file system) and only then switches CURRENT with ``os.replace``. A build that dies at any moment
leaves CURRENT pointing at the previous, complete snapshot. Readers verify checksums and report a
damaged snapshot in Vietnamese instead of failing deep inside DuckDB.

Every change of CURRENT (build, import, rollback) is one transaction of data/history.jsonl: its
line is appended *before* the switch with ``state: pending`` and a ``done`` marker after it, so a
writer killed between the switch and its marker is still in the history: ``events`` counts a
pending line as done when CURRENT (or the next line's ``from``) shows that the switch happened,
and the next writer settles it for good (``reconcile``). A write that fails on the disk (full,
read-only, no permission) raises ``WriteFault`` with a Vietnamese message, removes its temporary
files at once and leaves the live data as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from vlboard import settings
from vlboard.store import catalogue, db, demo, schema
from vlboard.domain.periods import parse_period

MANIFEST = "manifest.json"
# 2: results.note/evidence_url and the imports audit table; 3: results.year_status; 4: year_status
# judged against the path between targets for years without one (sql/macros/12_path.sql), and
# quote_anchor (indicators, results_documents), precedence (results_documents, results) and
# reporting_rules.basis (a duty set by a document or assumed by the dashboard)
FORMAT_VERSION = 4
READABLE_FORMATS = (2, 3, 4)  # formats 2-3: year_status computed on the fly and the format-4 columns
# read as NULL (vlboard.store.db)
HISTORY = "history.jsonl"
LOCK = ".write.lock"


class SnapshotError(Exception):
    """A snapshot cannot be used; the message is Vietnamese and names the table or file."""


class WriteFault(SnapshotError):
    """A write failed on the disk (full, read-only, no permission…); nothing was switched, the
    temporary files are gone and the live data is as it was. The message is Vietnamese."""


_FAULTS = {errno.ENOSPC: "ổ đĩa đầy", errno.EDQUOT: "vượt hạn mức dung lượng đĩa",
           errno.EROFS: "thư mục dữ liệu chỉ đọc", errno.EACCES: "không có quyền ghi vào thư mục dữ liệu",
           errno.EPERM: "không có quyền ghi vào thư mục dữ liệu", errno.EIO: "lỗi đọc/ghi của ổ đĩa",
           errno.EMFILE: "mở quá nhiều tệp cùng lúc", errno.ENAMETOOLONG: "đường dẫn quá dài"}


def fault_message(exc: OSError, what: str = "bản dữ liệu", data: DataDir | None = None) -> str:
    """«Không ghi được bản dữ liệu: ổ đĩa đầy (…)» for an OSError of a write; the file is named
    relative to the data folder (no server path on a page)."""
    reason = _FAULTS.get(exc.errno) or exc.strerror or str(exc)
    where = ""
    if exc.filename:
        path = Path(os.fsdecode(exc.filename))
        root = data.root if data is not None else None
        where = f"data/{path.relative_to(root)}: " if root is not None and path.is_relative_to(root) \
            else f"{path.name}: "
    return (f"Không ghi được {what}: {reason} ({where}mã lỗi {errno.errorcode.get(exc.errno, exc.errno)}). "
            "Dữ liệu hiện hành không đổi; chưa ghi gì.")


def drill(step: str) -> None:
    """Crash and fault drills for the tests, at each named write step: VLBOARD_FAULT_AT=<step> dies
    there (os._exit, like a kill), VLBOARD_ENOSPC_AT=<step> fails there as a full disk would,
    VLBOARD_PAUSE_AT=<step> prints «PAUSED <step>» on stderr and waits (for an aimed SIGKILL)."""
    if settings.get("VLBOARD_FAULT_AT") == step:
        os._exit(70)
    if settings.get("VLBOARD_ENOSPC_AT") == step:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    if settings.get("VLBOARD_PAUSE_AT") == step:
        os.write(2, f"PAUSED {step}\n".encode())
        time.sleep(float(settings.get("VLBOARD_PAUSE_SECONDS") or "60"))


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def documents(self) -> Path:
        return self.root / "documents"

    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    @property
    def current_file(self) -> Path:
        return self.root / "CURRENT"

    @property
    def history_file(self) -> Path:
        return self.root / HISTORY


def default_data_dir() -> DataDir:
    return DataDir(settings.path("VLBOARD_DATA"))


# ---------------------------------------------------------------------------------- reading

def current_id(data: DataDir) -> str | None:
    try:
        text = data.current_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:  # garbled by a crash of the disk, not by vlboard (atomic writes)
        raise SnapshotError(f"Tệp CURRENT bị hỏng (không phải văn bản UTF-8: {exc.reason})") from exc
    return text or None


_SNAPSHOT_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,127}")


def snapshot_dir(data: DataDir, snapshot_id: str) -> Path:
    """The folder of a snapshot id; refuses anything but a plain folder name of letters, digits,
    '.', '_' and '-' (no path, no control or NUL character: a CURRENT file garbled by a power
    loss is a SnapshotError, not a crash)."""
    if not isinstance(snapshot_id, str) or not _SNAPSHOT_ID.fullmatch(snapshot_id) or snapshot_id in (".", ".."):
        raise SnapshotError(f"Mã bản dữ liệu không hợp lệ: {snapshot_id[:80]!r}")
    return data.snapshots / snapshot_id


def read_manifest(path: Path) -> dict:
    try:
        return json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SnapshotError(f"Bản dữ liệu {path.name}: thiếu tệp {MANIFEST}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"Bản dữ liệu {path.name}: tệp {MANIFEST} bị hỏng ({exc})") from exc


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify(path: Path) -> dict:
    """Check a snapshot folder: manifest, every table present, checksums, parquet readable, schema.

    Returns the manifest; raises SnapshotError naming the first broken table.
    """
    manifest = read_manifest(path)
    if manifest.get("format") not in READABLE_FORMATS:
        raise SnapshotError(f"Bản dữ liệu {path.name}: định dạng {manifest.get('format')} quá cũ, cần dựng lại "
                            "(«python -m vlboard build»)")
    for table in schema.TABLES:
        info = manifest.get("tables", {}).get(table)
        file = path / f"{table}.parquet"
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
    return manifest


def current(data: DataDir) -> tuple[str, Path, dict]:
    """(id, folder, manifest) of the live snapshot, verified."""
    sid = current_id(data)
    if sid is None:
        raise SnapshotError("Chưa có bản dữ liệu nào: chạy «python -m vlboard build»")
    path = snapshot_dir(data, sid)
    if not path.is_dir():
        raise SnapshotError(f"CURRENT trỏ tới bản dữ liệu không tồn tại: {sid}")
    return sid, path, verify(path)


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


def write_snapshot(data: DataDir, tables: dict[str, pa.Table], *, author: str, note: str,
                   extra: dict | None = None, event: dict | None = None) -> str:
    """Write a new snapshot next to the others and make it CURRENT. Returns its id.

    ``event``: the history line of this change (action, user, …; ``snapshot`` and ``from`` are
    filled in), written as one transaction with the switch (see the module docstring); callers
    hold the write lock. A disk fault raises WriteFault: temporary files removed, CURRENT unchanged."""
    missing = [t for t in schema.TABLES if t not in tables]
    if missing:
        raise SnapshotError(f"Thiếu bảng khi ghi bản dữ liệu: {', '.join(missing)}")
    tables = {t: schema.with_added_columns(t, v) for t, v in tables.items()}  # read from an older format
    tables = {**tables, "results": db.judge_results(tables)}
    parent = current_id(data)
    hashes = {t: content_hash(tables[t]) for t in schema.TABLES}
    digest = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:10]
    now = dt.datetime.now(dt.timezone.utc)
    sid = f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}Z-{digest}"
    tmp = data.snapshots / f".tmp-{sid}-{os.getpid()}"
    final = data.snapshots / sid
    txn = None
    try:
        data.snapshots.mkdir(parents=True, exist_ok=True)
        drill("mkdir")
        tmp.mkdir()
        fault_after = int(settings.get("VLBOARD_FAULT_AFTER_TABLES") or "-1")  # crash drill for tests
        manifest_tables = {}
        for n, table in enumerate(schema.TABLES):
            if n == fault_after:
                os._exit(70)
            file = tmp / f"{table}.parquet"
            drill(f"table:{table}")
            pq.write_table(tables[table].cast(schema.arrow_schema(table)), file, compression="zstd")
            with file.open("rb") as fh:
                os.fsync(fh.fileno())
            manifest_tables[table] = {"rows": tables[table].num_rows, "sha256": _sha256(file),
                                      "content_sha256": hashes[table]}
        manifest = {"id": sid, "format": FORMAT_VERSION, "created_at": now.isoformat(timespec="seconds"),
                    "parent": parent, "author": author, "note": note, "content_sha256": digest,
                    "tables": manifest_tables, **(extra or {})}
        with (tmp / MANIFEST).open("w", encoding="utf-8") as fh:
            drill("manifest")
            json.dump(manifest, fh, ensure_ascii=False, indent=2, sort_keys=True)
            fh.flush()
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
                    raise SnapshotError("Đang có một lần ghi dữ liệu khác (nhập số liệu, dựng lại hoặc "
                                        "khôi phục); hãy thử lại sau ít phút.") from None
                time.sleep(0.05)
        reconcile(data)
        clean_temp(data)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _append(data: DataDir, obj: dict) -> None:
    """Append one JSON line to data/history.jsonl with fsync. A line torn by an earlier failure is
    closed first (so it cannot swallow this one) and a failed append is cut off again."""
    line = (json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    path = data.history_file
    with path.open("ab+") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size:
            fh.seek(size - 1)
            if fh.read(1) != b"\n":
                line = b"\n" + line
        try:
            drill("history")
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        except OSError:
            with contextlib.suppress(OSError):
                fh.truncate(size)
            raise


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def begin(data: DataDir, event: dict) -> str:
    """Write the history line of a change of CURRENT before making it (state pending). Returns the
    transaction id for ``finish``. Raises WriteFault (nothing switched yet) when it cannot."""
    txn = uuid.uuid4().hex
    try:
        _append(data, {"at": _now(), **event, "txn": txn, "state": "pending"})
    except OSError as exc:
        raise WriteFault(fault_message(exc, "nhật ký thay đổi (history.jsonl)", data)) from exc
    return txn


def finish(data: DataDir, txn: str) -> None:
    """Mark a change done after the switch. Best effort: CURRENT already shows the change, so a
    marker lost to a kill or a full disk is inferred by ``events`` and written by ``reconcile``."""
    with contextlib.suppress(OSError):
        _append(data, {"at": _now(), "txn": txn, "state": "done"})


def abort(data: DataDir, txn: str) -> None:
    """Mark a change that did not happen (best effort: ``events`` infers it from CURRENT too)."""
    with contextlib.suppress(OSError):
        _append(data, {"at": _now(), "txn": txn, "state": "aborted"})


def record_event(data: DataDir, event: dict) -> None:
    """Append one finished line to data/history.jsonl (for changes not made through ``begin``)."""
    _append(data, {"at": _now(), **event})


def _lines(data: DataDir) -> list[dict]:
    out = []
    try:
        raw = data.history_file.read_bytes().decode("utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return out
    for line in raw:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn line (process killed mid-write)
        if isinstance(obj, dict):
            out.append(obj)
    return out


def _settle(data: DataDir) -> tuple[list[dict], dict[str, str], str | None]:
    """(action lines, txn → state, live id) with every pending line settled as done or aborted:
    done when the next action line starts from its snapshot, or when it is the last one and
    CURRENT is its snapshot; aborted otherwise (the writer died before its switch)."""
    lines = _lines(data)
    marks = {e["txn"]: "inferred" if e.get("reconciled") and e.get("state") == "done" else e.get("state")
             for e in lines if "action" not in e and "txn" in e}
    actions = [e for e in lines if "action" in e]
    try:
        live = current_id(data)
    except SnapshotError:
        live = None
    for i, e in enumerate(actions):
        txn = e.get("txn")
        if txn is None or txn in marks:
            continue
        nxt = actions[i + 1] if i + 1 < len(actions) else None
        happened = nxt.get("from") == e.get("snapshot") if nxt is not None else live == e.get("snapshot")
        marks[txn] = "inferred" if happened else "inferred-aborted"
    return actions, marks, live


def reconcile(data: DataDir) -> None:
    """Write the marker of a change whose writer died between the switch and its ``done`` line
    (or before its switch). Called under the write lock before every write."""
    if not data.history_file.exists():
        return
    marked = {e["txn"] for e in _lines(data) if "action" not in e and "txn" in e}
    actions, marks, _ = _settle(data)
    with contextlib.suppress(OSError):  # a read-only or full disk: the next writer tries again
        for e in actions:
            state = {"inferred": "done", "inferred-aborted": "aborted"}.get(marks.get(e.get("txn")))
            if state and e["txn"] not in marked:
                _append(data, {"at": _now(), "txn": e["txn"], "state": state, "reconciled": True})


def events(data: DataDir) -> list[dict]:
    """The history log, oldest first: every change of CURRENT that happened, none that did not.
    A line whose writer died after the switch is included (``reconciled: True``), one that died
    before it is left out; when CURRENT was changed with no line at all (a kill under an older
    vlboard), a line is rebuilt from the live snapshot's manifest (``rebuilt: True``)."""
    actions, marks, live = _settle(data)
    out = []
    for e in actions:
        state = marks.get(e.get("txn")) if e.get("txn") else "done"
        if state in ("aborted", "inferred-aborted"):
            continue
        e = {k: v for k, v in e.items() if k not in ("txn", "state")}
        out.append({**e, "reconciled": True} if state == "inferred" else e)
    if live and (not out or out[-1].get("snapshot") != live):
        out.append(_rebuilt(data, live, out[-1].get("snapshot") if out else None))
    return out


def _rebuilt(data: DataDir, live: str, before: str | None) -> dict:
    """A history line for the live snapshot from its manifest (author, note, parent)."""
    try:
        m = read_manifest(snapshot_dir(data, live))
    except SnapshotError:
        m = {}
    made = m.get("parent") == before or before is None
    return {"at": m.get("created_at"), "action": (m.get("action") or "build") if made else "rollback",
            "snapshot": live, "from": m.get("parent") if made else before,
            "user": m.get("author") if made else None,
            "summary": (m.get("note") if made else f"Khôi phục bản {live}") or "",
            "rebuilt": True}


# ---------------------------------------------------------------------------------- building

def load_build_config(data: DataDir) -> demo.DemoConfig:
    path = data.source / "build.toml"
    if not path.exists():
        return demo.DemoConfig()
    cfg = tomllib.loads(path.read_text(encoding="utf-8")).get("demo", {})
    return demo.DemoConfig(**cfg)


def status_config(data: DataDir) -> pa.Table:
    """data/source/status.toml → table status_config (default row first, then overrides)."""
    path = data.source / schema.STATUS_CONFIG_FILE
    cfg = tomllib.loads(path.read_text(encoding="utf-8")).get("status", {}) if path.exists() else {}
    near = float(cfg.get("near_band", 0.9))
    due = int(cfg.get("report_due_days", 10))
    if not 0 < near <= 1:
        raise SnapshotError(f"{schema.STATUS_CONFIG_FILE}: near_band phải trong khoảng (0; 1], đang là {near}")
    rows = [dict(indicator_code=None, near_band=near, report_due_days=due)]
    for code, o in sorted(cfg.get("overrides", {}).items()):
        rows.append(dict(indicator_code=code, near_band=float(o.get("near_band", near)),
                         report_due_days=int(o.get("report_due_days", due))))
    return pa.Table.from_pylist(rows, schema=schema.arrow_schema("status_config"))


def comparable(kind: str, figure_unit: str | None) -> bool:
    """Can a document figure be judged against an indicator? A count of 315 opinions is context
    for a percentage target, not a result of 315%: percent indicators take percent figures only,
    numeric ones non-percent figures; qualitative indicators take any figure as context."""
    if kind in ("qualitative", "referenced"):
        return True
    return (kind == "percent") == (figure_unit or "").startswith("%")


def document_results(rows: list[dict], kinds: dict[str, str]) -> list[dict]:
    """One results row per (document figure, comparable linked indicator); other figures stay
    only in results_documents. Status sentences keep value NULL and their text in value_text."""
    out = []
    for r in rows:
        codes = [c.strip() for c in (r["indicator_codes"] or "").split(";") if c.strip()]
        p = parse_period(r["period"])
        for code in codes:
            if r["value"] is not None and not comparable(kinds[code], r["unit"]):
                continue
            out.append(dict(
                result_id=f"{r['result_id']}:{code}", indicator_code=code, period=p.code,
                period_type=p.kind, year=p.year, period_end=p.end, unit_code=r["unit_code"],
                agency_code=r["agency_code"], value=r["value"],
                value_text=None if r["value"] is not None else r["quote"],
                numerator=r["numerator"], denominator=r["denominator"], as_of=r["as_of"],
                source="document", reported_by=r["plan"], reported_at=None, plan=r["plan"],
                source_ref=r["result_id"], quote=r["quote"], precedence=r["precedence"]))
    return out


def build_tables(data: DataDir) -> dict[str, pa.Table]:
    """Read data/source, check it, derive ``results``. Raises CatalogueError on bad sources."""
    tables, problems = catalogue.load_sources(data.source)
    if not problems:
        documents = catalogue.load_documents(data.documents, tables["plans"])
        problems = catalogue.check(tables, documents)
    if problems:
        raise catalogue.CatalogueError(problems)
    config = load_build_config(data)
    rows = {t: tables[t].to_pylist() for t in ("indicators", "targets", "units", "unit_crosswalk",
                                                  "agencies", "assignments", "results_documents")}
    doc_rows = document_results(rows["results_documents"], {i["code"]: i["kind"] for i in rows["indicators"]})
    skip = {(r["indicator_code"], r["unit_code"] or r["agency_code"], r["period"]) for r in doc_rows}
    all_rows = doc_rows + demo.generate(rows, config, skip)
    tables["results"] = results_table(all_rows)
    tables["status_config"] = status_config(data)
    tables["imports"] = schema.arrow_schema("imports").empty_table()
    return tables


def _key(r: dict) -> tuple:
    return r["indicator_code"], r["unit_code"], r["agency_code"], r["period"]


def results_table(rows: list[dict]) -> pa.Table:
    """The results table, sorted by year first: a query for one year reads only its row groups
    (parquet min/max pruning)."""
    rows.sort(key=lambda r: (r["year"], r["indicator_code"], r["period_end"], r["result_id"]))
    return pa.Table.from_pylist(rows, schema=schema.arrow_schema("results"))


def with_reports(rows: list[dict], reports: list[dict]) -> pa.Table:
    """``rows`` with ``reports`` added: a report replaces the demo or earlier report row of the same
    indicator, subject and period; document figures are never replaced (imports refuse to collide)."""
    keys = {_key(r) for r in reports}
    return results_table([r for r in rows if r["source"] == "document" or _key(r) not in keys] + reports)


def last_good(data: DataDir) -> Path | None:
    """The live snapshot's folder, or when it is damaged the newest snapshot that verifies."""
    candidates = []
    sid = current_id(data)
    if sid:
        candidates.append(sid)
    if data.snapshots.is_dir():
        candidates += sorted((p.name for p in data.snapshots.iterdir()
                              if p.is_dir() and not p.name.startswith(".")), reverse=True)
    for cand in candidates:
        try:
            path = snapshot_dir(data, cand)
            verify(path)
            return path
        except SnapshotError:
            continue
    return None


def carry_reports(data: DataDir, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Keep what agencies imported: a rebuild from data/source re-derives document and demo rows
    but takes the reported rows and the imports audit from the live snapshot; a report replaces
    the demo row of the same indicator, subject and period."""
    path = last_good(data)
    if path is None:
        return tables
    reports = pq.read_table(path / "results.parquet", filters=[("source", "=", "report")])
    imports = pq.read_table(path / "imports.parquet")
    if reports.num_rows == 0 and imports.num_rows == 0:
        return tables
    return {**tables, "results": with_reports(tables["results"].to_pylist(), reports.to_pylist()),
            "imports": imports.cast(schema.arrow_schema("imports"))}


def build(data: DataDir, *, author: str = "build") -> str:
    """data/source → new snapshot → CURRENT, keeping imported reports. Returns the new id."""
    tables = build_tables(data)
    config = load_build_config(data)
    with write_lock(data):
        clean_temp(data)
        tables = carry_reports(data, tables)
        sid = write_snapshot(data, tables, author=author, note="Dựng từ data/source",
                             extra={"demo_last_quarter": config.last_quarter, "action": "build"},
                             event={"action": "build", "user": author})
    return sid
