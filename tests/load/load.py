"""Bounded load test: N concurrent real Streamlit sessions of the served app, over Streamlit's own
websocket protocol (tests/support/wsclient.py), one asyncio task per session.

Every session is a real server-side session (its own websocket, script thread, session and widget
state) and gets the deltas a browser would get. The protocol client costs almost nothing, so on the
2 cores of the CI machine the figures are the server's: the first version of this test drove 20
Chromium pages on the same 2 cores and measured mostly the browser (p95 29 s). Rendering is proven
separately by the Chromium tests (tests/browser/, the wall soak).

* wall viewers (25 % by default) open ``/ioc?rotate=3`` and then, like the frontend, re-run the
  wall's ``run_every`` fragment at the interval the server announced; slide changes are counted and
  a wall without a new slide for 30 s is an error;
* the others open the overview (even sessions) or an indicator's deep link ``/chi-tiet?code=…``
  (odd ones), then cycle like a reader, pausing between actions: overview (sidebar link) → agency
  page (sidebar link) → a sidebar filter changed (period or agency selectbox) → indicator page
  (sidebar link) → another indicator picked in the «Chỉ tiêu» selectbox → overview …

An action is timed from the message sent to ``script_finished``, then checked: the page's title is
there with a chart, grid or notice; after a filter change the caption names the chosen value; after a
pick the URL holds the code. Errors: an exception element, an ``st.error`` "Không đọc được dữ liệu",
a run that ends otherwise, a failed check, a closed socket, or an action slower than 30 s. The
server's RSS is sampled every 5 s. Everything stops by itself at the deadline and nothing is left
running (checked: every process started under this one during the run is gone afterwards).

``python -m tests.load.load --sessions 20 --seconds 180`` writes the "## Load" section of BENCHMARKS.md;
tests/load/test_load.py runs a short variant in the suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import statistics
import tempfile
import time
from collections import Counter
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from tests.support.procs import cpu_seconds, descendants, drain, proc_start
from tests.support.served import ROOT, rss_mb, served_process
from tests.support.wsclient import ProtocolError, Run, Session

SECTION = "## Load"
ACTION_TIMEOUT = 30.0  # seconds: an action slower than this counts as an error
WALL_STALL = 30.0  # seconds without a slide change on a rotate=3 wall counts as an error
SAMPLE_EVERY = 5.0
MAX_MESSAGES = 5
CYCLE = ("overview", "agency", "filter", "indicator", "pick")
TITLES = {
    "open": "Tổng quan",
    "overview": "Tổng quan",
    "agency": "Theo cơ quan",
    "filter": "Theo cơ quan",
    "deep_link": "Chi tiết chỉ tiêu",
    "indicator": "Chi tiết chỉ tiêu",
    "pick": "Chi tiết chỉ tiêu",
}
PATHS = {"overview": "", "agency": "co-quan", "indicator": "chi-tiet"}
CONTENT = {"plotly_chart", "arrow_data_frame", "dataframe", "alert"}
KIND_NAMES = {
    "open": "open the overview (page load)",
    "deep_link": "open an indicator deep link (page load)",
    "overview": "overview (sidebar link)",
    "agency": "agency page (sidebar link)",
    "filter": "change a sidebar filter (selectbox)",
    "indicator": "indicator page (sidebar link)",
    "pick": "pick an indicator (selectbox)",
    "wall_open": "open the wall (page load)",
    "wall_tick": "wall fragment rerun (every second)",
}


class CheckFailed(Exception):
    pass


class Stats:
    """What the sessions report (all in one asyncio loop: no locking needed)."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.counts: Counter = Counter()
        self.per_session: Counter = Counter()
        self.errors: list[str] = []
        self.error_kinds: Counter = Counter()
        self.slides = 0
        self.bytes = 0

    def action(self, sid: int, kind: str, run: Run) -> None:
        self.counts[kind] += 1
        self.per_session[sid] += 1
        self.bytes += run.bytes
        self.times.setdefault(kind, []).append(run.seconds)

    def error(self, sid: int, kind: str, message: str) -> None:
        self.error_kinds[kind] += 1
        if len(self.errors) < MAX_MESSAGES:
            self.errors.append(f"session {sid}, {kind}: {message[:400]}")


def _plain(text: str) -> str:
    return text.replace("\\", "")


