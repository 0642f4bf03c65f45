"""Writing BENCHMARKS.md: the measured figures as markdown tables inside the prose of
``bench/report.md`` (one template section per '## ' section), and the goals with whether each is met."""

from __future__ import annotations

import os
import platform
import re
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from vlboard.bench.timing import fmt

TEMPLATE = Path(__file__).with_name("report.md")
OWN_SECTIONS = ("## Status of every", "## Goals", "## Page reruns", "## Exports")


@cache
def _sections() -> dict[str, str]:
    """Template section name → its text (from its marker line to the next)."""
    parts = re.split(r"(?m)^<!-- (\w+) -->\n", TEMPLATE.read_text(encoding="utf-8"))
    return dict(zip(parts[1::2], parts[2::2]))


def _fill(section: str, **fields) -> str:
    return _sections()[section].format(**fields)


def _versus_table(results: list[dict], key: str, count: str, label: str) -> str:
    """A small 'vlboard vs pandas' table for one roll-up (``key``_duckdb / ``key``_pandas)."""
    lines = [f"| rows | {label} | vlboard s | pandas s | speed-up |", "|---:|---:|---:|---:|---:|"]
    for r in results:
        if f"{key}_duckdb" in r:
            ours, theirs = r[f"{key}_duckdb"], r[f"{key}_pandas"]
            lines.append(
                f"| {r['rows']:,} | {r[count]:,} | {fmt(ours)} | {fmt(theirs)} | "
                f"{theirs['median'] / ours['median']:.1f}× |"
            )
    return "\n".join(lines)


def render(results: list[dict]) -> str:
    """The roll-up section (and the file's head): one row per size of the synthetic data."""
    lines = [
        "| rows | vlboard (DuckDB) s | pandas baseline s | speed-up | Polars (lazy) s | vs Polars | "
        "bare scan s | vlboard / bare | "
        "rule at read s | judge at write s | per-unit roll-up: vlboard s | per-unit: pandas s | speed-up | "
        "per-unit: Polars s | vs Polars | "
        "scorecard s | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        polars = (
            f"{fmt(r['polars'])} | {r['polars']['median'] / r['duckdb']['median']:.1f}×"
            if "polars" in r
            else "not measured | –"
        )
        units_polars = (
            f"{fmt(r['units_polars'])} | {r['units_polars']['median'] / r['units_duckdb']['median']:.1f}×"
            if "units_polars" in r
            else "not measured | –"
        )
        ratio = r["pandas"]["median"] / r["duckdb"]["median"]
        floor = r["duckdb"]["median"] / r["bare_scan"]["median"]
        units = r["units_pandas"]["median"] / r["units_duckdb"]["median"]
        lines.append(
            f"| {r['rows']:,} | {fmt(r['duckdb'])} | {fmt(r['pandas'])} | {ratio:.1f}× | {polars} | "
            f"{fmt(r['bare_scan'])} | {floor:.1f}× | {fmt(r['on_read'])} | {fmt(r['judge_write'])} | "
            f"{fmt(r['units_duckdb'])} | {fmt(r['units_pandas'])} | "
            f"{units:.1f}× | {units_polars} | {fmt(r['scorecard'])} | {r['peak_rss_mb']:.0f} |"
        )
    from importlib.metadata import PackageNotFoundError, version

    try:
        polars_version = version("polars")
    except PackageNotFoundError:
        polars_version = "not installed"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return _fill(
        "rollups",
        cores=os.cpu_count(),
        memory_gib=f"{memory:.0f}",
        platform=platform.platform(),
        python=platform.python_version(),
        duckdb=duckdb.__version__,
        pandas=pd.__version__,
        numpy=np.__version__,
        polars=polars_version,
        rollup_table="\n".join(lines),
        completeness_table=_versus_table(results, "completeness", "n_subjects", "subjects"),
        agency_table=_versus_table(results, "agencies", "n_agencies", "agencies"),
    )


