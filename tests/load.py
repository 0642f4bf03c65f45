"""Bounded load test: N concurrent real Streamlit sessions, driven by one headless Chromium.

Playwright's async API (its sync API is not thread-safe): one browser, one asyncio task per session,
each task its own page (its own websocket, so its own server-side session and session state):

* wall viewers (25 % by default) open ``/ioc?rotate=3`` and watch the slides change;
* the others open the overview (even sessions) or an indicator's deep link ``/chi-tiet?code=…``
  (odd ones), then cycle through the app without reloading, pausing between actions like a reader:
  overview (sidebar link) → agency page (sidebar link) → a sidebar filter changed through the
  selectbox itself (period or agency) → indicator page (sidebar link) → another indicator picked by
  typing its code into the «Chỉ tiêu» box → overview …

Every action is timed until the app is idle again: ``stApp``'s script state is ``notRunning``, no
``stStatusWidget`` shows, the page's h1 is there with at least one chart, grid or notice (and after a
filter change the caption under the title has changed). Errors: ``stException`` elements, ``st.error``
alerts starting "Không đọc được dữ liệu", page crashes, and actions slower than 30 s. The server's
RSS is sampled every 5 s. Everything stops by itself at the deadline and nothing is left running
(checked: every process started under this one during the run is gone afterwards).

The browser runs on the same 2 cores as the server, and a fresh browser context costs a cold
renderer (4–5 CPU-s per first page load here). By default the sessions are therefore pages of three
contexts (two for viewers, one for walls) with ``--process-per-site``, so the Streamlit bundle is
compiled once per renderer (1.5–2 CPU-s per page load); ``isolation="contexts"`` gives every
session its own context. Each wall screen re-runs its fragment every second (~0.1 CPU-s of server
and ~0.15 CPU-s of browser per second here), so the five walls of the default mix take a large
share of these 2 cores before anyone clicks.

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
ACTION_TIMEOUT = 30.0  # seconds: an action slower than this counts as an error
WALL_STALL = 30.0  # seconds without a slide change on a rotate=3 wall counts as an error
SAMPLE_EVERY = 5.0
MAX_MESSAGES = 5
VIEWER = {"width": 1366, "height": 900}
WALL = {"width": 1920, "height": 1080}
UNTIMED = {"wall_slide"}  # slide changes of the wall are counted, not timed
CYCLE = ("overview", "agency", "filter", "indicator", "pick")
TITLES = {"open": "Tổng quan", "overview": "Tổng quan", "agency": "Theo cơ quan", "filter": "Theo cơ quan",
          "deep_link": "Chi tiết chỉ tiêu", "indicator": "Chi tiết chỉ tiêu", "pick": "Chi tiết chỉ tiêu"}
KIND_NAMES = {"open": "open the overview (page load)", "deep_link": "open an indicator deep link (page load)",
              "overview": "overview (sidebar link)", "agency": "agency page (sidebar link)",
              "filter": "change a sidebar filter (selectbox)", "indicator": "indicator page (sidebar link)",
              "pick": "pick an indicator (selectbox, typed code)", "wall_open": "open the wall (page load)",
              "wall_slide": "wall slide change (counted, not timed)"}

# idle = script not running, connected, no status widget, the page's h1 and some content drawn
_IDLE_JS = """([title, before, query]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || ![...main.querySelectorAll('h1')].some(h => h.textContent.includes(title))) return false;
  if (before !== null) {
    const cap = main.querySelector('[data-testid="stCaptionContainer"]');
    if (!cap || cap.textContent === before) return false;
  }
  if (query !== null && !decodeURIComponent(location.search).includes(query)) return false;
  return !!main.querySelector('.js-plotly-plot .main-svg, [data-testid="stDataFrame"], [data-testid="stAlert"]');
}"""

_ERRORS_JS = """() => {
  const out = [];
  for (const e of document.querySelectorAll('[data-testid="stException"]'))
    out.push('stException: ' + e.textContent.replace('Traceback:', ' — Traceback: ').slice(0, 400));
  for (const e of document.querySelectorAll('[data-testid="stAlert"]')) {
    const t = e.textContent.trim();
    if (t.startsWith('Không đọc được dữ liệu')) out.push('st.error: ' + t.slice(0, 300));
  }
  return out;
}"""

_CAPTION_JS = """() => {
  const cap = document.querySelector('[data-testid="stMain"] [data-testid="stCaptionContainer"]');
  return cap ? cap.textContent : '';
}"""


class ActionTimeout(Exception):
    pass


class Stats:
    """What the sessions report (all in one asyncio loop: no locking needed)."""

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
            self.errors.append(f"session {sid}, {kind}: {message[:400]}")

    def js_error(self, _exc) -> None:
        self.js_errors += 1


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200] if text else ''}"


async def _errors_on(page) -> list[str]:
    try:
        return await page.evaluate(_ERRORS_JS)
    except Exception as exc:  # page closed or crashed mid-evaluation
        return [f"page not readable: {_first_line(exc)}"]


async def _wait_idle(page, title: str, before_caption: str | None, t0: float,
                     timeout: float = ACTION_TIMEOUT, query: str | None = None) -> float:
    """Seconds from ``t0`` until the app is idle with the page drawn (seen twice, 150 ms apart, so
    that a rerun about to start is not taken for idle)."""
    deadline = t0 + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise ActionTimeout(f"not idle after {timeout:.0f} s")
        try:
            await page.wait_for_function(_IDLE_JS, arg=[title, before_caption, query], polling=200,
                                         timeout=left * 1000)
        except Exception as exc:
            if "Timeout" in type(exc).__name__:
                raise ActionTimeout(f"not idle after {timeout:.0f} s") from None
            raise
        done = time.monotonic() - t0
        await asyncio.sleep(0.15)
        if await page.evaluate(f"(arg) => ({_IDLE_JS})(arg)", [title, before_caption, query]):
            return done


async def _click_nav(page, href_suffix: str) -> None:
    link = page.locator(f'[data-testid="stSidebarNavLink"][href$="{href_suffix}"]').first
    await link.wait_for(timeout=ACTION_TIMEOUT * 1000)
    # force: a real mouse click at the link, without Playwright's "stable for two animation frames"
    # wait, which a renderer busy with 10 other sessions stretches to many seconds
    await link.click(force=True, timeout=ACTION_TIMEOUT * 1000)


async def _change_filter(page, rng: random.Random) -> None:
    """Open one sidebar selectbox (period or agency) and pick another value than the shown one.

    The box is scrolled into view first and opened by its button: react-aria closes the list when
    the sidebar scrolls, which a click on a box below the fold does."""
    label = rng.choice(["Kỳ báo cáo", "Cơ quan"])
    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text=label)
    current = await box.locator("input").input_value(timeout=ACTION_TIMEOUT * 1000)
    options = page.get_by_role("option")
    names: list[str] = []
    for _attempt in range(3):  # the list can close again (a rerun redrawing the sidebar): reopen it
        await box.evaluate("e => e.scrollIntoView({block: 'center'})")
        await asyncio.sleep(0.3)
        await box.get_by_role("button", name="Open").click(force=True, timeout=ACTION_TIMEOUT * 1000)
        try:
            await options.first.wait_for(timeout=5000)
        except Exception:
            continue
        for _ in range(8):  # the list is virtual: its first rows may take a moment to appear
            names = [t.strip() for t in await options.all_text_contents()]
            choices = [n for n in names[:8] if n and n not in (current, "Tất cả")]
            if choices:
                pick = rng.choice(choices)
                await options.nth(names.index(pick)).click(force=True, timeout=ACTION_TIMEOUT * 1000)
                return
            await asyncio.sleep(0.25)
        await page.keyboard.press("Escape")
    raise RuntimeError(f"no other value offered in «{label}»: {names[:8]}")


async def _pick_indicator(page, code: str) -> None:
    """Type ``code`` into the indicator page's «Chỉ tiêu» box and choose it from the list."""
    field = page.get_by_test_id("stMain").get_by_role("combobox", name="Chỉ tiêu")
    option = page.get_by_role("option").filter(has_text=f"{code} — ").first
    for attempt in range(3):  # the list can close again (a rerun redrawing the page): type again
        await field.click(force=True, timeout=ACTION_TIMEOUT * 1000)
        await field.fill(code, timeout=ACTION_TIMEOUT * 1000)
        try:
            await option.wait_for(timeout=5000)
            break
        except Exception:
            if attempt == 2:
                raise
    await option.click(force=True, timeout=ACTION_TIMEOUT * 1000)


