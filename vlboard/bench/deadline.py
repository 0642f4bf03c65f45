"""«Deadline day» (issue 23): clerks import their reports while viewers and wall screens read.

Over 300 lines: one benchmark end to end (data and accounts, the clerks' processes, the server and
the readers' process, the final check, the printed and written tables), each part short.

``python -m vlboard bench --deadline-day`` copies the shipped catalogue to a temporary folder and
builds it (format 5: Delta tables), writes a secrets file with one editor account per clerk (each
scoped to one ward/commune or agency that must report in the period the intake page offers today),
serves the app (``streamlit run serve.py`` on a free port 8731–8739) and then, at once:

* each clerk, at a random moment of a window of a few minutes, fills its template (every row it
  must report) and commits it with ``python -m vlboard import`` in a process of its own (a clerk's
  upload is a separate write; the page's upload path calls the same ``imports.preview`` and
  ``imports.commit``). A clean refusal that asks to try again (the write lock busy, the preview made
  stale by another import, a concurrent Delta commit) is retried after a pause and counted;
* 20 viewer sessions and 5 wall sessions (``/ioc?rotate=3``) read through the websocket driver of
  tests/load (``python -m tests.load.deadline_viewers``, its own process) for the whole window.

Recorded: each import's outcome, attempts and latency (first try → landed), the viewers' and walls'
times and errors, server tracebacks, the final snapshot's imports audit (every clerk's import there,
with its result rows), and the app process's peak RSS (VmHWM). Pure parts (schedule, subjects,
values, outcome of a CLI run, the tables) are unit-tested in tests/unit/bench/test_deadline.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd

from vlboard import settings

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Deadline day (issue 23)"
PASSWORD = "mat-khau-han-chot-23"
PORTS = range(8731, 8740)
RETRY_MARKERS = ("thử lại", "tải tệp lên lại")
MAX_ATTEMPTS = 8


def schedule(n: int, window: float, seed: int = 23) -> list[float]:
    """When each clerk starts (seconds into the window): random arrivals, so some collide."""
    rng = random.Random(seed)
    return sorted(round(rng.uniform(0, window), 1) for _ in range(n))


def pick_subjects(subjects: pd.DataFrame, n: int) -> list[tuple[str, str, str]]:
    """``n`` of the subjects that must report (type, code, name): a third agencies, the rest
    wards/communes, spread evenly over each list sorted by code."""

    def spread(kind: str, k: int) -> list[tuple[str, str, str]]:
        rows = subjects[subjects.subject_type == kind].sort_values("subject_code")
        rows = rows[rows.n_indicators > 0]
        if k <= 0 or rows.empty:
            return []
        step = len(rows) / min(k, len(rows))
        picked = rows.iloc[[int(i * step) for i in range(min(k, len(rows)))]]
        return list(zip(picked.subject_type, picked.subject_code, picked.subject_name))

    agencies = spread("agency", n // 3)
    units = spread("unit", n - len(agencies))
    if len(agencies) + len(units) < n:
        raise ValueError(f"only {len(agencies) + len(units)} subjects report in this period, {n} needed")
    return agencies + units


def fill_value(kind: str, k: int) -> float:
    """A plausible value of an indicator of ``kind`` for row ``k`` of a clerk's file."""
    if kind == "percent":
        return float(40 + (7 * k) % 55)
    if kind == "ratio":
        return round(0.3 + (k % 6) / 10, 2)
    return float(1 + k % 9)


def outcome(returncode: int, stderr: str) -> str:
    """What one ``python -m vlboard import`` run did: landed, retry (a clean refusal asking to
    try again) or refused (anything else: a defect of the benchmark or of the import)."""
    if returncode == 0:
        return "landed"
    return "retry" if any(m in stderr for m in RETRY_MARKERS) else "refused"


def refusal_text(stderr: str) -> str:
    """What a refused CLI run said: its first problem line (``- …``) and its last line."""
    lines = [x.strip() for x in stderr.strip().splitlines() if x.strip()]
    if not lines:
        return ""
    problem = next((x for x in lines if x.startswith("- ")), None)
    return (f"{problem[2:][:200]} … {lines[-1][:80]}" if problem and problem != lines[-1] else lines[-1][:240]).strip()


