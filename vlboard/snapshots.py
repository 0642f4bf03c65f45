"""Immutable snapshots: data/snapshots/<id>/<table>.parquet + manifest.json, and data/CURRENT.

A build writes everything into a hidden temporary folder, renames it into place (atomic on one
file system) and only then switches CURRENT with ``os.replace``. A build that dies at any moment
leaves CURRENT pointing at the previous, complete snapshot. Readers verify checksums and report a
damaged snapshot in Vietnamese instead of failing deep inside DuckDB.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from vlboard import catalogue, db, demo, schema
from vlboard.periods import parse_period

MANIFEST = "manifest.json"
# 2: results.note/evidence_url and the imports audit table; 3: results.year_status; 4: year_status
# judged against the path between targets for years without one (sql/macros/12_path.sql), and
# quote_anchor (indicators, results_documents), precedence (results_documents, results) and
# reporting_rules.basis (a duty set by a document or assumed by the dashboard)
FORMAT_VERSION = 4
READABLE_FORMATS = (2, 3, 4)  # formats 2-3: year_status computed on the fly and the format-4 columns
# read as NULL (vlboard.db)
HISTORY = "history.jsonl"
LOCK = ".write.lock"


class SnapshotError(Exception):
    """A snapshot cannot be used; the message is Vietnamese and names the table or file."""


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
    return DataDir(Path(os.environ.get("VLBOARD_DATA", Path(__file__).resolve().parents[1] / "data")))


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
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(snapshot_id + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, data.current_file)
    _fsync_dir(data.root)


def write_snapshot(data: DataDir, tables: dict[str, pa.Table], *, author: str, note: str,
                   extra: dict | None = None) -> str:
    """Write a new snapshot next to the others and make it CURRENT. Returns its id."""
    missing = [t for t in schema.TABLES if t not in tables]
    if missing:
        raise SnapshotError(f"Thiếu bảng khi ghi bản dữ liệu: {', '.join(missing)}")
    tables = {t: schema.with_added_columns(t, v) for t, v in tables.items()}  # read from an older format
    tables = {**tables, "results": db.judge_results(tables)}
    data.snapshots.mkdir(parents=True, exist_ok=True)
    parent = current_id(data)
    hashes = {t: content_hash(tables[t]) for t in schema.TABLES}
    digest = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:10]
    now = dt.datetime.now(dt.timezone.utc)
    sid = f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}Z-{digest}"
    tmp = data.snapshots / f".tmp-{sid}-{os.getpid()}"
    tmp.mkdir()
    fault_after = int(os.environ.get("VLBOARD_FAULT_AFTER_TABLES", "-1"))  # crash drill for tests
    manifest_tables = {}
    for n, table in enumerate(schema.TABLES):
        if n == fault_after:
            os._exit(70)
        file = tmp / f"{table}.parquet"
        pq.write_table(tables[table].cast(schema.arrow_schema(table)), file, compression="zstd")
        with file.open("rb") as fh:
            os.fsync(fh.fileno())
        manifest_tables[table] = {"rows": tables[table].num_rows, "sha256": _sha256(file),
                                  "content_sha256": hashes[table]}
    manifest = {"id": sid, "format": FORMAT_VERSION, "created_at": now.isoformat(timespec="seconds"),
                "parent": parent, "author": author, "note": note, "content_sha256": digest,
                "tables": manifest_tables, **(extra or {})}
    with (tmp / MANIFEST).open("w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    _fsync_dir(tmp)
    os.rename(tmp, data.snapshots / sid)
    _fsync_dir(data.snapshots)
    switch_current(data, sid)
    return sid


def clean_temp(data: DataDir) -> list[str]:
    """Remove leftovers of builds that died (hidden .tmp-* folders); never touches snapshots."""
    removed = []
    if data.snapshots.is_dir():
        for p in data.snapshots.glob(".tmp-*"):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
    return removed


@contextlib.contextmanager
def write_lock(data: DataDir, timeout: float = 30.0):
    """One writer at a time (builds, imports, rollbacks), across processes: an exclusive flock on
    data/.write.lock. The kernel releases it when a holder dies, so a killed import never blocks."""
    data.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(data.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
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
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def record_event(data: DataDir, event: dict) -> None:
    """Append one line to data/history.jsonl (build, import, rollback): the log of every change of
    CURRENT. Appended with fsync after the switch; the manifests stay the record of each snapshot."""
    line = json.dumps({"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), **event},
                      ensure_ascii=False, sort_keys=True)
    with data.history_file.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def events(data: DataDir) -> list[dict]:
    """The history log, oldest first; a torn last line (process killed mid-write) is skipped."""
    out = []
    try:
        lines = data.history_file.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return out
    for line in lines:
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


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
                             extra={"demo_last_quarter": config.last_quarter, "action": "build"})
    record_event(data, {"action": "build", "snapshot": sid, "user": author})
    return sid
