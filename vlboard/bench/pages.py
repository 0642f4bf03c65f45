"""Page timings for BENCHMARKS.md: every page (and the wall) through AppTest on a data folder.

Run only in its own process (``bench --pages``): it imports streamlit; the table is written by
:func:`vlboard.bench.report.render_pages`."""

from __future__ import annotations

import os
import time
from pathlib import Path

from vlboard.bench.timing import peak_rss_mb, timed

PAGES = {
    "Tổng quan": "views/overview.py",
    "Trụ cột": "views/pillar.py",
    "Theo cơ quan": "views/agencies.py",
    "Theo phường, xã": "views/units.py",
    "Chi tiết chỉ tiêu": "views/indicator.py",
    "Kinh phí": "views/budget.py",
    "Nhiệm vụ": "views/milestones.py",
    "Màn hình IOC (1 trang)": "views/ioc.py",
}


def page_times(data_root: Path, repeat: int, keep_going: bool = False) -> dict:
    """Cold start (streamlit imported, snapshot opened, first page drawn), then for each page its
    first visit and the median of warm reruns (what a user waits for after a click). A page that
    fails raises, unless ``keep_going`` (``bench --pages --keep-going``, the 100 M run): then its
    error is recorded with the time it took and the other pages are still measured."""
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
        if at.exception and keep_going:
            proto = at.exception[0].proto
            out.append({"page": name, "cold": cold, "error": f"{proto.type}: {proto.message}"[:300]})
            continue
        if at.exception:
            raise RuntimeError(f"{name}: {at.exception}")
        warm = timed(at.run, repeat)
        out.append({"page": name, "cold": cold, "warm": warm})
    rss = peak_rss_mb()
    return {"start": start, "start_error": bool(first.exception), "pages": out, "peak_rss_mb": rss}