def pct(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def import_figures(clerks: list[dict]) -> dict:
    """Counts and latencies over the clerks' records."""
    landed = [c for c in clerks if c["outcome"] == "landed"]
    latency = [c["latency_s"] for c in landed]
    attempts = [a["seconds"] for c in clerks for a in c["attempts"]]
    return {
        "clerks": len(clerks),
        "landed": len(landed),
        "retries": sum(len(c["attempts"]) - 1 for c in clerks),
        "clerks_retried": sum(len(c["attempts"]) > 1 for c in clerks),
        "retry_reasons": sorted(
            {
                re.sub(r"\(bản [^)]*\)", "(bản …)", a["why"])
                for c in clerks
                for a in c["attempts"]
                if a["outcome"] == "retry"
            }
        ),
        "latency_p50_s": pct(latency, 50),
        "latency_p95_s": pct(latency, 95),
        "latency_max_s": max(latency, default=float("nan")),
        "attempt_p50_s": pct(attempts, 50),
        "attempt_p95_s": pct(attempts, 95),
        "rows_per_import": [c["rows"] for c in clerks],
        "not_landed": [f"{c['user']}: {c['attempts'][-1]['why']}" for c in clerks if c["outcome"] != "landed"],
    }


def beside_imports(timeline: list, clerks: list[dict]) -> dict:
    """Viewer actions (not the wall's) split by whether a clerk's import process was running while
    they ran, and whether a new version went live during them: count and p50/p95 of each."""
    runs = [(a["start"], a["start"] + a["seconds"]) for c in clerks for a in c.get("attempts", [])]
    landed = [a["start"] + a["seconds"] for c in clerks for a in c.get("attempts", []) if a["outcome"] == "landed"]
    groups: dict[str, list[float]] = {"no import running": [], "an import running": [], "a new version went live": []}
    for end, kind, seconds in timeline:
        if kind.startswith("wall"):
            continue
        start = end - seconds
        if any(start <= t <= end for t in landed):
            groups["a new version went live"].append(seconds)
        elif any(a < end and start < b for a, b in runs):
            groups["an import running"].append(seconds)
        else:
            groups["no import running"].append(seconds)
    return {k: {"count": len(v), "p50_s": pct(v, 50), "p95_s": pct(v, 95)} for k, v in groups.items()}


def free_port(ports=PORTS) -> int:
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError(f"no free port in {ports.start}–{ports.stop - 1}")


def filled_template(src, subject: tuple[str, str, str], period: str) -> tuple[bytes, int]:
    """The subject's template for ``period`` with a value on every row (and how many rows)."""
    from openpyxl import load_workbook

    from vlboard.intake import template, workbook

    s = template.Subject(*subject)
    table = template.rows(src, s, period)
    wb = load_workbook(io.BytesIO(template.write(s, period, table, snapshot_id=src.snapshot_id)))
    ws = wb[workbook.DATA_SHEET]
    kinds = dict(zip(table.indicator_code, table.kind))
    col = template.TEMPLATE_KEYS.index("value") + 1
    n = 0
    for r in range(template.HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(r, 1).value
        if code in kinds:
            ws.cell(r, col, fill_value(kinds[code], r))
            n += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), n


def prepare(base_root: Path, tmp: Path, n: int) -> dict:
    """The temporary data folder (format 5), the clerks' accounts in a secrets file and their
    filled files, each checked by a dry preview (a file that does not pass is the benchmark's fault)."""
    from argon2 import PasswordHasher

    from vlboard.intake import auth, imports, template
    from vlboard.store import build, snapshots
    from vlboard.store.source import Snapshot

    root = tmp / "data"
    for part in ("source", "documents", "geo"):
        if (base_root / part).is_dir():
            shutil.copytree(base_root / part, root / part)
    data = snapshots.DataDir(root)
    build.build(data, author="deadline")
    if snapshots.current(data)[2].get("format") != snapshots.FORMAT_DELTA:
        raise RuntimeError("the benchmark's data folder is not on format 5")
    src = Snapshot.current(data)
    today = dt.datetime.now(imports.VN).date()
    _, period = template.offered(src, today, lambda t, c: True)
    subjects = pick_subjects(template.subjects(src, period), n)
    fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    pw_hash = auth.hash_password(PASSWORD, _hasher=fast)
    secrets, clerks = [], []
    files = tmp / "files"
    files.mkdir()
    for i, (kind, code, name) in enumerate(subjects, start=1):
        user = f"clerk{i:02d}"
        scope = {"agency": code} if kind == "agency" else {"unit": code}
        secrets.append(auth.account_snippet(user, "editor", pw_hash, name=f"Cán bộ {name}", **scope))
        content, rows = filled_template(src, (kind, code, name), period)
        path = files / f"{user}-{code}-{period}.xlsx"
        path.write_bytes(content)
        pv = imports.preview(data, auth.User(user, name, "editor", **scope), path.name, content, src=src)
        if pv.problems:
            raise RuntimeError(f"{user} ({kind} {code}): {[str(p) for p in pv.problems[:3]]}")
        clerks.append({"user": user, "kind": kind, "code": code, "file": path, "rows": rows})
    (tmp / "secrets.toml").write_text("\n".join(secrets), encoding="utf-8")
    src.con.close()
    return {"data": data, "secrets": tmp / "secrets.toml", "period": period, "clerks": clerks}


def _env(prep: dict) -> dict[str, str]:
    return {
        **os.environ,
        "VLBOARD_DATA": str(prep["data"].root),
        "VLBOARD_SECRETS": str(prep["secrets"]),
        "VLBOARD_PASSWORD": PASSWORD,
        "VLBOARD_NO_PNG": "1",
    }


def _clerk(clerk: dict, env: dict, at: float, rng: random.Random) -> None:
    """One clerk: wait for ``at`` (monotonic), import, retry a clean «try again» refusal."""
    time.sleep(max(0.0, at - time.monotonic()))
    clerk["attempts"], clerk["outcome"] = [], "refused"
    first = time.monotonic()
    for _ in range(MAX_ATTEMPTS):
        t0 = time.monotonic()
        cmd = [sys.executable, "-m", "vlboard", "import", str(clerk["file"]), "--user", clerk["user"]]
        p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        what = outcome(p.returncode, p.stderr)
        why = refusal_text(p.stderr)
        clerk["attempts"].append({"outcome": what, "seconds": time.monotonic() - t0, "why": why, "start": t0})
        if what != "retry":
            clerk["outcome"] = what
            break
        time.sleep(rng.uniform(2.0, 5.0))
    clerk["latency_s"] = time.monotonic() - first


def _vmhwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _final_check(prep: dict) -> dict:
    """The live snapshot after the run: every clerk's import in the audit, with its result rows."""
    from vlboard.store import changelog, snapshots

    _, path, _ = snapshots.current(prep["data"])
    audit = snapshots.read_table(path, "imports").to_pandas()
    results = snapshots.read_table(path, "results", columns=["source_ref", "source"]).to_pandas()
    users = {c["user"] for c in prep["clerks"]}
    mine = audit[audit.username.isin(users)]
    with_rows = set(results.source_ref[results.source == "report"])
    return {
        "audit_imports": len(mine),
        "audit_clerks": mine.username.nunique(),
        "imports_with_rows": int(mine.import_id.isin(with_rows).sum()),
        "history_imports": sum(
            e.get("action") == "import" and e.get("user") in users for e in changelog.events(prep["data"])
        ),
    }


def run(base_root: Path, tmp: Path, clerks: int = 20, window: float = 150.0, viewers: int = 20, walls: int = 5) -> dict:
    """The whole benchmark in ``tmp``; returns its figures (see the module's docstring)."""
    t_prep = time.monotonic()
    prep = prepare(base_root, tmp, clerks)
    prep_s = time.monotonic() - t_prep
    env, port = _env(prep), free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.headless", "true"]
        + ["--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(iter(server.stderr.readline, "")), daemon=True).start()
    readers = None
    try:
        _wait_healthy(url, server)
        readers = subprocess.Popen(
            [sys.executable, "-m", "tests.load.deadline_viewers", "--url", url, "--pid", str(server.pid)]
            + ["--data", str(prep["data"].root), "--seconds", str(window + 60)]
            + ["--sessions", str(viewers + walls), "--walls", str(walls)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if readers.stdout.readline().strip() != "GO":
            raise RuntimeError(f"the readers did not start: {readers.stderr.read()[-2000:]}")
        start = time.monotonic() + 20.0  # the readers arrive over 20 s first
        rngs = [random.Random(100 + i) for i in range(clerks)]
        threads = [
            threading.Thread(target=_clerk, args=(c, env, start + at, rng))
            for c, at, rng in zip(prep["clerks"], schedule(clerks, window), rngs)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        imports_done_s = time.monotonic() - start
        out, err = readers.communicate(timeout=window + 300)
        if readers.returncode != 0:
            raise RuntimeError(f"the readers failed: {err[-2000:]}")
        read = json.loads(out.strip().splitlines()[-1])
        peak = _vmhwm_mb(server.pid)
    finally:
        if readers is not None and readers.poll() is None:
            readers.kill()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return {
        "period": prep["period"],
        "window_s": window,
        "prepare_s": prep_s,
        "imports_done_s": imports_done_s,
        "imports": import_figures(prep["clerks"]),
        "clerks": [
            {k: (str(v) if isinstance(v, Path) else v) for k, v in c.items() if k != "file"} for c in prep["clerks"]
        ],
        "readers": read,
        "server_tracebacks": sum(line.startswith("Traceback") for line in log),
        "server_errors": _error_blocks(log),
        "server_log_tail": log[-12:],
        "server_peak_rss_mb": peak,
        "read_dwell": settings.get("VLBOARD_READ_DWELL"),
        "beside_imports": beside_imports(read.pop("timeline"), prep["clerks"]),
        "final": _final_check(prep),
    }


def _wait_healthy(url: str, server: subprocess.Popen) -> None:
    import urllib.request

    deadline = time.monotonic() + 90
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("streamlit did not start")
        time.sleep(0.3)


def _s(x: float) -> str:
    return "–" if x != x else f"{x:.2f}"


def figure_rows(r: dict) -> list[tuple[str, str]]:
    """(figure, value) of one run: the printed summary and the section's table."""
    i, v, f = r["imports"], r["readers"], r["final"]
    return [
        ("imports landed", f"{i['landed']} / {i['clerks']}"),
        ("retries (clerks retried)", f"{i['retries']} ({i['clerks_retried']})"),
        (
            "import latency p50 / p95 / max s",
            f"{_s(i['latency_p50_s'])} / {_s(i['latency_p95_s'])} / {_s(i['latency_max_s'])}",
        ),
        ("one CLI run p50 / p95 s", f"{_s(i['attempt_p50_s'])} / {_s(i['attempt_p95_s'])}"),
        (
            "audit: clerks' imports / with rows / history",
            f"{f['audit_imports']} / {f['imports_with_rows']} / {f['history_imports']}",
        ),
        (
            "viewer actions, p50 / p95 / max s",
            f"{v['viewer_actions']}, {_s(v['viewer_p50_s'])} / {_s(v['viewer_p95_s'])} / {_s(v['viewer_max_s'])}",
        ),
        ("page loads, p50 / p95 s", f"{v['page_loads']}, {_s(v['page_load_p50_s'])} / {_s(v['page_load_p95_s'])}"),
        ("reader errors / server tracebacks", f"{v['errors']} / {r['server_tracebacks']}"),
        ("wall slide changes", str(v["slide_changes"])),
        ("app peak RSS MB", f"{r['server_peak_rss_mb']:.0f}"),
    ]


def _error_blocks(log: list[str], most: int = 3) -> list[str]:
    """The first few error records of the server log (a logged exception with its traceback), so
    that a reader error of the run can be attributed after its temporary folder is gone."""
    starts = [i for i, line in enumerate(log) if " ERROR " in line or "Uncaught app" in line]
    return ["".join(log[i : i + 30]) for i in starts[:most]]


def summary(r: dict) -> str:
    """The plain table the command prints (English: a benchmark's output)."""
    rows = figure_rows(r)
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {val}" for k, val in rows)


KINDS = {
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


def render(r: dict, machine: str, load_before: str, load_after: str, day: str) -> str:
    """The BENCHMARKS.md section of one run."""
    i, v, f = r["imports"], r["readers"], r["final"]
    goals = [
        (
            "every import lands (retries allowed, counted)",
            f"{i['landed']} / {i['clerks']}, {i['retries']} retries",
            i["landed"] == i["clerks"] and f["audit_clerks"] == i["clerks"] and f["imports_with_rows"] == i["clerks"],
        ),
        (
            "reader errors 0 (viewers and walls, server tracebacks)",
            f"{v['errors']} + {r['server_tracebacks']}",
            v["errors"] + r["server_tracebacks"] == 0,
        ),
        ("viewer page loads p95 ≤ 2 s (first-visit goal)", f"{_s(v['page_load_p95_s'])} s", v["page_load_p95_s"] <= 2),
        ("viewer actions p95 ≤ 1 s (rerun goal)", f"{_s(v['viewer_p95_s'])} s", v["viewer_p95_s"] <= 1),
    ]
    lines = [
        SECTION,
        "",
        f"`python -m vlboard bench --deadline-day` (`vlboard/bench/deadline.py`): the shipped catalogue built into a "
        f"temporary format-5 folder; {i['clerks']} clerk accounts (editors, each scoped to one agency or "
        f"ward/commune that must report for {r['period']}, the period the intake page offers today) each commit "
        f"their filled template (every row, {min(i['rows_per_import'])}–{max(i['rows_per_import'])} values) "
        f"through `python -m vlboard import`, one process per clerk, at random moments of a {r['window_s']:.0f} s "
        "window; a clean refusal asking to try again is retried after 2–5 s and counted. Meanwhile "
        f"{v['wall_sessions']} wall sessions (`/ioc?rotate=3`) and the other sessions of the websocket driver "
        "(tests/load/load.py, as in «Load») read the served app (`serve.py`) for the whole window plus 60 s. "
        "Import latency: first try → landed (CLI start-up included, ~1/3 of it); app peak RSS: VmHWM. "
        f"The app's readers move to a new version once it is warm (`vlboard/ui/data.py`), "
        f"`VLBOARD_READ_DWELL` = {r.get('read_dwell') or 0} s.",
        "",
        f"Measured {day} on {machine}, under `nice -n 5` while other sessions worked: 1-minute load "
        f"average {load_before} before, {load_after} after.",
        "",
        "| goal | measured | met |",
        "|---|---|---|",
        *[f"| {g} | {m} | {'yes' if ok else 'no'} |" for g, m, ok in goals],
        "",
        "| figure | value |",
        "|---|---:|",
        *[f"| {k} | {val} |" for k, val in figure_rows(r)],
        "",
        "| reader action | count | p50 s | p95 s | max s |",
        "|---|---:|---:|---:|---:|",
    ]
    for k, name in KINDS.items():
        if k in v["per_kind"]:
            x = v["per_kind"][k]
            lines.append(f"| {name} | {x['count']} | {_s(x['p50_s'])} | {_s(x['p95_s'])} | {_s(x['max_s'])} |")
    split = r.get("beside_imports", {})
    if split:
        lines += ["", "| viewer actions (not the wall's), while … | count | p50 s | p95 s |", "|---|---:|---:|---:|"]
        lines += [f"| {k} | {x['count']} | {_s(x['p50_s'])} | {_s(x['p95_s'])} |" for k, x in split.items()]
    if v["errors"] or r["server_tracebacks"]:
        lines += ["", "Errors: " + "; ".join(f"`{m[:200]}`" for m in v["error_messages"][:3])]
    if i["not_landed"]:
        lines += ["", "Not landed: " + "; ".join(f"«{m}»" for m in i["not_landed"])]
    if i["retry_reasons"]:
        lines += ["", "Retried refusals: " + "; ".join(f"«{m}»" for m in i["retry_reasons"][:3])]
    return "\n".join(lines).rstrip() + "\n"


def main(base_root: Path, out: Path | None, clerks: int = 20, window: float = 150.0) -> int:
    """Run once, print the summary (and the figures as one JSON line), write the section into ``out``."""
    import platform
    import tempfile

    from vlboard.bench.report import replace_section

    before = Path("/proc/loadavg").read_text().split()[0]
    with tempfile.TemporaryDirectory(prefix="vlboard-deadline-") as tmp:
        r = run(base_root, Path(tmp), clerks, window)
    after = Path("/proc/loadavg").read_text().split()[0]
    machine = f"{os.cpu_count()} cores, Linux {platform.release()}, Python {platform.python_version()}"
    day = dt.date.today().strftime("%d/%m/%Y")
    print(summary(r), file=sys.stderr)
    if out is not None:
        text = render(r, machine, before, after, day)
        out.write_text(replace_section(out.read_text(encoding="utf-8") if out.exists() else "", text), encoding="utf-8")
    print(json.dumps({**r, "load_before": before, "load_after": after}, ensure_ascii=False))
    return 0
