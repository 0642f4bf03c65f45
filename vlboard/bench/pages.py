"""Page timings for BENCHMARKS.md: every page (and the wall) through AppTest on a data folder."""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

from vlboard.bench import _fmt, timed

PAGES = {"Tổng quan": "views/overview.py", "Trụ cột": "views/pillar.py", "Theo cơ quan": "views/agencies.py",
         "Theo phường, xã": "views/units.py", "Chi tiết chỉ tiêu": "views/indicator.py",
         "Kinh phí": "views/budget.py", "Nhiệm vụ": "views/milestones.py", "Màn hình IOC (1 trang)": "views/ioc.py"}


def page_times(data_root: Path, repeat: int) -> dict:
    """Cold start (streamlit imported, snapshot opened, first page drawn), then for each page its
    first visit and the median of warm reruns (what a user waits for after a click)."""
    t_start = time.perf_counter()
    from streamlit.testing.v1 import AppTest

    os.environ["VLBOARD_DATA"] = str(data_root)
    app = str(Path(__file__).resolve().parents[2] / "app.py")
    first = AppTest.from_file(app, default_timeout=600)
    first.run()
    start = time.perf_counter() - t_start
    out = []
    for name, page in PAGES.items():
        at = AppTest.from_file(app, default_timeout=600)
        at.run()
        t0 = time.perf_counter()
        at.switch_page(page).run()
        cold = time.perf_counter() - t0
        if at.exception:
            raise RuntimeError(f"{name}: {at.exception}")
        warm = timed(lambda: at.run(), repeat)
        out.append({"page": name, "cold": cold, "warm": warm})
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"start": start, "pages": out, "peak_rss_mb": rss}


def render_pages(shipped: dict, large: dict | None = None, large_rows: int | None = None) -> str:
    head = "| page | shipped: first visit s | shipped: rerun s |"
    sep = "|---|---:|---:|"
    if large:
        head += f" {large_rows:,} rows: first visit s | {large_rows:,} rows: rerun s |"
        sep += "---:|---:|"
    lines = ["## Page reruns (AppTest, whole script)", "",
             "First visit of each page in the process (cold query caches) and the median of warm reruns "
             "(a click that changes nothing cached). Goals: < 300 ms on the shipped data, < 1 s at 10 M rows.", "",
             head, sep]
    big = {r["page"]: r for r in (large or {}).get("pages", [])}
    for r in shipped["pages"]:
        row = f"| {r['page']} | {r['cold']:.3f} | {_fmt(r['warm'])} |"
        if large:
            b = big[r["page"]]
            row += f" {b['cold']:.3f} | {_fmt(b['warm'])} |"
        lines.append(row)
    lines += ["", f"Cold start (import, open the snapshot, draw the first page): shipped {shipped['start']:.2f} s"
              + (f", {large_rows:,} rows {large['start']:.2f} s" if large else "") + ".",
              f"Peak RSS of the page process: shipped {shipped['peak_rss_mb']:.0f} MB"
              + (f", {large_rows:,} rows {large['peak_rss_mb']:.0f} MB" if large else "") + ".", ""]
    return "\n".join(lines)