def _watch(page, stats: Stats) -> list:
    crashed: list = []
    page.on("crash", lambda _p: crashed.append(True))
    page.on("pageerror", stats.js_error)
    return crashed


async def _viewer(sid: int, context, url: str, codes: list[str], deadline: float, stats: Stats,
                  think: tuple[float, float]) -> None:
    """Opens the overview (even sessions) or an indicator's deep link (odd ones), then cycles through
    the app without reloading: overview → agency page → a filter → indicator page → another indicator."""
    rng = random.Random(sid)
    page = await context.new_page()
    crashed = _watch(page, stats)
    step, fresh, n = 0, True, sid
    try:
        while time.monotonic() < deadline:
            opening = "deep_link" if sid % 2 else "open"
            kind = opening if fresh else CYCLE[step % len(CYCLE)]
            try:
                before = query = None
                t0 = time.monotonic()
                if kind == "open":
                    await page.goto(f"{url}/", wait_until="domcontentloaded", timeout=ACTION_TIMEOUT * 1000)
                elif kind == "deep_link":
                    n += 1
                    await page.goto(f"{url}/chi-tiet?code={codes[n % len(codes)]}", wait_until="domcontentloaded",
                                    timeout=ACTION_TIMEOUT * 1000)
                elif kind in ("overview", "agency", "indicator"):
                    await _click_nav(page, {"overview": "/", "agency": "/co-quan", "indicator": "/chi-tiet"}[kind])
                elif kind == "filter":
                    before = await page.evaluate(_CAPTION_JS)
                    await _change_filter(page, rng)
                else:
                    n += 1
                    query = f"code={codes[n % len(codes)]}"
                    if query in await page.evaluate("() => decodeURIComponent(location.search)"):
                        n += 1
                        query = f"code={codes[n % len(codes)]}"
                    await _pick_indicator(page, query[5:])
                stats.action(sid, kind, await _wait_idle(page, TITLES[kind], before, t0, query=query))
                for message in await _errors_on(page):
                    stats.error(sid, kind, message)
                if crashed:
                    raise RuntimeError("page crashed")
                # after opening: on with the agency page (from the overview) or the overview
                step = (1 if kind == "open" else 0) if fresh else step + 1
                fresh = False
            except Exception as exc:  # timeout, crash, a widget that never came: count, reload, go on
                timeout = isinstance(exc, ActionTimeout) or "Timeout" in type(exc).__name__
                stats.error(sid, f"{kind} {'timeout' if timeout else 'failure'}", _first_line(exc))
                if crashed:
                    await page.close()
                    page = await context.new_page()
                    crashed = _watch(page, stats)
                fresh, step = True, 0
            await asyncio.sleep(rng.uniform(*think))
    finally:
        await page.close()


