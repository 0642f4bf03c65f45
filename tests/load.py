"""Bounded load test: N concurrent real browser sessions against the served app.

One headless Chromium (Playwright's async API: the sync API is not thread-safe), one browser context
per session, each session an asyncio task running its own scenario:

* wall viewers (~25 %) open ``/ioc?rotate=3`` and watch the slides change;
* the others cycle: overview (sidebar link) → agency page (sidebar link) → a sidebar filter changed
  through the selectbox itself (period or agency) → an indicator page opened by deep link
  (``/chi-tiet?code=…``, a fresh page load, as from a shared link) → overview …

Every action is timed until the app is idle again: the script state of ``stApp`` is ``notRunning``,
no ``stStatusWidget`` is shown, the page's title (h1) is there with at least one chart, grid or
notice. Errors: ``stException`` elements, ``st.error`` alerts starting "Không đọc được dữ liệu",
page crashes and actions slower than 30 s. The server's RSS is sampled every 5 s. Everything stops
by itself at the deadline and nothing is left running (checked: every process started under this
one during the run is gone afterwards).

``python -m tests.load --sessions 20 --seconds 180`` writes the "## Load" section of BENCHMARKS.md;
tests/test_load.py runs a short variant in the suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from tests.served import CHROMIUM, CHROMIUM_ARGS, ROOT, rss_mb, served_process

SECTION = "## Load"
ACTION_TIMEOUT = 30.0  # seconds: slower than this counts as an error
WALL_STALL = 30.0  # seconds without a slide change on a 3 s wall counts as an error
SAMPLE_EVERY = 5.0
MAX_MESSAGES = 5
# slide changes of the wall are counted, not timed
UNTIMED = {"wall_slide"}

# idle = script not running, no status widget, the page's h1 and some content drawn
_IDLE_JS = """([title, before]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const h1 = [...document.querySelectorAll('[data-testid="stMain"] h1')].some(h => h.innerText.includes(title));
  if (!h1) return false;
  if (before !== null) {
    const cap = document.querySelector('[data-testid="stMain"] [data-testid="stCaptionContainer"]');
    if (!cap || cap.innerText === before) return false;
  }
  return !!document.querySelector('[data-testid="stMain"] .js-plotly-plot .main-svg, '
    + '[data-testid="stMain"] [data-testid="stDataFrame"], [data-testid="stMain"] [data-testid="stAlert"]');
}"""

_ERRORS_JS = """() => {
  const out = [];
  for (const e of document.querySelectorAll('[data-testid="stException"]'))
    out.push('stException: ' + e.innerText.slice(0, 300));
  for (const e of document.querySelectorAll('[data-testid="stAlert"]')) {
    const t = e.innerText.trim();
    if (t.startsWith('Không đọc được dữ liệu')) out.push('st.error: ' + t.slice(0, 300));
  }
  return out;
}"""

_CAPTION_JS = """() => {
  const cap = document.querySelector('[data-testid="stMain"] [data-testid="stCaptionContainer"]');
  return cap ? cap.innerText : '';
}"""

TITLES = {"open": "Tổng quan", "overview": "Tổng quan", "agency": "Theo cơ quan", "filter": "Theo cơ quan",
          "indicator": "Chi tiết chỉ tiêu"}


class ActionTimeout(Exception):
    pass


class Stats:
    """What every session reports (one asyncio loop: no locking needed)."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.counts: Counter = Counter()
        self.per_session: Counter = Counter()
        self.errors: list[str] = []
        self.error_kinds: Counter = Counter()
        self.js_errors = 0

    def action(self, sid: int, kind: str, seconds: float | None) -> None:
        self.counts[kind] += 1
        self.per_session[sid] += 1
        if seconds is not None:
            self.times.setdefault(kind, []).append(seconds)

    def error(self, sid: int, kind: str, message: str) -> None:
        self.error_kinds[kind] += 1
        if len(self.errors) < MAX_MESSAGES:
            self.errors.append(f"session {sid}, {kind}: {message[:300]}")


