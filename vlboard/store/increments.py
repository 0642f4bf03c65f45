"""The import commit on snapshot format 5: only what changed is written.

``commit_reports`` merges the new and changed report rows into the results Delta table (a report
replaces the demo or earlier report row of the same indicator, subject and period: the files
holding a replaced row are rewritten, nothing else), appends one row to the imports audit table
and publishes a snapshot that copies the live one's catalogue files and records the two new
versions (vlboard.store.snapshots.write_change). Callers hold the write lock.

``year_status`` stays exact while only the written rows are judged: a row's status depends on its
own value and on its indicator's path, whose only input from the results is the baseline (the
earliest real value before the first target, sql/macros/12_path.sql). The rows are judged together
with their indicators' real (non-demo) rows; when the new rows move an indicator's path, every row
of that indicator is judged again and rewritten.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vlboard.store import db, queries, schema, snapshots, tables

JUDGE_INPUTS = ("indicators", "targets", "status_config")


def _judge(catalogue: dict[str, pa.Table], rows: pa.Table) -> pa.Table:
    return db.judge_results({**catalogue, "results": rows})


def _key(t: pa.Table) -> pa.Array:
    cols = [pc.fill_null(t.column(c), "") for c in ("indicator_code", "unit_code", "agency_code", "period")]
    return pc.binary_join_element_wise(*cols, "|")


def _baseline_rows(data: snapshots.DataDir, version: int, codes: list[str], replaced: list[str]) -> pa.Table:
    """sql/baseline_rows.sql over one version of the results table's files: the rows the path's
    baseline of ``codes`` can come from, without those whose key is in ``replaced``.

    Only files that may hold a row not labelled demo are read (the log's statistics), and of those
    the earliest first: the query runs over every file whose earliest period end is at most a
    bound, the bound doubling (in files) until each code's baseline row is dated at or before it.
    Then no file left out can hold a row of an earlier date, nor of that date (its rows all end
    later), so the answer is the one over every file; a code without any candidate reads them all."""
    import duckdb

    stored = schema.arrow_schema("results", derived=False)
    found = tables.real_files(data, version)
    if not found:
        return stored.empty_table()
    con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB"})
    try:
        n = min(len(found), BASELINE_FILES)
        while True:
            bound = found[n - 1][1]
            while n < len(found) and found[n][1] <= bound:
                n += 1
            con.read_parquet([f for f, _ in found[:n]], hive_partitioning=True).create_view("results_stored")
            got = con.sql(
                queries.load("baseline_rows").text, params={"codes": codes, "replaced": replaced}
            ).to_arrow_table()
            ends = got.column("period_end").to_pylist()
            if n == len(found) or (set(got.column("indicator_code").to_pylist()) == set(codes) and max(ends) <= bound):
                break
            n = min(len(found), 2 * n)
    except duckdb.Error as exc:
        raise snapshots.SnapshotError(f"Không đọc được phiên bản {version} của bảng «results» ({exc})") from exc
    finally:
        con.close()
    return got.cast(stored)


BASELINE_FILES = 8  # the first files the baseline query reads, earliest first


def _with(rows: pa.Table, new: list[dict]) -> pa.Table:
    """``rows`` with ``new`` in place of their demo or report rows of the same key (build.with_reports,
    in Arrow: a whole indicator's rows never become Python objects)."""
    stored = schema.arrow_schema("results", derived=False)
    add = pa.Table.from_pylist(list(new), schema=stored)
    rows = rows.select(stored.names).cast(stored)
    replaced = pc.and_(pc.is_in(_key(rows), _key(add)), pc.not_equal(rows.column("source"), "document"))
    kept = rows.filter(pc.invert(pc.fill_null(replaced, False)))
    order = [
        ("year", "ascending"),
        ("indicator_code", "ascending"),
        ("period_end", "ascending"),
        ("result_id", "ascending"),
    ]
    return pa.concat_tables([kept, add]).sort_by(order)


def commit_reports(
    data: snapshots.DataDir,
    new_rows: list[dict],
    audit: dict,
    *,
    author: str,
    note: str,
    extra: dict | None = None,
    event: dict | None = None,
    commentary: list[dict] | None = None,
) -> str:
    """Write ``new_rows`` (results rows without year_status), the ``audit`` row and the
    ``commentary`` rows (the file's explanations, commentary_events); returns the new snapshot id.
    Raises snapshots.SnapshotError / WriteFault, nothing switched."""
    stored = schema.arrow_schema("results", derived=False)

    def change(manifest: dict) -> dict:
        written = results(manifest) if new_rows else {}
        snapshots.drill("table:imports")
        imports = tables.append(data, "imports", pa.Table.from_pylist([audit], schema=schema.arrow_schema("imports")))
        imports = tables.compact(data, "imports") or imports
        written["imports"] = {"rows": tables.count(data, "imports", imports), "delta_version": imports}
        if commentary:
            written.update(tables.append_rows(data, "commentary_events", commentary))
        return written

    def results(manifest: dict) -> dict:
        snapshots.drill("table:results")
        base = snapshots.snapshot_dir(data, manifest["id"])
        version = int(manifest["tables"]["results"]["delta_version"])
        catalogue = {t: pq.read_table(base / f"{t}.parquet") for t in JUDGE_INPUTS}
        codes = sorted({r["indicator_code"] for r in new_rows})
        # the baseline candidates only, not every real row of the indicators (all of them, at
        # national scale): a row's stored status depends on its own value and its indicator's path
        real = _baseline_rows(data, version, codes, [])
        replaced = _key(pa.Table.from_pylist(new_rows, schema=stored)).to_pylist()
        # a baseline row the import does not replace stays the baseline (the earliest date, then the
        # order of vl_path_segments, over fewer rows): only when it replaces one, a second scan
        winners = real.filter(pc.not_equal(real.column("source"), "document"))
        if set(_key(winners).to_pylist()) & set(replaced):
            real_after = _baseline_rows(data, version, codes, replaced)
        else:
            real_after = real
        after = _with(real_after, new_rows)
        before_path = db.path_segments({**catalogue, "results": real})
        after_path = db.path_segments({**catalogue, "results": after})
        moved = [c for c in codes if before_path.get(c) != after_path.get(c)]
        if moved:
            whole = tables.read(data, "results", version, filters=[("indicator_code", "in", moved)])
            mine = [r for r in new_rows if r["indicator_code"] in moved]
            version = tables.replace_indicators(data, moved, _judge(catalogue, _with(whole, mine)))
        rest = {r["result_id"] for r in new_rows if r["indicator_code"] not in moved}
        if rest:
            judged = _judge(catalogue, after)
            picked = judged.filter(pc.is_in(judged.column("result_id"), pa.array(sorted(rest))))
            version = tables.merge_results(data, picked)
        version = tables.compact(data, "results", sorted({r["year"] for r in new_rows})) or version
        return {"results": {"rows": tables.count(data, "results", version), "delta_version": version}}

    new_rows = [{c: r.get(c) for c in stored.names} for r in new_rows]
    return snapshots.write_change(data, change, author=author, note=note, extra=extra, event=event)