def render_goals(results: list[dict], pages: dict, large: dict | None) -> str:
    """The goals of the benchmark issue, each with its measured figure and whether it is met."""
    big = max(results, key=lambda r: r["rows"]) if results else None
    rows = ["| goal | measured | |", "|---|---|---|"]

    def add(goal: str, figure: str, ok: bool) -> None:
        rows.append(f"| {goal} | {figure} | {'đạt ✔' if ok else 'chưa đạt ✖'} |")

    if big:
        n = f"{big['rows']:,}"
        ratio = big["pandas"]["median"] / big["duckdb"]["median"]
        others = {
            name: big[f"{key}_pandas"]["median"] / big[f"{key}_duckdb"]["median"]
            for name, key in (("per unit", "units"), ("per agency", "agencies"), ("completeness", "completeness"))
            if f"{key}_duckdb" in big
        }
        add(
            f"roll-ups ≥ 5× the pandas baseline at {n} rows",
            f"{ratio:.1f}× ({'; '.join(f'{k} {v:.1f}×' for k, v in others.items())})",
            min([ratio, *others.values()]) >= 5,
        )
        for what, key, ours in (("pillar × status", "polars", "duckdb"), ("per-unit", "units_polars", "units_duckdb")):
            if key in big:
                ahead = big[key]["median"] / big[ours]["median"]
                add(
                    f"{what} roll-up ahead of the Polars (lazy) implementation at {n} rows",
                    f"{ahead:.1f}× (Polars {big[key]['median']:.2f} s, vlboard {big[ours]['median']:.3f} s)",
                    ahead > 1,
                )
        floor = big["duckdb"]["median"] / big["bare_scan"]["median"]
        read = big["on_read"]["median"] / big["bare_scan"]["median"]
        add(
            f"roll-ups within 3× a bare DuckDB scan at {n} rows",
            f"{floor:.1f}× (status stored at write, {big['judge_write']['median']:.2f} s once; "
            f"rule at read would be {read:.1f}×)",
            floor <= 3,
        )
    worst = max(r["warm"]["median"] for r in pages["pages"])
    add("every page < 300 ms on the shipped data (warm rerun)", f"slowest {worst * 1000:.0f} ms", worst < 0.3)
    if large:
        worst_big = max(max(r["warm"]["median"], r["cold"]) for r in large["pages"])
        add("every page < 1 s at the largest size (first visit and rerun)", f"slowest {worst_big:.2f} s", worst_big < 1)
        add(
            "page process RSS < 1.5 GB at the largest size",
            f"{large['peak_rss_mb']:.0f} MB",
            large["peak_rss_mb"] < 1536,
        )
    return _fill("goals", goal_table="\n".join(rows))


def render_pages(shipped: dict, large: dict | None = None, large_rows: int | None = None) -> str:
    """Each page's first visit and warm rerun, on the shipped data and at the largest size."""
    head = "| page | shipped: first visit s | shipped: rerun s |"
    sep = "|---|---:|---:|"
    if large:
        head += f" {large_rows:,} rows: first visit s | {large_rows:,} rows: rerun s |"
        sep += "---:|---:|"
    lines = [head, sep]
    big = {r["page"]: r for r in (large or {}).get("pages", [])}
    for r in shipped["pages"]:
        row = f"| {r['page']} | {r['cold']:.3f} | {fmt(r['warm'])} |"
        if large:
            b = big[r["page"]]
            row += f" {b['cold']:.3f} | {fmt(b['warm'])} |"
        lines.append(row)
    start = f"shipped {shipped['start']:.2f} s" + (f", {large_rows:,} rows {large['start']:.2f} s" if large else "")
    rss = f"shipped {shipped['peak_rss_mb']:.0f} MB" + (
        f", {large_rows:,} rows {large['peak_rss_mb']:.0f} MB" if large else ""
    )
    return _fill("pages", page_table="\n".join(lines), start=start, peak_rss=rss)


def render_exports(e: dict) -> str:
    lines = ["| what | seconds |", "|---|---:|"]
    if e["png_ok"]:
        lines += [
            f"| chart PNG, first call (starts Chromium) | {e['png_cold']:.2f} |",
            f"| chart PNG, warm (median, min–max) | {fmt(e['png_warm'])} |",
        ]
    else:
        lines += [f"| chart PNG | not measured: {e['png_reason']} |"]
    lines += [
        f"| full pack PDF (build + render) | {fmt(e['pack_pdf'])} |",
        f"| full pack PPTX (build + render) | {fmt(e['pack_pptx'])} |",
    ]
    return _fill("exports", export_table="\n".join(lines))


def replace_section(text: str, section: str) -> str:
    """Put ``section`` (which starts with its '## ' heading) in place of the old one, or append it."""
    heading = section.splitlines()[0]
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        return pattern.sub(lambda _: section.rstrip("\n") + "\n\n", text)
    return text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"


def other_sections(text: str, own: tuple[str, ...]) -> list[str]:
    """The '## ' sections of an existing BENCHMARKS.md that another tool wrote (kept on rewrite)."""
    parts = re.split(r"(?m)^(?=## )", text)
    return [p for p in parts if p.startswith("## ") and not p.startswith(own)]


def write(
    out: Path, results: list[dict], pages: dict, large: dict | None, large_rows: int | None, exports: dict
) -> None:
    """(Re)write BENCHMARKS.md: this benchmark's sections, other tools' sections kept."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    text = (
        render(results)
        + "\n"
        + render_goals(results, pages, large)
        + "\n"
        + render_pages(pages, large, large_rows)
        + "\n"
        + render_exports(exports)
    )
    for section in other_sections(old, OWN_SECTIONS):
        text = replace_section(text, section)
    out.write_text(text, encoding="utf-8")