async def _wall(sid: int, context, url: str, deadline: float, stats: Stats) -> None:
    page = await context.new_page()
    crashed = _watch(page, stats)
    try:
        t0 = time.monotonic()
        try:
            await page.goto(f"{url}/ioc?rotate=3", wait_until="domcontentloaded", timeout=ACTION_TIMEOUT * 1000)
            left = max(1.0, t0 + ACTION_TIMEOUT - time.monotonic())
            await page.get_by_text("Chuyển đổi số tỉnh Vĩnh Long").first.wait_for(timeout=left * 1000)
            await page.locator("h2").first.wait_for(timeout=left * 1000)
            stats.action(sid, "wall_open", time.monotonic() - t0)
        except Exception as exc:
            stats.error(sid, "wall_open timeout", _first_line(exc))
            return
        last, changed_at, seen_bad = None, time.monotonic(), False
        while time.monotonic() < deadline:
            try:
                title = await page.locator("h2").first.text_content(timeout=5000)
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
            if bad and not seen_bad:  # an error box that stays is counted once
                for message in bad:
                    stats.error(sid, "wall", message)
            seen_bad = bool(bad)
            if crashed:
                stats.error(sid, "wall crash", "page crashed")
                return
            await asyncio.sleep(1.0)
    finally:
        await page.close()


