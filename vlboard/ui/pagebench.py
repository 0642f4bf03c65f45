"""Page rerun timings for BENCHMARKS.md: every page through AppTest on a data folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

from vlboard.bench import _fmt, timed

PAGES = {"Tổng quan": "views/overview.py", "Trụ cột": "views/pillar.py", "Theo cơ quan": "views/agencies.py",
         "Theo phường, xã": "views/units.py", "Chi tiết chỉ tiêu": "views/indicator.py",
         "Kinh phí": "views/budget.py", "Nhiệm vụ": "views/milestones.py"}


def page_times(data_root: Path, repeat: int) -> list[dict]:
    """Full rerun of each page through AppTest on the given data: the first run (cold caches of
    this process) and the median of warm reruns (what a user waits for after a click)."""
    from streamlit.testing.v1 import AppTest

    os.environ["VLBOARD_DATA"] = str(data_root)
    app = str(Path(__file__).resolve().parents[2] / "app.py")
    out = []
    for name, page in PAGES.items():
        at = AppTest.from_file(app, default_timeout=120)
        at.run()
        t0 = time.perf_counter()
        at.switch_page(page).run()
        cold = time.perf_counter() - t0
        if at.exception:
            raise RuntimeError(f"{name}: {at.exception}")
        warm = timed(lambda: at.run(), repeat)
        out.append({"page": name, "cold": cold, "warm": warm})
    return out


def render_pages(rows: list[dict]) -> str:
    lines = ["## Page reruns on the shipped data (AppTest, whole script)", "",
             "First visit of the page in the process (cold query caches) and the median of warm reruns "
             "(a click that changes nothing cached). Goal: < 300 ms.", "",
             "| page | first visit s | rerun s (median, min–max) |", "|---|---:|---:|"]
    lines += [f"| {r['page']} | {r['cold']:.3f} | {_fmt(r['warm'])} |" for r in rows]
    return "\n".join(lines + [""])


