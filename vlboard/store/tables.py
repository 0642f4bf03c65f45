"""The growing tables (``results``, the ``imports`` audit, the reporting ``cycle_events``) as Delta Lake tables under data/tables/.

Snapshot format 5 keeps the small catalogue tables as parquet in each snapshot folder and records,
in its manifest, the Delta version of each growing table (vlboard.store.snapshots). A Delta version
never changes once committed, so a snapshot stays immutable; an import commits only the files it
changes (``merge``), and readers open a version by the list of its parquet files (``files``).
``results`` is partitioned by year (hive folders ``year=2025/``): a merge touches only the year it
writes, a reader of one year's rows reads that year's files.

The Delta table's own newest version may run ahead of the live snapshot (a writer killed between
its Delta commit and the switch of CURRENT, or a rollback): every writer first ``align``\\ s the table
to the live snapshot's version (a Delta restore, a new version with the same content), so nothing a
user never saw is built upon. Writers hold the write lock; a Delta commit conflict anyway (another
process writing without the lock) is a ``SnapshotError`` asking to retry.

Over 300 lines: every operation on the Delta tables (write, merge, align, compact, read, check)
shares one layout (partitions, order, file size) and one translation of delta-rs's errors.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable, PostCommitHookProperties, write_deltalake
from deltalake.exceptions import CommitFailedError, DeltaError, TableNotFoundError

from vlboard.store import schema, verified
from vlboard.store.datadir import DataDir, SnapshotError, drill

GROWING = ("results", "imports", "cycle_events", "directive_events", "commentary_events")
PARTITIONS: dict[str, list[str]] = {
    "results": ["year"],
    "imports": [],
    "cycle_events": [],
    "directive_events": [],
    "commentary_events": [],
}
# within a year, rows in date then subject order, cut into files of about this size: one commune's
# report of one period sits in one file, so a merge rewrites that file only (BENCHMARKS.md)
ORDER: dict[str, list[str]] = {"results": ["year", "period_end", "unit_code", "agency_code", "indicator_code"]}
TARGET_FILE_SIZE = 1 << 20
FOLDER = "tables"
# delta-rs, after a commit, deletes by default the log entries older than the table's log retention
# (30 days) before the newest checkpoint: a snapshot kept longer (a rollback's, an approval's, one
# tagged keep) would no longer open. No commit of ours cleans the log (the property on new tables,
# these hooks on the tables made before it); ``vacuum`` cleans it up to the oldest version kept
# (vlboard.store.retention).
HOOKS = PostCommitHookProperties(create_checkpoint=True, cleanup_expired_logs=False)
NO_LOG_CLEANUP = {"delta.enableExpiredLogCleanup": "false"}
RETRY = "Một lần ghi khác vừa ghi vào bảng «{table}» cùng lúc; hãy thử lại. Dữ liệu hiện hành không đổi; chưa ghi gì."


def root(data: DataDir) -> Path:
    return data.root / FOLDER


def enabled(data: DataDir) -> bool:
    """Is the folder on snapshot format 5 (made by ``python -m vlboard build`` on an empty folder
    or by ``python -m vlboard migrate``)?"""
    return root(data).is_dir()


def path(data: DataDir, table: str) -> Path:
    if table not in GROWING:
        raise ValueError(f"not a growing table: {table}")
    return root(data) / table


def data_of(snapshot: Path) -> DataDir:
    """The data folder of a snapshot folder (data/snapshots/<id>)."""
    return DataDir(snapshot.parent.parent)


def _stored(table: str, t: pa.Table) -> pa.Table:
    """Cast to the table's types, timestamps in microseconds (Delta's timestamp_ntz)."""
    want = schema.arrow_schema(table)
    t = schema.with_added_columns(table, t).select(want.names).cast(want)
    fields = [pa.field(f.name, pa.timestamp("us")) if pa.types.is_timestamp(f.type) else f for f in want]
    return t.cast(pa.schema(fields))


def latest(data: DataDir, table: str) -> int | None:
    try:
        return DeltaTable(str(path(data, table))).version()
    except TableNotFoundError:
        return None


def _conflict(table: str, exc: Exception) -> SnapshotError:
    return SnapshotError(RETRY.format(table=table) + f" ({type(exc).__name__})")


@contextlib.contextmanager
def _writing(table: str):
    """A Delta write's failures in the store's terms: a commit conflict asks to retry; a disk fault
    inside delta-rs («os error 28») becomes the OSError it is, which the snapshot writer reports in
    Vietnamese (vlboard.store.datadir.fault_message); anything else a Vietnamese SnapshotError."""
    try:
        yield
    except CommitFailedError as exc:
        raise _conflict(table, exc) from exc
    except DeltaError as exc:
        code = re.search(r"os error (\d+)", str(exc))
        if code:
            raise OSError(int(code.group(1)), os.strerror(int(code.group(1)))) from exc
        raise SnapshotError(
            f"Không ghi được bảng «{table}» ({str(exc)[:200]}). Dữ liệu hiện hành không đổi; chưa ghi gì."
        ) from exc


def overwrite(data: DataDir, table: str, t: pa.Table) -> int:
    """The whole table as a new version (a build); older versions stay readable. Returns it."""
    p = path(data, table)
    p.parent.mkdir(parents=True, exist_ok=True)
    rows = _stored(table, t)
    if table in ORDER:
        rows = rows.sort_by([(c, "ascending") for c in ORDER[table]])
    parts = PARTITIONS[table] or None
    with _writing(table):
        new = latest(data, table) is None  # the table property bounds the files of merges too
        config: dict[str, str | None] = {"delta.targetFileSize": str(TARGET_FILE_SIZE), **NO_LOG_CLEANUP}
        write_deltalake(
            str(p),
            rows,
            mode="error" if new else "overwrite",
            configuration=config if new else None,
            partition_by=parts,
            target_file_size=TARGET_FILE_SIZE,
            post_commithook_properties=HOOKS,
        )
    return DeltaTable(str(p)).version()


def append(data: DataDir, table: str, t: pa.Table, dt: DeltaTable | None = None) -> int:
    """``t`` appended as one commit, through ``dt`` (the table at its newest version) when the
    caller has it open; returns the new version (its files are known: :func:`_remember`)."""
    rows = _stored(table, t)
    if table in ORDER:
        rows = rows.sort_by([(c, "ascending") for c in ORDER[table]])
    with _writing(table):
        dt = dt or DeltaTable(str(path(data, table)))
        write_deltalake(dt, rows, mode="append", target_file_size=TARGET_FILE_SIZE, post_commithook_properties=HOOKS)
    return _remember(data, table, dt)


def append_chunks(data: DataDir, table: str, chunks) -> int:
    """Arrow tables (an iterable, in the order they should sit in the files) appended as one Delta
    commit, streamed: only one chunk is in memory at a time (the benchmark's 100 M results).
    Returns the new version."""
    want = _stored(table, schema.arrow_schema(table).empty_table()).schema
    batches = (b for t in chunks for b in _stored(table, t).to_batches())
    with _writing(table):
        write_deltalake(
            str(path(data, table)),
            pa.RecordBatchReader.from_batches(want, batches),
            mode="append",
            target_file_size=TARGET_FILE_SIZE,
            post_commithook_properties=HOOKS,
        )
    return DeltaTable(str(path(data, table))).version()


def append_row(data: DataDir, table: str, row: dict) -> dict:
    """One event row appended to an event table (cycle_events, directive_events, commentary_events),
    compacted when small files pile up; the manifest entry ``{table: {"rows", "delta_version"}}``."""
    return append_rows(data, table, [row])


def append_rows(data: DataDir, table: str, rows: list[dict]) -> dict:
    """Event rows appended in one Delta commit (an import's commentary), as :func:`append_row`."""
    version = append(data, table, pa.Table.from_pylist(rows, schema=schema.arrow_schema(table)))
    drill(f"table:{table}")
    version = compact(data, table) or version
    return {table: {"rows": count(data, table, version), "delta_version": version}}


def align(data: DataDir, table: str, version: int) -> None:
    """Make ``version`` (the live snapshot's) the table's newest again when a killed write or a
    rollback left newer versions: a Delta restore (a new version, no data file rewritten). The log's
    newest entry tells whether it is needed (opening the table reads its log: ~85 ms at 100 M)."""
    if _newest(data, table) == version:
        return
    dt = DeltaTable(str(path(data, table)))
    if dt.version() != version:
        with _writing(table):
            dt.restore(version, post_commithook_properties=HOOKS)


KEY = (
    "t.year = s.year and t.indicator_code = s.indicator_code and t.period = s.period "
    "and (t.unit_code is not distinct from s.unit_code) and (t.agency_code is not distinct from s.agency_code) "
    "and t.source <> 'document'"
)


def _literal(v) -> str:
    return "'" + str(v).replace("'", "''") + "'"


def _span(column: str, values: list) -> str:
    """``t.<column>`` within the range of ``values``, or NULL when one of them is (the key matches
    NULL with NULL): a matched row always passes, and files outside the range are skipped."""
    present = [v for v in values if v is not None]
    parts = [f"(t.{column} >= {_literal(min(present))} and t.{column} <= {_literal(max(present))})"] if present else []
    if len(present) < len(values):
        parts.append(f"t.{column} is null")
    return " and (" + " or ".join(parts) + ")"


def _narrowing(rows: pa.Table) -> str:
    """The source's years, periods, date range and subject ranges (unit, agency) as literals on the
    target: delta-rs prunes the target's files by them (partition values and min/max statistics)
    before it joins. Each only restates the key for the rows it can match, so the merge deletes
    every matched row and nothing else; the files are sorted by period end, then subject, so one
    commune's report of one period leaves about one file to read."""
    years = sorted(set(rows.column("year").to_pylist()))
    periods = sorted(set(rows.column("period").to_pylist()))
    ends = rows.column("period_end").to_pylist()
    return (
        f" and t.year in ({', '.join(str(int(y)) for y in years)})"
        f" and t.period in ({', '.join(_literal(p) for p in periods)})"
        f" and t.period_end >= date {_literal(min(ends))} and t.period_end <= date {_literal(max(ends))}"
        + _span("unit_code", rows.column("unit_code").to_pylist())
        + _span("agency_code", rows.column("agency_code").to_pylist())
    )


def merge_results(data: DataDir, rows: pa.Table) -> int:
    """Reports replace every demo or earlier report row of the same indicator, subject and period
    (document figures are never matched): a merge that deletes the matched rows, rewriting only
    the files holding one, then an append of ``rows`` (two Delta commits; only the snapshot that
    records the second is ever shown). A merge that updated the matched rows would keep two
    reports where the target held two demo rows of one key. Returns the new version."""
    dt = DeltaTable(str(path(data, "results")))
    rows = _stored("results", rows)
    keys = rows.select(["year", "indicator_code", "period", "unit_code", "agency_code", "period_end"])
    keys = keys.group_by(keys.column_names, use_threads=False).aggregate([])  # one source row per key
    with _writing("results"):
        dt.merge(
            keys, KEY + _narrowing(keys), source_alias="s", target_alias="t", post_commithook_properties=HOOKS
        ).when_matched_delete().execute()
    return append(data, "results", rows, dt)  # the merge moved ``dt`` to its version


def replace_indicators(data: DataDir, codes: list[str], rows: pa.Table) -> int:
    """Every row of ``codes`` replaced by ``rows`` (two Delta commits; only the snapshot that
    records the second is ever shown). Returns the new version."""
    quoted = ", ".join("'" + c.replace("'", "''") + "'" for c in codes)
    dt = DeltaTable(str(path(data, "results")))
    with _writing("results"):
        dt.delete(f"indicator_code in ({quoted})", post_commithook_properties=HOOKS)
    return append(data, "results", rows, dt)


SMALL_FILES = 16  # a year (or the audit table) with this many small files is compacted in the commit


def compact(data: DataDir, table: str, years: list[int] | None = None) -> int | None:
    """Bin-pack the small files (each import's inserted rows, each audit row) of ``years`` once
    there are SMALL_FILES of them: a Delta optimize, inside the same snapshot change, so the
    published version is the compacted one. Returns the new version, or None when nothing was due."""
    version = _newest(data, table)  # the commit just made: its files are known (_remember)
    small: dict[str | None, int] = {}
    for a in _actions(data, table, version) if version is not None else []:
        if a["size_bytes"] < TARGET_FILE_SIZE // 4:
            part = a["path"].split("/", 1)[0].removeprefix("year=") if PARTITIONS[table] else None
            small[part] = small.get(part, 0) + 1
    due = [p for p, n in small.items() if n >= SMALL_FILES and (years is None or p is None or int(p) in years)]
    if not due:
        return None
    with _writing(table):
        dt = DeltaTable(str(path(data, table)))
        for part in due:
            filters = [(PARTITIONS[table][0], "=", part)] if part is not None else None
            dt.optimize.compact(
                partition_filters=filters, target_size=TARGET_FILE_SIZE, post_commithook_properties=HOOKS
            )
    return _remember(data, table, dt)


def files(data: DataDir, table: str, version: int) -> list[str]:
    """The parquet files of one version (absolute paths)."""
    base = path(data, table)
    return [str(base / a["path"]) for a in _actions(data, table, version, read_error="Không đọc được phiên bản")]


def read(data: DataDir, table: str, version: int, columns: list[str] | None = None, filters=None) -> pa.Table:
    """One version (its rows matching ``filters``: (column, "=" | "!=" | "in", value) all true) as an
    Arrow table in the schema's types, partition columns included. Read by DuckDB over the version's
    files, the way the pages read it."""
    import duckdb

    want = schema.arrow_schema(table)
    names = columns or want.names
    found = files(data, table, version)
    if not found:
        return want.empty_table().select(names)
    con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB"})
    try:
        rel = con.read_parquet(found, hive_partitioning=bool(PARTITIONS[table]))
        for col, op, value in filters or []:
            c = duckdb.ColumnExpression(col)
            if op == "in":
                cond = (
                    c.isin(*[duckdb.ConstantExpression(v) for v in value])
                    if value
                    else duckdb.ConstantExpression(False)
                )
            elif op == "=":
                cond = c == duckdb.ConstantExpression(value)
            elif op == "!=":
                cond = c != duckdb.ConstantExpression(value)
            else:
                raise ValueError(f"filter operator {op!r}")
            rel = rel.filter(cond)
        got = rel.select(*[duckdb.ColumnExpression(n) for n in names]).to_arrow_table()
    except duckdb.Error as exc:
        raise SnapshotError(f"Không đọc được phiên bản {version} của bảng «{table}» ({exc})") from exc
    finally:
        con.close()
    return got.cast(pa.schema([want.field(n) for n in names]))


def count(data: DataDir, table: str, version: int) -> int:
    """Rows of one version, from its log (no data file read)."""
    return int(sum(a["num_records"] or 0 for a in _actions(data, table, version)))


_sha256 = verified.sha256


# what the log says of each data file; the statistics (when written) let a reader skip files
ACTION_COLUMNS = (
    "path",
    "size_bytes",
    "num_records",
    "min.source",
    "max.source",
    "min.period_end",
    "min.period",
    "max.period",
)
_ACTIONS: dict[tuple, list[dict]] = {}  # (table folder, version, its log entry's stat) → the version's files
_ACTIONS_MAX = 256
_ACTIONS_LOCK = threading.Lock()


def _key(data: DataDir, table: str, version: int) -> tuple | None:
    base = path(data, table)
    try:
        st = os.stat(base / "_delta_log" / f"{int(version):020d}.json")
    except OSError:
        return None  # no log entry (cleaned up after a checkpoint, or none): read without keeping
    return (str(base), int(version), st.st_ino, st.st_size, st.st_mtime_ns)


def _newest(data: DataDir, table: str) -> int | None:
    """The newest version committed (the log's highest numbered entry), without reading the log."""
    try:
        names = os.listdir(path(data, table) / "_delta_log")
    except OSError:
        return None
    found = [int(n[:20]) for n in names if len(n) == 25 and n.endswith(".json") and n[:20].isdigit()]
    return max(found) if found else None


def _listed(dt: DeltaTable) -> list[dict]:
    actions = pa.table(dt.get_add_actions(flatten=True))
    return actions.select([c for c in ACTION_COLUMNS if c in actions.column_names]).to_pylist()


def _keep(key: tuple, got: list[dict]) -> None:
    with _ACTIONS_LOCK:
        if len(_ACTIONS) >= _ACTIONS_MAX:
            _ACTIONS.pop(next(iter(_ACTIONS)))
        _ACTIONS[key] = got


def _remember(data: DataDir, table: str, dt: DeltaTable) -> int:
    """``dt``'s version (just committed through it) and its files, kept as :func:`_actions` would
    read them: the writer's next steps (compaction, checksums, the series) do not open it again."""
    version = dt.version()
    key = _key(data, table, version)
    if key is not None:
        _keep(key, _listed(dt))
    return version


def _actions(data: DataDir, table: str, version: int, read_error: str | None = None) -> list[dict]:
    """The data files of one version (path relative to the table, size, rows, statistics), from its
    log. A version never changes once committed, so the answer is kept per process, keyed also by
    its log entry's stat (a table restored from a backup and written again gets a new entry)."""
    key = _key(data, table, version)
    if key is not None and key in _ACTIONS:
        return _ACTIONS[key]
    try:
        got = _listed(DeltaTable(str(path(data, table)), version=version))
    except (DeltaError, OSError) as exc:
        if read_error:
            raise SnapshotError(f"{read_error} {version} của bảng «{table}» ({exc})") from exc
        raise SnapshotError(f"bảng «{table}» không đọc được phiên bản {version} ({exc})") from exc
    if key is not None:
        _keep(key, got)
    return got


def checksums(data: DataDir, table: str, version: int, known: dict[str, str] | None = None) -> dict[str, str]:
    """sha256 of every data file of a version (the manifest records them, as format 4 records its
    tables'); a file already in ``known`` (the parent snapshot's) is not read again: Delta data
    files never change once written. A file of ``known`` the version no longer holds was read and
    rewritten by this change (a merge, a delete, a compaction): it is hashed against ``known``
    whatever the record of verified files says, so a damaged file's rows are never carried into a
    new file with a fresh checksum (raises SnapshotError)."""
    base = path(data, table)
    got = {a["path"]: (known or {}).get(a["path"]) or _sha256(base / a["path"]) for a in _actions(data, table, version)}
    for name in sorted(set(known or {}) - set(got)):
        check_hashes(data, table, {name: (known or {})[name]}, trust=False)
    return got


def check(
    data: DataDir,
    table: str,
    version: int,
    rows: int | None = None,
    files: dict[str, str] | None = None,
    *,
    hashes: bool = True,
    trust: bool = False,
) -> None:
    """A version is whole: it loads, every data file is there with the size its log records, the
    checksum the manifest records (``files``; not read when ``hashes`` is False: see
    :func:`check_hashes`) and a parquet footer whose columns are the table's (partition columns
    live in the path). A file the record of verified files vouches for (vlboard.store.verified:
    hashed equal to ``files`` by a writer and unchanged since, so its footer is the one checked
    then) is neither hashed nor opened when ``hashes`` is False or ``trust`` is True (a reader
    switching to a new version: only the files no writer has vouched for yet are read). Raises
    SnapshotError naming the table."""
    actions = _actions(data, table, version)
    base = path(data, table)
    want = [f.name for f in schema.arrow_schema(table) if f.name not in PARTITIONS[table]]
    if files is not None and set(files) != {a["path"] for a in actions}:
        raise SnapshotError(f"bảng «{table}» bị hỏng (danh sách tệp dữ liệu khác bản kê)")
    record = verified.load(data, table) if files is not None and (trust or not hashes) else {}
    for a in actions:
        f = base / a["path"]
        try:
            st = os.stat(f)
        except OSError as exc:
            raise SnapshotError(f"bảng «{table}» thiếu tệp dữ liệu {a['path']}") from exc
        if st.st_size != a["size_bytes"]:
            raise SnapshotError(f"bảng «{table}» bị hỏng (tệp {a['path']} sai kích thước)")
        if files is not None and verified.vouches(record.get(a["path"]), st, files[a["path"]]):
            continue
        if hashes and files is not None and _sha256(f) != files[a["path"]]:
            raise SnapshotError(f"bảng «{table}» bị hỏng (tệp {a['path']} sai mã kiểm tra)")
        try:
            names = pq.read_schema(f).names
        except (pa.ArrowInvalid, OSError) as exc:
            raise SnapshotError(f"bảng «{table}» bị hỏng (tệp {a['path']}: {exc})") from exc
        if names != want:
            raise SnapshotError(f"bảng «{table}» sai cấu trúc cột")
    if rows is not None and sum(int(a["num_records"] or 0) for a in actions) != rows:
        raise SnapshotError(f"bảng «{table}» bị hỏng (số dòng khác bản kê)")


def check_hashes(data: DataDir, table: str, files: dict[str, str], *, trust: bool = True) -> None:
    """Every data file's sha256 is the one recorded (``files``: path → sha256, the manifest's); the
    part of :func:`check` a writer runs beside its own work. With ``trust``, a file the record of
    verified files vouches for is not read (vlboard.store.verified: unchanged inode, size and
    times since it was hashed; a share of them is hashed again on every call). Raises
    SnapshotError naming the table."""
    base = path(data, table)
    if trust:
        verified.check(data, table, base, files)
        return
    for name, digest in files.items():
        try:
            same = _sha256(base / name) == digest
        except OSError as exc:
            raise SnapshotError(f"bảng «{table}» thiếu tệp dữ liệu {name}") from exc
        if not same:
            raise SnapshotError(f"bảng «{table}» bị hỏng (tệp {name} sai mã kiểm tra)")


def real_files(data: DataDir, version: int) -> list[tuple[str, datetime.date]]:
    """The results files of one version that may hold a row not labelled demo, with the earliest
    period end in each, earliest first (from the log's statistics; a file without them is kept,
    dated first): the files the import's baseline rows can come from."""
    base = path(data, "results")
    out = []
    for a in _actions(data, "results", version):
        if a.get("min.source") == a.get("max.source") == "demo":
            continue
        out.append((str(base / a["path"]), a.get("min.period_end") or datetime.date.min))
    return sorted(out, key=lambda f: (f[1], f[0]))


def data_files(data: DataDir, table: str, version: int) -> list[Path]:
    """The data files of one version, as paths (tests damage one)."""
    return [path(data, table) / a["path"] for a in _actions(data, table, version)]