def check(run: Run, kind: str, expect: str | None = None) -> None:
    """What a person would see: no error box, the page's title, some content, and the change asked for."""
    problems = run.exceptions + [a[:300] for a in run.alerts if a.startswith("Không đọc được dữ liệu")]
    if problems:
        raise CheckFailed(" / ".join(problems))
    title = TITLES[kind]
    if not any(title in h for h in run.headings):
        raise CheckFailed(f"no heading «{title}» (headings: {run.headings[:4]})")
    if not any(e.kind in CONTENT for e in run.elements if not e.sidebar):
        raise CheckFailed("no chart, grid or notice drawn")
    if expect is not None and not any(expect in _plain(e.text) for e in run.of("markdown")):
        raise CheckFailed(f"the page does not show the chosen «{expect}»")


def _other(box, rng: random.Random) -> str:
    options = list(box.proto.options)
    current = box.proto.raw_value if box.proto.set_value else options[box.proto.default]
    return rng.choice([o for o in options[:12] if o not in (current, "Tất cả")])


async def _viewer(
    sid: int, url: str, codes: list[str], deadline: float, stats: Stats, think: tuple[float, float]
) -> None:
    """Opens the overview (even sessions) or an indicator's deep link (odd ones), then cycles through
    the app: overview → agency page → a filter → indicator page → another indicator."""
    rng = random.Random(sid)
    n, kind = sid, "connect"
    while time.monotonic() < deadline:  # one browser tab; a failure reloads it (a new session)
        try:
            async with Session(url, ACTION_TIMEOUT) as s:
                kind = "deep_link" if sid % 2 else "open"
                n += 1
                run = await (s.open("chi-tiet", f"code={codes[n % len(codes)]}") if sid % 2 else s.open())
                check(run, kind)
                stats.action(sid, kind, run)
                # sessions enter the cycle at different points, so that every kind of action is met
                # within each session's first few actions even on a slow machine: a deep link is on an
                # indicator page, so it picks another indicator first; half the overview sessions go
                # to the indicator page first, the others to the agency page
                step = CYCLE.index("pick") if kind == "deep_link" else 3 if (sid // 4) % 2 else 1
                while time.monotonic() < deadline:
                    await asyncio.sleep(rng.uniform(*think))
                    if time.monotonic() >= deadline:
                        return
                    kind = CYCLE[step % len(CYCLE)]
                    expect = None
                    if kind in PATHS:
                        run = await s.goto(PATHS[kind])
                    elif kind == "filter":
                        box = run.widget("selectbox", rng.choice(["Kỳ báo cáo", "Cơ quan"]))
                        expect = _other(box, rng)
                        run = await s.choose(box, expect)
                    else:
                        n += 1
                        box = run.widget("selectbox", "Chỉ tiêu")
                        code = codes[n % len(codes)]
                        if f"code={code}" in s.query:
                            n += 1
                            code = codes[n % len(codes)]
                        label = next(o for o in box.proto.options if o.startswith(f"{code} — "))
                        run = await s.choose(box, label)
                        if f"code={code}" not in s.query:
                            raise CheckFailed(f"the URL does not hold code={code}: {s.query}")
                    check(run, kind, expect)
                    stats.action(sid, kind, run)
                    step += 1
        except (TimeoutError, ProtocolError, CheckFailed, OSError, StopIteration, AttributeError) as exc:
            stats.error(sid, f"{type(exc).__name__}", f"{kind}: {exc}")
            await asyncio.sleep(rng.uniform(*think))


def _panel_title(run) -> str | None:
    """The wall's rotating panel title with its position ('Nhiệm vụ quá hạn 2/5'), from its HTML."""
    m = re.search(
        r"<h2 class='w-ptitle'><span>(.*?)</span><span class='w-pos'>(.*?)</span>",
        run.markdown_starting("<div class='wall'") or "",
    )
    return f"{m.group(1)} {m.group(2)}" if m else None


async def _wall(sid: int, url: str, deadline: float, stats: Stats) -> None:
    """A wall screen: one page load, then the fragment's timer until the deadline."""
    try:
        async with Session(url, ACTION_TIMEOUT) as s:
            run = await s.open("ioc", "rotate=3")
            if run.exceptions or run.auto_rerun is None:
                raise CheckFailed(f"wall without its timer: {run.exceptions}")
            stats.action(sid, "wall_open", run)
            interval, fragment = run.auto_rerun
            title, changed_at = _panel_title(run), time.monotonic()
            while time.monotonic() < deadline:
                await asyncio.sleep(interval)
                run = await s.fragment(fragment)
                stats.action(sid, "wall_tick", run)
                if run.exceptions:
                    raise CheckFailed(" / ".join(run.exceptions))
                now, shown = time.monotonic(), _panel_title(run)
                if shown != title:
                    stats.slides += 1
                    title, changed_at = shown, now
                elif now - changed_at > WALL_STALL:
                    stats.error(sid, "wall stalled", f"no slide change for {WALL_STALL:.0f} s (on {title!r})")
                    changed_at = now
    except (TimeoutError, ProtocolError, CheckFailed, OSError) as exc:
        stats.error(sid, f"wall {type(exc).__name__}", str(exc))


async def _warm_up(url: str, codes: list[str]) -> float:
    """One visitor before the clock starts (a server that has been up a while has warm caches):
    overview, agency page, an indicator, the wall. Returns the first page's time (cold server)."""
    async with Session(url, 120) as s:
        cold = (await s.open()).seconds
        await s.goto("co-quan")
        await s.open("chi-tiet", f"code={codes[0]}")
    async with Session(url, 120) as s:
        await s.open("ioc", "rotate=3")
    return cold


def _wall_ids(sessions: int, wall_share: float) -> set[int]:
    """Which sessions watch the wall: spread over the arrival order."""
    n = round(sessions * wall_share)
    return {round(k * sessions / n) for k in range(n)} if n else set()


@asynccontextmanager
async def _sampling(pid: int, samples: list, start: float):
    async def sample():
        while True:
            samples.append((round(time.monotonic() - start, 1), rss_mb(pid)))
            await asyncio.sleep(SAMPLE_EVERY)

    task = asyncio.create_task(sample())
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _drive(
    url: str,
    pid: int,
    sessions: int,
    seconds: float,
    codes: list[str],
    wall_share: float,
    think: tuple[float, float],
    ramp: float,
) -> dict:
    stats = Stats()
    samples: list[tuple[float, float]] = []
    walls = _wall_ids(sessions, wall_share)
    cold = await _warm_up(url, codes)
    rss_warm = rss_mb(pid)
    start = time.monotonic()
    deadline = start + seconds
    cpu0 = cpu_seconds(pid)

    async def arrive(i: int):
        await asyncio.sleep(i * ramp / max(1, sessions))  # users arrive over the ramp, not at once
        if i in walls:
            await _wall(i, url, deadline, stats)
        else:
            await _viewer(i, url, codes, deadline, stats, think)

    async with _sampling(pid, samples, start):
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
    elapsed = time.monotonic() - start
    samples.append((round(elapsed, 1), rss_mb(pid)))
    return {
        "stats": stats,
        "samples": samples,
        "elapsed": elapsed,
        "server_cpu_s": cpu_seconds(pid) - cpu0,
        "walls": sorted(walls),
        "cold_s": cold,
        "rss_warm_mb": rss_warm,
    }


def _pct(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def streamlit_settings(env: dict[str, str] | None = None) -> dict[str, str]:
    """The two Streamlit options that decide the server's cost per rerun, as the served app gets
    them (.streamlit/config.toml, overridden by STREAMLIT_* variables)."""
    env = {**os.environ, **(env or {})}
    import tomllib

    try:
        conf = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        conf = {}
    out = {}
    for section, key, var, default in (
        ("runner", "postScriptGC", "STREAMLIT_RUNNER_POST_SCRIPT_GC", True),
        ("server", "fileWatcherType", "STREAMLIT_SERVER_FILE_WATCHER_TYPE", "auto"),
    ):
        out[f"{section}.{key}"] = str(env.get(var, conf.get(section, {}).get(key, default))).lower()
    return out


def indicator_codes(data_root: Path, n: int = 12) -> list[str]:
    """TPVL-001 and a spread of the catalogue's codes: the scenario's deep links."""
    from vlboard.store import snapshots
    from vlboard.store.source import Snapshot

    snap = Snapshot.current(snapshots.DataDir(data_root))
    try:
        codes = snap.q("indicator_list").code.tolist()
    finally:
        snap.con.close()
    picked = codes[:: max(1, len(codes) // n)][:n]
    return (["TPVL-001"] if "TPVL-001" in codes else []) + [c for c in picked if c != "TPVL-001"]


def _leftovers(during: dict[int, str]) -> list[int]:
    end = time.monotonic() + 10  # give children a moment to exit after the server
    while True:
        leftover = [pid for pid, st in during.items() if proc_start(pid) == st]
        if not leftover or time.monotonic() > end:
            return leftover
        time.sleep(0.2)


def load(
    data_root: Path,
    sessions: int = 20,
    seconds: float = 180,
    *,
    wall_share: float = 0.25,
    think: tuple[float, float] = (5.0, 10.0),
    ramp: float | None = None,
    env: dict[str, str] | None = None,
) -> dict:
    """Serve the app on ``data_root`` (``env``: extra variables for the server, e.g. a Streamlit
    option), drive ``sessions`` sessions for ``seconds`` (arrivals spread over ``ramp`` seconds, a
    pause of ``think`` seconds between actions), stop everything and return the figures."""
    codes = indicator_codes(data_root)
    ramp = min(20.0, seconds / 2.5) if ramp is None else ramp
    with served_process(data_root, env) as (url, proc), drain(proc.stderr) as log:
        run = asyncio.run(_drive(url, proc.pid, sessions, seconds, codes, wall_share, think, ramp))
        # what the server started (not what else this process runs, e.g. a PNG export's Chromium
        # kept by an earlier test in the same pytest process): all of it must be gone afterwards
        during = descendants(proc.pid)
    server_pid, server_rc = proc.pid, proc.returncode
    leftover = _leftovers(during)
    stats: Stats = run["stats"]
    viewer_kinds = [k for k in stats.times if not k.startswith("wall")]
    timed = [t for k in viewer_kinds for t in stats.times[k]]
    kinds = {
        k: {
            "count": stats.counts[k],
            "p50_s": _pct(stats.times.get(k, []), 50),
            "p95_s": _pct(stats.times.get(k, []), 95),
            "max_s": max(stats.times.get(k, []), default=float("nan")),
        }
        for k in sorted(stats.counts)
    }
    mb = [m for _, m in run["samples"]]
    tracebacks = sum(1 for line in log if line.startswith("Traceback"))
    return {
        "sessions": sessions,
        "wall_sessions": len(run["walls"]),
        "wall_ids": run["walls"],
        "seconds": seconds,
        "elapsed_s": run["elapsed"],
        "think_s": think,
        "ramp_s": ramp,
        "actions": sum(stats.counts.values()),
        "viewer_actions": len(timed),
        "per_kind": kinds,
        "p50_s": _pct(timed, 50),
        "p95_s": _pct(timed, 95),
        "max_s": max(timed, default=float("nan")),
        "per_session_actions": [stats.per_session[i] for i in range(sessions)],
        "slide_changes": stats.slides,
        "mb_sent": stats.bytes / 1e6,
        "errors": sum(stats.error_kinds.values()) + tracebacks,
        "error_kinds": dict(stats.error_kinds),
        "error_messages": stats.errors,
        "server_tracebacks": tracebacks,
        "server_log_tail": log[-12:] if tracebacks else [],
        "cold_first_page_s": run["cold_s"],
        "rss_warm_mb": run["rss_warm_mb"],
        "rss_start_mb": mb[0],
        "rss_end_mb": mb[-1],
        "rss_max_mb": max(mb),
        "samples": run["samples"],
        "server_cpu_pct": 100 * run["server_cpu_s"] / max(1e-9, run["elapsed"]),
        "server_pid": server_pid,
        "server_returncode": server_rc,
        "leftover_processes": leftover,
        "streamlit": streamlit_settings(env),
    }


@contextmanager
def fresh_shipped_data():
    """data/source, data/documents and data/geo copied to a temporary folder and built into a fresh
    snapshot (the run never touches data/); removed afterwards."""
    from vlboard.store import build, snapshots

    with tempfile.TemporaryDirectory(prefix="vlboard-load-") as tmp:
        root = Path(tmp) / "data"
        for sub in ("source", "documents", "geo"):
            shutil.copytree(ROOT / "data" / sub, root / sub)
        data = snapshots.DataDir(root)
        build.build(data, author="load")
        yield data


BASELINE = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"}  # Streamlit's default: gc.collect() after every run


def _settings(r: dict) -> str:
    return ", ".join(f"`{k} = {v}`" for k, v in r["streamlit"].items())


def render(runs: list[dict]) -> str:
    """The BENCHMARKS.md section: one row per run (a baseline first, the app's settings last) and the
    per-action times of the last run next to the first's."""

    def s(x: float) -> str:
        return "–" if x != x else f"{x:.3f}"

    r, base = runs[-1], runs[0]
    order = list(KIND_NAMES)
    lines = [
        SECTION,
        "",
        f"`python -m tests.load.load --sessions {r['sessions']} --seconds {int(r['seconds'])}`: {r['sessions']} concurrent "
        "sessions of the served app over Streamlit's websocket protocol (`tests/support/wsclient.py`: each one a real "
        "server-side session receiving the deltas a browser gets; the client costs next to nothing, so the "
        f"figures are the server's) on a fresh build of the shipped data, for {r['seconds']:.0f} s after one warm-up "
        f"visitor, arrivals spread over {r['ramp_s']:g} s. {r['wall_sessions']} sessions watch `/ioc?rotate=3` "
        "(re-running the wall's fragment every second as the frontend does); the others open the overview or an "
        "indicator deep link, then cycle overview → agency page → a sidebar selectbox changed → indicator page → "
        f"an indicator picked, pausing {r['think_s'][0]:g}–{r['think_s'][1]:g} s between actions. An action is "
        "timed from the message sent to `script_finished` and then checked (title, content, the chosen value "
        "shown); an error is an exception, a data-read error, a failed check, a server traceback or an action over "
        "30 s. Server RSS sampled every 5 s. Viewer p50/p95 are over the viewers' actions (page loads, links, "
        "filters, picks); the wall's one-second fragment reruns are listed apart.",
        "",
        "| Streamlit settings | sessions | run s | actions | viewer actions | p50 s | p95 s | max s | errors | "
        "slide changes | server CPU % | MB sent | RSS start MB | RSS end MB | RSS max MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for x in runs:
        lines.append(
            f"| {_settings(x)} | {x['sessions']} | {x['seconds']:.0f} | {x['actions']} | {x['viewer_actions']} | "
            f"{s(x['p50_s'])} | {s(x['p95_s'])} | {s(x['max_s'])} | {x['errors']} | {x['slide_changes']} | "
            f"{x['server_cpu_pct']:.0f} | {x['mb_sent']:.0f} | {x['rss_start_mb']:.0f} | {x['rss_end_mb']:.0f} | "
            f"{x['rss_max_mb']:.0f} |"
        )
    lines += [
        "",
        f"Per action, {_settings(r)}" + (f" (in brackets: {_settings(base)})" if len(runs) > 1 else "") + ":",
        "",
        "| action | count | p50 s | p95 s | max s |",
        "|---|---:|---:|---:|---:|",
    ]
    for k in sorted(r["per_kind"], key=lambda k: order.index(k) if k in order else len(order)):
        v, b = r["per_kind"][k], base["per_kind"].get(k)
        cell = (
            (lambda key, v=v, b=b: f"{s(v[key])} ({s(b[key])})")
            if b is not None and len(runs) > 1
            else (lambda key, v=v: s(v[key]))
        )
        count = f"{v['count']} ({b['count']})" if b is not None and len(runs) > 1 else str(v["count"])
        lines.append(f"| {KIND_NAMES.get(k, k)} | {count} | {cell('p50_s')} | {cell('p95_s')} | {cell('max_s')} |")
    lines.append("")
    for x in runs:
        if x["errors"]:
            first = " / ".join(
                "`" + m.replace("`", "'").replace("\n", " ")[:200] + "`" for m in x["error_messages"][:3]
            )
            lines += [
                f"Errors with {_settings(x)}: "
                + ", ".join(f"{k} {n}" for k, n in x["error_kinds"].items())
                + f". First: {first}",
                "",
            ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description="Bounded load test of the served app; writes BENCHMARKS.md '## Load'.")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--wall-share", type=float, default=0.25)
    ap.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the run with Streamlit's default postScriptGC = true before the app's settings",
    )
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"), help="'-' prints only")
    args = ap.parse_args()
    from vlboard.bench import replace_section

    runs = []
    for env in ([] if args.no_baseline else [BASELINE]) + [None]:
        with fresh_shipped_data() as data:
            runs.append(load(data.root, args.sessions, args.seconds, wall_share=args.wall_share, env=env))
    text = render(runs)
    if args.out != "-":
        out = Path(args.out)
        out.write_text(replace_section(out.read_text(encoding="utf-8") if out.exists() else "", text), encoding="utf-8")
    print(text)
    for r in runs:
        print(
            {
                k: r[k]
                for k in (
                    "per_session_actions",
                    "error_messages",
                    "server_tracebacks",
                    "server_log_tail",
                    "cold_first_page_s",
                    "rss_warm_mb",
                    "leftover_processes",
                    "server_returncode",
                    "samples",
                )
            }
        )


if __name__ == "__main__":
    main()