async def _errors_on(page) -> list[str]:
    try:
        return await page.evaluate(_ERRORS_JS)
    except Exception as exc:  # page closed or crashed mid-evaluation
        return [f"page not readable: {type(exc).__name__}: {str(exc)[:200]}"]


async def _wait_idle(page, title: str, before_caption: str | None, t0: float) -> float:
    """Seconds from ``t0`` until the app is idle with the page drawn (checked twice, 150 ms apart,
    so that a rerun that has not started yet is not taken for idle)."""
    deadline = t0 + ACTION_TIMEOUT
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise ActionTimeout(f"not idle after {ACTION_TIMEOUT:.0f} s")
        try:
            await page.wait_for_function(_IDLE_JS, arg=[title, before_caption], polling=100,
                                         timeout=max(1.0, left * 1000))
        except Exception as exc:
            if "Timeout" in type(exc).__name__ or "Timeout" in str(exc):
                raise ActionTimeout(f"not idle after {ACTION_TIMEOUT:.0f} s") from None
            raise
        done = time.monotonic() - t0
        await asyncio.sleep(0.15)
        if await page.evaluate("([t, b]) => (" + _IDLE_JS + ")([t, b])", [title, before_caption]):
            return done


async def _click_nav(page, href_suffix: str) -> None:
    links = page.locator(f'[data-testid="stSidebarNavLink"][href$="{href_suffix}"]')
    await links.first.click(timeout=ACTION_TIMEOUT * 1000)


async def _change_filter(page, rng: random.Random) -> None:
    """Open one sidebar selectbox (period or agency) and pick another value than the shown one.

    The box is scrolled into view first and the list opened by its button: react-aria closes the
    list when the sidebar scrolls, which a click on a box below the fold does."""
    label = rng.choice(["Kỳ báo cáo", "Cơ quan"])
    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text=label)
    current = await box.locator("input").input_value(timeout=ACTION_TIMEOUT * 1000)
    options = page.get_by_role("option")
    for attempt in range(3):
        await box.scroll_into_view_if_needed(timeout=ACTION_TIMEOUT * 1000)
        await asyncio.sleep(0.3)
        await box.get_by_role("button", name="Open").click(timeout=ACTION_TIMEOUT * 1000)
        try:
            await options.first.wait_for(timeout=5000)
            break
        except Exception:
            if attempt == 2:
                raise
    names = [t.strip() for t in await options.all_inner_texts()]
    choices = [n for n in names[:8] if n and n != current and n != "Tất cả"]
    pick = rng.choice(choices)
    await options.nth(names.index(pick)).click(timeout=ACTION_TIMEOUT * 1000)


