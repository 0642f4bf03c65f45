"""Building a snapshot from data/source: check the sources, derive ``results`` (document figures
and demo rows), keep what agencies imported, write it (``python -m vlboard build``)."""

from __future__ import annotations

import tomllib

import pyarrow as pa

from vlboard.domain.periods import parse_period
from vlboard.store import catalogue, checks, demo, schema
from vlboard.store import tables as growing
from vlboard.store.snapshots import (
    DataDir,
    SnapshotError,
    clean_temp,
    current_id,
    last_good,
    read_table,
    write_lock,
    write_snapshot,
)


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
        rows.append(
            dict(
                indicator_code=code,
                near_band=float(o.get("near_band", near)),
                report_due_days=int(o.get("report_due_days", due)),
            )
        )
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
            out.append(
                dict(
                    result_id=f"{r['result_id']}:{code}",
                    indicator_code=code,
                    period=p.code,
                    period_type=p.kind,
                    year=p.year,
                    period_end=p.end,
                    unit_code=r["unit_code"],
                    agency_code=r["agency_code"],
                    value=r["value"],
                    value_text=None if r["value"] is not None else r["quote"],
                    numerator=r["numerator"],
                    denominator=r["denominator"],
                    as_of=r["as_of"],
                    source="document",
                    reported_by=r["plan"],
                    reported_at=None,
                    plan=r["plan"],
                    source_ref=r["result_id"],
                    quote=r["quote"],
                    precedence=r["precedence"],
                )
            )
    return out


def build_tables(data: DataDir) -> dict[str, pa.Table]:
    """Read data/source, check it, derive ``results``. Raises CatalogueError on bad sources."""
    tables, problems = catalogue.load_sources(data.source)
    if not problems:
        documents = catalogue.load_documents(data.documents, tables["plans"])
        problems = checks.check(tables, documents)
    if problems:
        raise catalogue.CatalogueError(problems)
    config = load_build_config(data)
    rows = {
        t: tables[t].to_pylist()
        for t in ("indicators", "targets", "units", "unit_crosswalk", "agencies", "assignments", "results_documents")
    }
    doc_rows = document_results(rows["results_documents"], {i["code"]: i["kind"] for i in rows["indicators"]})
    skip = {(r["indicator_code"], r["unit_code"] or r["agency_code"], r["period"]) for r in doc_rows}
    all_rows = doc_rows + demo.generate(rows, config, skip)
    tables["results"] = results_table(all_rows)
    tables["status_config"] = status_config(data)
    tables["imports"] = schema.arrow_schema("imports").empty_table()
    tables["cycle_events"] = schema.arrow_schema("cycle_events").empty_table()
    tables["directive_events"] = schema.arrow_schema("directive_events").empty_table()
    tables["commentary_events"] = schema.arrow_schema("commentary_events").empty_table()
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


def carry_reports(data: DataDir, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Keep what agencies imported: a rebuild from data/source re-derives document and demo rows
    but takes the reported rows, the imports audit and the reporting cycle's events from the live snapshot; a report replaces
    the demo row of the same indicator, subject and period."""
    path = last_good(data)
    if path is None:
        return tables
    reports = read_table(path, "results", filters=[("source", "=", "report")])
    imports = read_table(path, "imports")
    cycle = read_table(path, "cycle_events")
    directives = read_table(path, "directive_events")
    commentary = read_table(path, "commentary_events")
    if not any(t.num_rows for t in (reports, imports, cycle, directives, commentary)):
        return tables
    return {
        **tables,
        "results": with_reports(tables["results"].to_pylist(), reports.to_pylist()),
        "imports": imports.cast(schema.arrow_schema("imports")),
        "cycle_events": cycle.cast(schema.arrow_schema("cycle_events")),
        "directive_events": directives.cast(schema.arrow_schema("directive_events")),
        "commentary_events": commentary.cast(schema.arrow_schema("commentary_events")),
    }


def build(data: DataDir, *, author: str = "build") -> str:
    """data/source → new snapshot → CURRENT, keeping imported reports. Returns the new id."""
    tables = build_tables(data)
    config = load_build_config(data)
    with write_lock(data):
        clean_temp(data)
        if current_id(data) is None:  # a new data folder starts on format 5 (the Delta tables)
            growing.root(data).mkdir(parents=True, exist_ok=True)
        tables = carry_reports(data, tables)
        sid = write_snapshot(
            data,
            tables,
            author=author,
            note="Dựng từ data/source",
            extra={"demo_last_quarter": config.last_quarter, "action": "build"},
            event={"action": "build", "user": author},
        )
    return sid
