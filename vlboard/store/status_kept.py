"""The status rows of a period kept per snapshot for every process, and carried to the next version.

Every scorecard query reads the status rows of one period (``db.prepare_status``). At 100 M results
one period takes 10–15 s, a page asks for up to six, and each page process computed them again,
for every new version again (SCALING.md, «Status rows kept per snapshot»).

- **Kept** (``keep``): a process that has a period's rows writes them once under
  ``data/.status/<snapshot id>/<key>/`` (the cache tables of sql/macros/25_status_cache.sql and
  30_indicators.sql: the store rows in parts by range of units, vlboard.store.status_parts, and
  ``OTHER``; ``sums.json``: their sha256 and rows, the parts' bounds, the fingerprint of the
  macros), in a hidden temporary folder renamed into place; any process opening the snapshot
  later reads them (``restore``, from the files: vlboard.store.status_files) once checked.
- **Carried**: a version without them is derived from an earlier one that has them (up to
  ``MAX_DEPTH`` back) when the tables the rows read besides the results and the cycle events
  (``CATALOGUE``) are the same. Every row of a subject depends only on that subject's results and
  cycle events (sql/macros/20_scorecard.sql), so the earlier rows are taken except those of the
  units the difference touches (vlboard.store.touched) and those without a unit (few); those are
  computed (vl_status_rows_part's ``'touched'`` part: both in one scan), the per-indicator rows computed
  whole, and the rows of an indicator whose target moved judged again; keeping them links the
  parts no touched unit falls in. A period no change reaches (a later import) with no target moved
  is the earlier folder linked whole (vlboard.store.status_link).
- **Doubt computes**: a difference over ``MAX_DIFF_BYTES``, a vacuumed file, an older format, a
  different catalogue, damaged or foreign files. A cache of what the snapshot determines, never a
  version of the data: nothing is served unchecked, losing it costs time only. Older snapshots
  than the newest ``KEEP_SNAPSHOTS`` keep a period while fewer than ``KEEP_PER_KEY`` newer ones
  hold it (``_prune``). The folder is hidden: backups leave it out.

Over 300 lines: keeping, reading back, carrying and pruning share one folder layout and its checks
(format, fingerprint, key, bounds, sums).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import uuid
import weakref
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from vlboard.store import db, status_files, status_link, status_lock, status_parts, tables, verified
from vlboard.store import touched as touched_mod
from vlboard.store.datadir import SnapshotError
from vlboard.store.series import _in

log = logging.getLogger(__name__)

FOLDER = ".status"
FORMAT = 3  # 2: with each indicator's headline (indicators.parquet); 3: the store rows in parts
OTHER = ("meta.parquet", "indicators.parquet")  # beside the store rows' parts (status_parts.names)
TABLE_OF = {"meta.parquet": "status_rows_meta", "indicators.parquet": "status_indicators_store"}
CATALOGUE = ("agencies", "indicators", "status_config", "targets", "units")  # read besides results, events
MAX_DEPTH = 50  # versions back to look for rows to carry (the difference is bounded by MAX_DIFF_BYTES)
KEEP_SNAPSHOTS = 6  # the newest snapshots keep every period's rows
KEEP_PER_KEY = 2  # older ones keep a period's rows while fewer newer snapshots hold them (_prune)
MAX_DIFF_BYTES = 64 << 20  # more to compare (a bulk load, a compaction): the period is computed
_KEY_ROWS = {  # fixed statements (no SQL is composed here)
    "status_rows_meta": (
        "select * from status_rows_meta where k_year = $y and k_end = $e and k_demo = $d and k_approved = $a"
    ),
    "status_indicators_store": (
        "select * from status_indicators_store where k_year = $y and k_end = $e and k_demo = $d and k_approved = $a"
    ),
}
_NO_TOUCHED = "delete from status_touched_units"
# the status of every row of an indicator whose per-indicator row (target, path, band) moved
_REJUDGE = """
update status_rows_store s
set attainment = vl_attainment(s.value, m.comparator, m.target, m.target_high, m.direction),
    status = vl_status(m.kind, s.value, m.comparator, m.target, m.target_high, m.direction, m.basis, m.near_band)