async def _warm_up(viewers: list, walls, url: str, codes: list[str]) -> float:
    """One visitor before the clock starts (a server that has been up a while has warm caches):
    overview, agency page, an indicator, the wall; then the overview once in every other viewers'
    context (its renderer compiles the bundle). Returns the first page's time (cold server)."""
    page = await viewers[0].new_page()
    try:
        t0 = time.monotonic()
        await page.goto(f"{url}/", wait_until="domcontentloaded", timeout=60000)
        cold = await _wait_idle(page, "Tổng quan", None, t0, timeout=60)
        await _click_nav(page, "/co-quan")
        await _wait_idle(page, "Theo cơ quan", None, time.monotonic(), timeout=60)
        await page.goto(f"{url}/chi-tiet?code={codes[0]}", wait_until="domcontentloaded", timeout=60000)
        await _wait_idle(page, "Chi tiết chỉ tiêu", None, time.monotonic(), timeout=60)
    finally:
        await page.close()
    for context in viewers[1:]:
        page = await context.new_page()
        try:
            await page.goto(f"{url}/", wait_until="domcontentloaded", timeout=60000)
            await _wait_idle(page, "Tổng quan", None, time.monotonic(), timeout=60)
        finally:
            await page.close()
    page = await walls.new_page()
    try:
        await page.goto(f"{url}/ioc?rotate=3", wait_until="domcontentloaded", timeout=60000)
        await page.locator("h2").first.wait_for(timeout=60000)
    finally:
        await page.close()
    return cold


def _wall_ids(sessions: int, wall_share: float) -> set[int]:
    """Which sessions watch the wall: spread over the arrival order."""
    n = round(sessions * wall_share)
    return {round(k * sessions / n) for k in range(n)} if n else set()


async def _drive(url: str, proc, sessions: int, seconds: float, codes: list[str], wall_share: float,
                 think: tuple[float, float], ramp: float, isolation: str, renderers: int) -> dict:
    from playwright.async_api import async_playwright

    stats = Stats()
    samples: list[tuple[float, float]] = []
    walls = _wall_ids(sessions, wall_share)
    shared = isolation == "pages"
    args = CHROMIUM_ARGS + (["--process-per-site"] if shared else [])
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            viewers_ctx = [await browser.new_context(viewport=VIEWER) for _ in range(renderers if shared else 1)]
            walls_ctx = await browser.new_context(viewport=WALL)
            cold = await _warm_up(viewers_ctx, walls_ctx, url, codes)
            rss_warm = rss_mb(proc.pid)
            start = time.monotonic()
            deadline = start + seconds
            cpu0 = _cpu_seconds(proc.pid)

            async def sample():
                while time.monotonic() < deadline:
                    samples.append((round(time.monotonic() - start, 1), rss_mb(proc.pid)))
                    await asyncio.sleep(SAMPLE_EVERY)

            async def arrive(i: int):
                await asyncio.sleep(i * ramp / max(1, sessions))  # users arrive over the ramp, not at once
                wall = i in walls
                own = None if shared else await browser.new_context(viewport=WALL if wall else VIEWER)
                try:
                    if wall:
                        await _wall(i, own or walls_ctx, url, deadline, stats)
                    else:
                        await _viewer(i, own or viewers_ctx[i % len(viewers_ctx)], url, codes, deadline, stats, think)
                finally:
                    if own is not None:
                        await own.close()

            sampler = asyncio.create_task(sample())
            tasks = [asyncio.create_task(arrive(i)) for i in range(sessions)]
            # every action is bounded by ACTION_TIMEOUT; past that, cancel whatever is left
            _, pending = await asyncio.wait(tasks, timeout=seconds + ACTION_TIMEOUT + 15)
            for t in pending:
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            for t in tasks:
                if not t.cancelled() and t.exception() is not None:
                    stats.error(-1, "session crashed", repr(t.exception()))
            if pending:
                stats.error(-1, "not stopped", f"{len(pending)} sessions cancelled after the deadline")
            sampler.cancel()
            await asyncio.gather(sampler, return_exceptions=True)
            elapsed = time.monotonic() - start
            samples.append((round(elapsed, 1), rss_mb(proc.pid)))
            cpu = _cpu_seconds(proc.pid) - cpu0
        finally:
            await browser.close()
    return {"stats": stats, "samples": samples, "elapsed": elapsed, "server_cpu_s": cpu, "walls": sorted(walls),
            "cold_s": cold, "rss_warm_mb": rss_warm}