async def _viewer(sid: int, browser, url: str, codes: list[str], deadline: float, stats: Stats, think) -> None:
    rng = random.Random(sid)
    context = await browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = await context.new_page()
        crashed = []
        page.on("crash", lambda _p: crashed.append(True))
        page.on("pageerror", lambda _e: setattr(stats, "js_errors", stats.js_errors + 1))
        step, fresh = 0, True
        while time.monotonic() < deadline:
            kind = "open" if fresh else ("overview", "agency", "filter", "indicator")[step % 4]
            try:
                before = None
                t0 = time.monotonic()
                if kind == "open":
                    await page.goto(f"{url}/", wait_until="domcontentloaded", timeout=ACTION_TIMEOUT * 1000)
                elif kind == "overview":
                    await _click_nav(page, "/")
                elif kind == "agency":
                    await _click_nav(page, "/co-quan")
                elif kind == "filter":
                    before = await page.evaluate(_CAPTION_JS)
                    await _change_filter(page, rng)
                else:
                    code = codes[(sid + step // 4) % len(codes)]
                    await page.goto(f"{url}/chi-tiet?code={code}", wait_until="domcontentloaded",
                                    timeout=ACTION_TIMEOUT * 1000)
                took = await _wait_idle(page, TITLES[kind], before, t0)
                stats.action(sid, kind, took)
                for message in await _errors_on(page):
                    stats.error(sid, kind, message)
                if crashed:
                    raise RuntimeError("page crashed")
                if fresh:
                    fresh, step = False, 1  # the overview is on screen: go on with the agency page
                else:
                    step += 1
            except Exception as exc:  # timeout, crash, a widget that never came: count, reload, go on
                what = "timeout" if isinstance(exc, ActionTimeout) or "Timeout" in type(exc).__name__ else "failure"
                stats.error(sid, f"{kind} {what}", f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
                if crashed:
                    await page.close()
                    page = await context.new_page()
                    crashed.clear()
                    page.on("crash", lambda _p: crashed.append(True))
                fresh, step = True, 0
            await asyncio.sleep(rng.uniform(*think))
    finally:
        await context.close()


async def _wall(sid: int, browser, url: str, deadline: float, stats: Stats) -> None:
    context = await browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = await context.new_page()
        crashed = []
        page.on("crash", lambda _p: crashed.append(True))
        page.on("pageerror", lambda _e: setattr(stats, "js_errors", stats.js_errors + 1))
        t0 = time.monotonic()
        try:
            await page.goto(f"{url}/ioc?rotate=3", wait_until="domcontentloaded", timeout=ACTION_TIMEOUT * 1000)
            await page.get_by_text("Chuyển đổi số tỉnh Vĩnh Long").first.wait_for(timeout=ACTION_TIMEOUT * 1000)
            await page.locator("h2").first.wait_for(timeout=ACTION_TIMEOUT * 1000)
            stats.action(sid, "wall_open", time.monotonic() - t0)
        except Exception as exc:
            stats.error(sid, "wall_open timeout", f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            return
        last, changed_at, seen_bad = None, time.monotonic(), False
        while time.monotonic() < deadline:
            try:
                title = await page.locator("h2").first.inner_text(timeout=5000)
            except Exception:
                title = last
            now = time.monotonic()
            if title != last:
                if last is not None:
                    stats.action(sid, "wall_slide", None)
                last, changed_at = title, now
            elif now - changed_at > WALL_STALL:
                stats.error(sid, "wall stalled", f"no slide change for {WALL_STALL:.0f} s (on {title!r})")
                changed_at = now
            bad = await _errors_on(page)
            if bad and not seen_bad:
                for message in bad:
                    stats.error(sid, "wall", message)
            seen_bad = bool(bad)
            if crashed:
                stats.error(sid, "wall crash", "page crashed")
                return
            await asyncio.sleep(0.5)
    finally:
        await context.close()


def _proc_start(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] == "Z" else fields[19]  # state, starttime


def _descendants(root: int) -> dict[int, str]:
    """Live processes below ``root`` (pid → start time), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(entry.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = {}, [root]
    while todo:
        for pid in children.get(todo.pop(), []):
            start = _proc_start(pid)
            if start is not None:
                out[pid] = start
                todo.append(pid)
    return out


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def _drain(stream):
    """Read the server's stderr while it runs (a full pipe would block the server); keep the
    lines that look like errors."""
    lines: list[str] = []

    def run():
        for raw in iter(stream.readline, b""):
            lines.append(raw.decode("utf-8", "replace").rstrip())

    t = threading.Thread(target=run, daemon=True)
    t.start()
    try:
        yield lines
    finally:
        t.join(timeout=5)


async def _drive(url: str, proc, sessions: int, seconds: float, codes: list[str], wall_share: float,
                 think: tuple[float, float]) -> dict:
    from playwright.async_api import async_playwright

    stats = Stats()
    samples: list[tuple[float, float]] = []
    n_wall = round(sessions * wall_share)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            start = time.monotonic()
            deadline = start + seconds
            cpu0 = _cpu_seconds(proc.pid)

            async def sample():
                while time.monotonic() < deadline:
                    samples.append((round(time.monotonic() - start, 1), rss_mb(proc.pid)))
                    await asyncio.sleep(SAMPLE_EVERY)

            async def staggered(i: int):
                await asyncio.sleep(i * min(0.25, seconds / 20 / max(1, sessions)))  # users arrive, not at once
                if i < n_wall:
                    await _wall(i, browser, url, deadline, stats)
                else:
                    await _viewer(i, browser, url, codes, deadline, stats, think)

            sampler = asyncio.create_task(sample())
            tasks = [asyncio.create_task(staggered(i)) for i in range(sessions)]
            # every action is bounded by ACTION_TIMEOUT; past that, cancel whatever is left
            _, pending = await asyncio.wait(tasks, timeout=seconds + ACTION_TIMEOUT + 15)
            for t in pending:
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            for t in tasks:
                if not t.cancelled() and t.exception() is not None:
                    stats.error(-1, "session crashed", repr(t.exception()))
            sampler.cancel()
            await asyncio.gather(sampler, return_exceptions=True)
            elapsed = time.monotonic() - start
            samples.append((round(elapsed, 1), rss_mb(proc.pid)))
            cpu = _cpu_seconds(proc.pid) - cpu0
        finally:
            await browser.close()
    return {"stats": stats, "samples": samples, "elapsed": elapsed, "server_cpu_s": cpu, "n_wall": n_wall}


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def indicator_codes(data_root: Path, n: int = 12) -> list[str]:
    """A spread of indicator codes of the snapshot (deep links of the scenario)."""
    from vlboard import access, snapshots

    snap = access.Snapshot.current(snapshots.DataDir(data_root))
    try:
        codes = snap.q("indicator_list").code.tolist()
    finally:
        snap.con.close()
    step = max(1, len(codes) // n)
    picked = codes[::step][:n]
    return (["TPVL-001"] if "TPVL-001" in codes else []) + [c for c in picked if c != "TPVL-001"]


def load(data_root: Path, sessions: int = 20, seconds: float = 180, *, wall_share: float = 0.25,
         think: tuple[float, float] = (0.5, 1.5)) -> dict:
    """Serve the app on ``data_root``, drive ``sessions`` browser sessions for ``seconds``, stop
    everything and return the figures."""
    codes = indicator_codes(data_root)
    before = set(_descendants(os.getpid()))
    with served_process(data_root) as (url, proc), _drain(proc.stderr) as log:
        rss_idle = rss_mb(proc.pid)
        run = asyncio.run(_drive(url, proc, sessions, seconds, codes, wall_share, think))
        during = {pid: st for pid, st in _descendants(os.getpid()).items() if pid not in before}
    server_pid, server_rc = proc.pid, proc.returncode
    # wait briefly for every process started during the run to be gone (chromium's helpers exit
    # a moment after the browser closes)
    end = time.monotonic() + 10
    while True:
        leftover = [pid for pid, st in during.items() if _proc_start(pid) == st]
        if not leftover or time.monotonic() > end:
            break
        time.sleep(0.2)
    stats: Stats = run["stats"]
    timed = [t for k, v in stats.times.items() if k not in UNTIMED for t in v]
    kinds = {k: {"count": stats.counts[k], "p50_s": _pct(stats.times.get(k, []), 50),
                 "p95_s": _pct(stats.times.get(k, []), 95), "max_s": max(stats.times.get(k, []), default=float("nan"))}
             for k in sorted(stats.counts)}
    samples = run["samples"]
    mb = [m for _, m in samples]
    tracebacks = [line for line in log if "Traceback" in line or line.startswith(("Error", "Exception"))]
    return {
        "sessions": sessions, "wall_sessions": run["n_wall"], "seconds": seconds, "elapsed_s": run["elapsed"],
        "think_s": think,
        "actions": sum(stats.counts.values()), "timed_actions": len(timed), "per_kind": kinds,
        "p50_s": _pct(timed, 50), "p95_s": _pct(timed, 95), "max_s": max(timed, default=float("nan")),
        "per_session_actions": [stats.per_session[i] for i in range(sessions)],
        "errors": sum(stats.error_kinds.values()), "error_kinds": dict(stats.error_kinds),
        "error_messages": stats.errors, "js_errors": stats.js_errors,
        "server_log_errors": len(tracebacks), "server_log_tail": log[-20:] if tracebacks else [],
        "rss_idle_mb": rss_idle, "rss_start_mb": mb[0], "rss_end_mb": mb[-1], "rss_max_mb": max(mb),
        "samples": samples, "server_cpu_pct": 100 * run["server_cpu_s"] / max(1e-9, run["elapsed"]),
        "server_pid": server_pid, "server_returncode": server_rc, "leftover_processes": leftover,
    }


@contextmanager
def fresh_shipped_data():
    """data/source, data/documents and data/geo copied to a temporary folder and built into a
    fresh snapshot (the run never touches data/); removed afterwards."""
    from vlboard import snapshots

    with tempfile.TemporaryDirectory(prefix="vlboard-load-") as tmp:
        root = Path(tmp) / "data"
        for sub in ("source", "documents", "geo"):
            shutil.copytree(ROOT / "data" / sub, root / sub)
        data = snapshots.DataDir(root)
        snapshots.build(data, author="load")
        yield data


def render(r: dict) -> str:
    def f(x: float) -> str:
        return "–" if x != x else f"{x:.2f}"

    kinds = r["per_kind"]
    names = {"open": "open overview (page load)", "overview": "overview (sidebar link)",
             "agency": "agency page (sidebar link)", "filter": "change a sidebar filter (selectbox)",
             "indicator": "indicator deep link (page load)", "wall_open": "open the wall (page load)",
             "wall_slide": "wall slide change (counted, not timed)"}
    lines = [
        SECTION, "",
        f"`python -m tests.load --sessions {r['sessions']} --seconds {int(r['seconds'])}`: one headless Chromium "
        f"drives {r['sessions']} concurrent sessions (browser contexts) of the served app on a fresh build of the "
        f"shipped data for {r['seconds']:.0f} s — {r['wall_sessions']} watch `/ioc?rotate=3`, the others cycle "
        "overview → agency page → a sidebar selectbox changed → an indicator deep link, pausing "
        f"{r['think_s'][0]:g}–{r['think_s'][1]:g} s between actions; an action is timed until the app is idle "
        "again (script not running, page title and a chart, grid or notice drawn) and the server's RSS is "
        "sampled every 5 s (2 cores, the browser on the same machine).", "",
        "| sessions | run s | actions | timed | p50 s | p95 s | max s | errors | server CPU % | RSS start MB | "
        "RSS end MB | RSS max MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {r['sessions']} | {r['seconds']:.0f} | {r['actions']} | {r['timed_actions']} | {f(r['p50_s'])} | "
        f"{f(r['p95_s'])} | {f(r['max_s'])} | {r['errors']} | {r['server_cpu_pct']:.0f} | {r['rss_start_mb']:.0f} | "
        f"{r['rss_end_mb']:.0f} | {r['rss_max_mb']:.0f} |", "",
        "| action | count | p50 s | p95 s | max s |", "|---|---:|---:|---:|---:|"]
    order = ["open", "overview", "agency", "filter", "indicator", "wall_open", "wall_slide"]
    for k in sorted(kinds, key=lambda k: order.index(k) if k in order else 99):
        v = kinds[k]
        lines.append(f"| {names.get(k, k)} | {v['count']} | {f(v['p50_s'])} | {f(v['p95_s'])} | {f(v['max_s'])} |")
    lines.append("")
    if r["errors"]:
        lines += ["Errors: " + "; ".join(f"{k}: {n}" for k, n in r["error_kinds"].items()) + ". First: "
                  + " / ".join(f"`{m}`" for m in r["error_messages"][:3]), ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    args = ap.parse_args()
    from vlboard.bench import replace_section

    with fresh_shipped_data() as data:
        r = load(data.root, args.sessions, args.seconds)
    out = Path(args.out)
    out.write_text(replace_section(out.read_text(encoding="utf-8") if out.exists() else "", render(r)),
                   encoding="utf-8")
    print(render(r))
    summary = {k: r[k] for k in ("per_session_actions", "error_messages", "js_errors", "server_log_errors",
                                 "server_log_tail", "leftover_processes", "server_returncode", "samples")}
    print(summary)


if __name__ == "__main__":
    main()