from status_rows_meta m
where s.k_year = $y and s.k_end = $e and s.k_demo = $d and s.k_approved = $a
  and m.k_year = $y and m.k_end = $e and m.k_demo = $d and m.k_approved = $a
  and m.indicator_code = s.indicator_code
  and m.indicator_code in (
      select indicator_code from (
          select * exclude (k_year, k_end, k_demo, k_approved) from status_rows_meta
          where k_year = $y and k_end = $e and k_demo = $d and k_approved = $a
          except
          select * exclude (k_year, k_end, k_demo, k_approved) from status_earlier_meta
      )
  )
"""


@functools.cache
def fingerprint() -> str:
    """The macros that make the rows (any change of the rule or the columns makes kept rows foreign)."""
    h = hashlib.sha256()
    for file in sorted(db.MACROS_DIR.glob("*.sql")):
        h.update(file.name.encode())
        h.update(file.read_bytes())
    return h.hexdigest()[:20]


def _name(key: tuple) -> str:
    year, end, demo, approved = key
    return f"{int(year)}_{end}_{'demo' if demo else 'real'}_{'approved' if approved else 'all'}"


def folder(snapshot: Path, key: tuple) -> Path:
    """Where the rows of ``key`` (year, period end, demo, approved only) are kept for ``snapshot``."""
    return snapshot.parent.parent / FOLDER / snapshot.name / _name(key)


def is_version(snapshot: Path) -> bool:
    """Whether ``snapshot`` is a version under data/snapshots (not a writer's temporary folder):
    only a version has rows, a summary or segments kept for it."""
    return snapshot.parent.name == "snapshots" and not snapshot.name.startswith(".")


def computing(snapshot: Path, key: tuple) -> contextlib.AbstractContextManager:
    """While a process restores or computes ``key`` for ``snapshot``, the others wait for it
    (vlboard.store.status_lock); nothing for a writer's temporary folder."""
    if not is_version(snapshot):
        return contextlib.nullcontext()
    return status_lock.computing(snapshot.parent.parent / FOLDER, _name(key))


def _params(key: tuple) -> dict:
    return dict(zip("yeda", (int(key[0]), key[1], bool(key[2]), bool(key[3])), strict=True))


def _sums(where: Path, key: tuple) -> dict | None:
    """The folder's sums when they are of this format, macros and key; None otherwise."""
    try:
        sums = json.loads((where / "sums.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(sums, dict) or sums.get("format") != FORMAT or sums.get("fingerprint") != fingerprint():
        return None
    cuts = sums.get("bounds")
    if not isinstance(cuts, list) or not all(isinstance(c, str) for c in cuts):
        return None
    if sums.get("key") != _name(key) or set(sums.get("files") or {}) != {*status_parts.names(cuts), *OTHER}:
        return None
    return sums


def _checked(where: Path, sums: dict) -> None:
    for name, entry in sums["files"].items():
        if verified.sha256(where / name) != entry["sha256"]:
            raise SnapshotError(f"tệp trạng thái «{where / name}» sai mã kiểm tra")


def _stores(where: Path, sums: dict) -> list[str]:
    return [str(where / name) for name in sums["files"] if status_parts.is_store(name)]


def _insert(cur: duckdb.DuckDBPyConnection, files: list[str], table: str, keep=None) -> None:
    rel = cur.read_parquet(files)
    (rel if keep is None else rel.filter(keep)).insert_into(table)


def _insert_all(cur: duckdb.DuckDBPyConnection, where: Path, sums: dict) -> None:
    _insert(cur, _stores(where, sums), "status_rows_store")
    for name in OTHER:
        _insert(cur, [str(where / name)], TABLE_OF[name])


def restore(con: duckdb.DuckDBPyConnection, snapshot: Path, key: tuple) -> str | None:
    """Put the period's rows in the connection's cache from what is kept: ``"kept"`` (the
    snapshot's own, or an earlier version's linked when no change reaches the period:
    vlboard.store.status_link), ``"carried"`` (derived from an earlier version's), or None (nothing
    usable: the caller computes them). Never raises: a folder that fails is logged and removed."""
    own = folder(snapshot, key)
    if _read_kept(con, snapshot, own, key):
        return "kept"
    try:
        how = _carry(con, snapshot, key)
    except Exception as exc:  # a cache: the period is computed, the reason is logged
        log.warning("status rows of %s %s not carried: %s", snapshot.name, _name(key), exc, exc_info=True)
        return None
    if how == "linked":  # its files are the earlier folder's, checked before they were linked
        return "kept" if _read_kept(con, snapshot, own, key, checked=True) else None
    return "carried" if how else None


def _read_kept(con: duckdb.DuckDBPyConnection, snapshot: Path, own: Path, key: tuple, checked: bool = False) -> bool:
    sums = _sums(own, key)
    if sums is None:
        return False
    try:
        if not checked:
            _checked(own, sums)
        if not status_files.serve(con, key, own):  # read from the files, else copied into memory
            db.in_transaction(con, lambda cur: _insert_all(cur, own, sums))
            status_files.held(con).add(key)
        return True
    except (duckdb.Error, OSError, SnapshotError) as exc:
        log.warning("status rows kept for %s %s not used, removed: %s", snapshot.name, _name(key), exc)
        shutil.rmtree(own, ignore_errors=True)  # computed and kept again
        return False


def _earlier(snapshot: Path, manifest: dict):
    """(folder, manifest) of the versions before ``snapshot``, newest first, up to MAX_DEPTH."""
    seen = {snapshot.name}
    m = manifest
    for _ in range(MAX_DEPTH):
        parent = m.get("parent")
        if not parent or parent in seen:
            return
        seen.add(parent)
        path = snapshot.parent / parent
        earlier = db._manifest(path)
        if not earlier:
            return
        yield path, earlier
        m = earlier


def _same_catalogue(a: dict, b: dict) -> bool:
    ta, tb = a.get("tables", {}), b.get("tables", {})
    return int(a.get("format") or 0) == int(b.get("format") or 0) and all(
        (ta.get(t) or {}).get("content_sha256") == (tb.get(t) or {}).get("content_sha256") is not None
        for t in CATALOGUE
    )


def _carry(con: duckdb.DuckDBPyConnection, snapshot: Path, key: tuple) -> str | None:
    """``"linked"`` (the earlier folder's files: no change reaches the period, no target moved),
    ``"derived"`` (the rows in the connection's cache), or None (nothing to carry from)."""
    manifest = db._manifest(snapshot)
    if not manifest:
        return None
    for path, m in _earlier(snapshot, manifest):
        where = folder(path, key)
        sums = _sums(where, key)
        if sums is None:
            continue
        if not _same_catalogue(manifest, m):
            return None
        difference = touched_mod.between(con, tables.data_of(snapshot), m, manifest, MAX_DIFF_BYTES)
        if difference is None:
            return None
        _checked(where, sums)
        units, agencies, anything = difference.of(key)
        if not anything and _link(con, snapshot, key, where, sums):
            return "linked"
        _derive(con, where, key, (units, agencies), sums)
        return "derived"
    return None


def _link(con: duckdb.DuckDBPyConnection, snapshot: Path, key: tuple, where: Path, sums: dict) -> bool:
    if not is_version(snapshot):
        return False
    if not status_link.targets_unchanged(con, _params(key), where / "meta.parquet"):
        return False
    target = folder(snapshot, key)
    if target.exists() and _sums(target, key) is None:  # foreign or broken: replaced
        shutil.rmtree(target, ignore_errors=True)
    if not status_link.link(where, target, [*sums["files"], "sums.json"]):
        return False
    _prune(snapshot.parent.parent / FOLDER)
    return True


_CARRIED: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, dict[tuple, status_parts.Carried]] = (
    weakref.WeakKeyDictionary()
)


def _derive(
    con: duckdb.DuckDBPyConnection, where: Path, key: tuple, touched: tuple[list[str], list[str]], sums: dict
) -> None:
    units, agencies = touched
    p = _params(key)
    rejudged: list[bool] = []
    if agencies:  # an agency's rows that carry a unit too: that unit is computed again
        rel = con.read_parquet(_stores(where, sums)).filter(
            _in("agency_code", agencies) & duckdb.ColumnExpression("unit_code").isnotnull()
        )
        units = sorted(set(units) | {u for (u,) in rel.select("unit_code").distinct().fetchall()})
    keep = duckdb.ColumnExpression("unit_code").isnotnull()
    if units:
        keep = keep & ~_in("unit_code", units)

    def before(cur: duckdb.DuckDBPyConnection) -> None:
        _insert(cur, _stores(where, sums), "status_rows_store", keep)
        cur.execute(_NO_TOUCHED)
        if units:
            cur.from_arrow(pa.table({"unit_code": pa.array(units, pa.string())})).insert_into("status_touched_units")

    def parts(cur: duckdb.DuckDBPyConnection, year: int) -> list[tuple[str, str | None, str | None]]:
        return [("touched", units[0], units[-1])] if units else [("nulls", None, None)]

    def after(cur: duckdb.DuckDBPyConnection) -> None:
        cur.read_parquet(str(where / "meta.parquet")).create_view("status_earlier_meta", replace=True)
        moved = cur.execute(_REJUDGE, p).fetchone()
        rejudged.append(bool(moved and moved[0]))

    a = "true" if p["a"] else "false"
    db.fill_status(con, a, {"y": p["y"], "e": p["e"], "d": p["d"]}, parts, before, after)
    carried = status_parts.Carried(where, sums, tuple(units), any(rejudged) or not rejudged)
    _CARRIED.setdefault(con, {})[key] = carried  # keep() links the parts no touched unit falls in


def keep(con: duckdb.DuckDBPyConnection, snapshot: Path, key: tuple) -> bool:
    """Write the connection's rows of ``key`` for ``snapshot`` (once; a folder already there is
    left alone); True when they are kept. Best effort: a read-only or full disk is logged."""
    if not is_version(snapshot):
        return False
    target = folder(snapshot, key)
    if _sums(target, key) is not None:
        return True
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    carried = _CARRIED.get(con, {}).pop(key, None)
    cur = con.cursor()
    try:
        tmp.mkdir(parents=True)
        cuts, files = status_parts.write(cur, tmp, _params(key), carried)
        for name in OTHER:
            rel = cur.sql(_KEY_ROWS[TABLE_OF[name]], params=_params(key))
            rel.write_parquet(str(tmp / name), compression="zstd")
            files[name] = {"sha256": verified.sha256(tmp / name), "rows": pq.read_metadata(tmp / name).num_rows}
        sums = {"format": FORMAT, "fingerprint": fingerprint(), "key": _name(key), "bounds": cuts, "files": files}
        (tmp / "sums.json").write_text(json.dumps(sums), encoding="utf-8")
        for name in (*files, "sums.json"):
            with (tmp / name).open("rb") as fh:
                os.fsync(fh.fileno())
        if target.exists():  # a broken folder (sums failed): replaced
            shutil.rmtree(target)
        os.rename(tmp, target)
        _prune(snapshot.parent.parent / FOLDER)
        return True
    except Exception as exc:  # a cache: the page goes on, the reason is logged
        log.warning("status rows of %s %s not kept: %s", snapshot.name, _name(key), exc, exc_info=True)
        return False
    finally:
        cur.close()
        with contextlib.suppress(OSError):
            if tmp.exists():
                shutil.rmtree(tmp)


def _prune(root: Path) -> None:
    """The newest KEEP_SNAPSHOTS snapshots (ids sort by time) keep everything; an older one a period's
    rows (or its summary) while fewer than KEEP_PER_KEY newer ones hold them: carried, not computed."""
    names = sorted((p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True)
    held: dict[str, int] = {}
    for i, name in enumerate(names):
        snapshot = root / name
        for entry in sorted(snapshot.iterdir()):
            if entry.name.startswith("."):
                continue
            key = entry.stem if entry.is_file() else entry.name  # summary.parquet and summary.json: "summary"
            if entry.suffix == ".json":
                continue  # goes with its .parquet
            held[key] = held.get(key, 0) + 1
            if i >= KEEP_SNAPSHOTS and held[key] > KEEP_PER_KEY:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    for f in (entry.with_suffix(".json"), entry):  # the sums first: the file no longer counts
                        with contextlib.suppress(OSError):
                            f.unlink()
        if i >= KEEP_SNAPSHOTS:
            with contextlib.suppress(OSError):
                snapshot.rmdir()  # only when nothing is left in it