def _proc_start(pid: int) -> str | None:
    """Start time of a live (not zombie) process, None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else fields[19]


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
    """Read the server's stderr while it runs (a full pipe would block the server)."""
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


def _pct(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def streamlit_settings() -> dict[str, str]:
    """The two Streamlit options that decide the server's cost per rerun, as the served app gets
    them (.streamlit/config.toml, overridden by STREAMLIT_* variables)."""
    import tomllib

    try:
        conf = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        conf = {}
    out = {}
    for section, key, env, default in (("runner", "postScriptGC", "STREAMLIT_RUNNER_POST_SCRIPT_GC", True),
                                       ("server", "fileWatcherType", "STREAMLIT_SERVER_FILE_WATCHER_TYPE", "auto")):
        out[f"{section}.{key}"] = str(os.environ.get(env, conf.get(section, {}).get(key, default))).lower()
    return out


def indicator_codes(data_root: Path, n: int = 12) -> list[str]:
    """TPVL-001 and a spread of the catalogue's codes: the scenario's deep links."""
    from vlboard import access, snapshots

    snap = access.Snapshot.current(snapshots.DataDir(data_root))
    try:
        codes = snap.q("indicator_list").code.tolist()
    finally:
        snap.con.close()
    picked = codes[::max(1, len(codes) // n)][:n]
    return (["TPVL-001"] if "TPVL-001" in codes else []) + [c for c in picked if c != "TPVL-001"]


def load(data_root: Path, sessions: int = 20, seconds: float = 180, *, wall_share: float = 0.25,
         think: tuple[float, float] = (5.0, 10.0), ramp: float | None = None, isolation: str = "pages",
         renderers: int = 2) -> dict:
    """Serve the app on ``data_root``, drive ``sessions`` sessions for ``seconds`` (arrivals spread
    over ``ramp`` seconds, a pause of ``think`` seconds between actions), stop everything and return
    the figures. ``isolation``: "pages" (sessions are pages of a shared renderer) or "contexts"."""
    if isolation not in ("pages", "contexts"):
        raise ValueError(isolation)
    codes = indicator_codes(data_root)
    ramp = min(20.0, seconds / 2.5) if ramp is None else ramp
    before = set(_descendants(os.getpid()))
    with served_process(data_root) as (url, proc), _drain(proc.stderr) as log:
        run = asyncio.run(_drive(url, proc, sessions, seconds, codes, wall_share, think, ramp, isolation,
                                 renderers))
        during = {pid: st for pid, st in _descendants(os.getpid()).items() if pid not in before}
    server_pid, server_rc = proc.pid, proc.returncode
    end = time.monotonic() + 10  # chromium's helpers exit a moment after the browser
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
    mb = [m for _, m in run["samples"]]
    tracebacks = sum(1 for line in log if line.startswith("Traceback"))
    return {
        "sessions": sessions, "wall_sessions": len(run["walls"]), "wall_ids": run["walls"], "seconds": seconds,
        "elapsed_s": run["elapsed"], "think_s": think, "ramp_s": ramp, "isolation": isolation, "renderers": renderers,
        "actions": sum(stats.counts.values()), "timed_actions": len(timed), "per_kind": kinds,
        "p50_s": _pct(timed, 50), "p95_s": _pct(timed, 95), "max_s": max(timed, default=float("nan")),
        "per_session_actions": [stats.per_session[i] for i in range(sessions)],
        "errors": sum(stats.error_kinds.values()), "error_kinds": dict(stats.error_kinds),
        "error_messages": stats.errors, "js_errors": stats.js_errors,
        "server_tracebacks": tracebacks, "server_log_tail": log[-12:] if tracebacks else [],
        "cold_first_page_s": run["cold_s"], "rss_warm_mb": run["rss_warm_mb"],
        "rss_start_mb": mb[0], "rss_end_mb": mb[-1], "rss_max_mb": max(mb), "samples": run["samples"],
        "server_cpu_pct": 100 * run["server_cpu_s"] / max(1e-9, run["elapsed"]),
        "server_pid": server_pid, "server_returncode": server_rc, "leftover_processes": leftover,
        "streamlit": streamlit_settings(),
    }


@contextmanager
def fresh_shipped_data():
    """data/source, data/documents and data/geo copied to a temporary folder and built into a fresh
    snapshot (the run never touches data/); removed afterwards."""
    from vlboard import snapshots

    with tempfile.TemporaryDirectory(prefix="vlboard-load-") as tmp:
        root = Path(tmp) / "data"
        for sub in ("source", "documents", "geo"):
            shutil.copytree(ROOT / "data" / sub, root / sub)
        data = snapshots.DataDir(root)
        snapshots.build(data, author="load")
        yield data


def render(r: dict) -> str:
    def s(x: float) -> str:
        return "–" if x != x else f"{x:.2f}"

    order = list(KIND_NAMES)
    lines = [
        SECTION, "",
        f"`python -m tests.load --sessions {r['sessions']} --seconds {int(r['seconds'])}`: one headless Chromium on "
        f"the same 2 cores drives {r['sessions']} concurrent sessions of the served app (a fresh build of the shipped "
        f"data, caches warmed by one visitor first) for {r['seconds']:.0f} s, arrivals spread over "
        f"{r['ramp_s']:g} s: {r['wall_sessions']} watch `/ioc?rotate=3`, the others open the overview or an "
        "indicator deep link and then cycle overview → agency page → a sidebar selectbox changed → indicator page → "
        "an indicator picked in its selectbox, pausing "
        f"{r['think_s'][0]:g}–{r['think_s'][1]:g} s between actions; an action is timed until the app is idle again "
        "(script not running, the page's title and a chart, grid or notice drawn), an error is an exception box, "
        "a data-read error, a crash or an action over 30 s; the server's RSS is sampled every 5 s. Streamlit: "
        + ", ".join(f"`{k} = {v}`" for k, v in r["streamlit"].items()) + ".", "",
        "| sessions | run s | actions | timed | p50 s | p95 s | max s | errors | server CPU % | RSS start MB | "
        "RSS end MB | RSS max MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {r['sessions']} | {r['seconds']:.0f} | {r['actions']} | {r['timed_actions']} | {s(r['p50_s'])} | "
        f"{s(r['p95_s'])} | {s(r['max_s'])} | {r['errors']} | {r['server_cpu_pct']:.0f} | {r['rss_start_mb']:.0f} | "
        f"{r['rss_end_mb']:.0f} | {r['rss_max_mb']:.0f} |", "",
        "| action | count | p50 s | p95 s | max s |", "|---|---:|---:|---:|---:|"]
    for k in sorted(r["per_kind"], key=lambda k: order.index(k) if k in order else len(order)):
        v = r["per_kind"][k]
        lines.append(f"| {KIND_NAMES.get(k, k)} | {v['count']} | {s(v['p50_s'])} | {s(v['p95_s'])} | {s(v['max_s'])} |")
    lines.append("")
    if r["errors"]:
        first = " / ".join("`" + m.replace("`", "'").replace("\n", " ")[:200] + "`" for m in r["error_messages"][:3])
        lines += ["Errors by kind: " + ", ".join(f"{k} {n}" for k, n in r["error_kinds"].items()) + f". First: {first}",
                  ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description="Bounded load test of the served app; writes BENCHMARKS.md '## Load'.")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--wall-share", type=float, default=0.25)
    ap.add_argument("--isolation", choices=("pages", "contexts"), default="pages")
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    args = ap.parse_args()
    from vlboard.bench import replace_section

    with fresh_shipped_data() as data:
        r = load(data.root, args.sessions, args.seconds, wall_share=args.wall_share, isolation=args.isolation)
    out = Path(args.out)
    out.write_text(replace_section(out.read_text(encoding="utf-8") if out.exists() else "", render(r)),
                   encoding="utf-8")
    print(render(r))
    print({k: r[k] for k in ("per_session_actions", "error_messages", "js_errors", "server_tracebacks",
                             "cold_first_page_s", "rss_warm_mb", "leftover_processes", "server_returncode",
                             "samples")})


if __name__ == "__main__":
    main()
