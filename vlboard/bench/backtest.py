"""Backtest of the outlook to the deadline (``domain.outlook``) on the snapshot's own history:
every headline series with ≥ 3 points (real figures; real and demo) loses its last point(s), is
re-forecast from what is left to the held-out date, and the 80% range is checked against the
value that was held out. The range width is calibrated on the *other* series only (leave one
series out), so no series helps to judge itself. Reports coverage (nominal 80%), mean and
median absolute error in the indicator's unit (percentages in points), and the series refused.

``python -m vlboard backtest`` prints it in Vietnamese."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vlboard.bench import report
from vlboard.board import outlook as frames
from vlboard.domain import formatting, outlook


@dataclass(frozen=True)
class Result:
    label: str  # which data: 'số liệu thật' / 'thật + minh họa'
    holdout: int  # points held out (the forecast is to the last of them)
    n_series: int  # series of ≥ 3 points
    n_short: int  # series of 1-2 points (not backtested)
    n_refused: int  # series of ≥ 3 points the method refused (no interval)
    n_tested: int
    coverage: float | None  # share of held-out values inside the 80% range
    mae_percent: float | None  # percent indicators, in points
    median_percent: float | None
    mae_other: float | None  # other indicators, in their own units
    median_other: float | None
    n_percent: int
    seconds: float


def _series(series: pd.DataFrame) -> dict[str, tuple[list, list[float], outlook.Bounds]]:
    out = {}
    s = series.dropna(subset=["value"]).sort_values(["indicator_code", "period_end"], kind="stable")
    for code, g in s.groupby("indicator_code", sort=False):
        dates = [pd.Timestamp(d).date() for d in g.period_end]
        bounds = outlook.bounds_for(g.kind.iloc[0], g.measure_unit.iloc[0])
        out[code] = (dates, g.value.astype(float).tolist(), bounds)
    return out


def run(series: pd.DataFrame, label: str, holdout: int = 1) -> Result:
    """``series``: the query outlook_series (one row per indicator × period)."""
    start = time.perf_counter()
    every = _series(series)
    long = {c: v for c, v in every.items() if len(v[1]) >= 2 + holdout}
    own = {c: outlook.residuals(d[:-holdout], v[:-holdout], b) for c, (d, v, b) in long.items()}
    rows = []
    refused = 0
    for code, (dates, values, bounds) in long.items():
        others = [e for c, errs in own.items() if c != code for e in errs]
        cal = outlook.calibrate(others)
        got = outlook.interval(dates[:-holdout], values[:-holdout], dates[-1], bounds, cal)
        if got is None:
            refused += 1
            continue
        median, low, high = got
        truth = values[-1]
        rows.append((bounds.high is not None, abs(median - truth), low <= truth <= high))
    tested = pd.DataFrame(rows, columns=["percent", "error", "inside"])
    pct, other = tested[tested.percent], tested[~tested.percent]

    def stat(frame: pd.DataFrame, f) -> float | None:
        return None if frame.empty else float(f(frame.error))

    return Result(
        label=label,
        holdout=holdout,
        n_series=len(long),
        n_short=sum(1 for v in every.values() if len(v[1]) < 2 + holdout),
        n_refused=refused,
        n_tested=len(tested),
        coverage=None if tested.empty else float(tested.inside.mean()),
        mae_percent=stat(pct, np.mean),
        median_percent=stat(pct, np.median),
        mae_other=stat(other, np.mean),
        median_other=stat(other, np.median),
        n_percent=len(pct),
        seconds=time.perf_counter() - start,
    )


def backtest(src) -> list[Result]:
    """Real figures only, then real and demo; hold out the last point, then the last two."""
    out = []
    for include_demo, label in ((False, "số liệu thật"), (True, "thật + minh họa")):
        series = src.q("outlook_series", include_demo=include_demo)
        out += [run(series, label, k) for k in (1, 2)]
    return out


def _num(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else formatting.number(x, digits)


def text(results: list[Result]) -> str:
    """The results in Vietnamese (the CLI's output)."""
    lines = [f"Kiểm tra lại dự báo đến hạn ({frames.PROBABILITY.lower()}: khoảng 80%)"]
    for r in results:
        head = f"- {r.label}, giữ lại {r.holdout} điểm cuối: {r.n_series} chuỗi có ≥ {2 + r.holdout} điểm"
        if not r.n_tested:
            lines.append(f"{head}; {r.n_short} chuỗi quá ngắn: chưa đủ số liệu để kiểm tra lại.")
            continue
        lines.append(
            f"{head}, kiểm tra {r.n_tested}, từ chối {r.n_refused}, quá ngắn {r.n_short}; "
            f"độ phủ khoảng 80%: {formatting.percent(100 * r.coverage, 1)}; "
            f"sai số tuyệt đối (tỷ lệ %, {r.n_percent} chuỗi): trung bình {_num(r.mae_percent)} điểm %, "
            f"trung vị {_num(r.median_percent)} điểm %; chỉ tiêu khác ({r.n_tested - r.n_percent} chuỗi, "
            f"theo đơn vị của chỉ tiêu): trung bình {_num(r.mae_other)}, trung vị {_num(r.median_other)}; "
            f"{formatting.number(r.seconds, 2)} giây."
        )
    return "\n".join(lines)


def _md(x: float | None, digits: int = 1, unit: str = "") -> str:
    return "–" if x is None else f"{x:.{digits}f}{unit}"


def section(results: list[Result], about: str) -> str:
    """The «## Outlook backtest» section of BENCHMARKS.md (English, like the rest of the file):
    ``about`` names the machine and the data; the table holds the measured figures."""
    lines = [
        "## Outlook backtest",
        "",
        f"`python -m vlboard backtest --out BENCHMARKS.md` (`vlboard/bench/backtest.py`). {about} Each series of "
        "≥ 2 + k points loses its last k points and is forecast from what is left to the date of the last one; the "
        "80% range is calibrated on the other series only (leave one series out). Errors are in the indicator's "
        "unit (percentages in points).",
        "",
        "| data | held out | series tested | refused | too short | coverage of the 80% range | mean abs. error, "
        "% indicators (points) | median abs. error (points) | other indicators: mean / median abs. error | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    names = {"số liệu thật": "real only", "thật + minh họa": "real + demo"}
    for r in results:
        cover = "– (no series long enough)" if r.coverage is None else _md(100 * r.coverage, 1, "%")
        lines.append(
            f"| {names.get(r.label, r.label)} | {r.holdout} | {r.n_tested} | {r.n_refused} | {r.n_short} | {cover} | "
            f"{_md(r.mae_percent)} ({r.n_percent} series) | {_md(r.median_percent)} | "
            f"{_md(r.mae_other)} / {_md(r.median_other)} ({r.n_tested - r.n_percent} series) | {r.seconds:.2f} |"
        )
    judged = [r for r in results if r.coverage is not None]
    if judged:
        worst = min(judged, key=lambda r: r.coverage or 0)
        side = "under" if (worst.coverage or 0) < 0.8 else "at or above"
        lines += [
            "",
            f"Coverage is {side} the nominal 80% (lowest {100 * (worst.coverage or 0):.1f}%, "
            f"{names.get(worst.label, worst.label)} data, {worst.holdout} held out): the pooled errors are one-step-ahead errors scaled by √h.",
        ]
    if not any(r.n_tested for r in results if r.label == "số liệu thật"):
        lines += [
            "",
            "No real series has three figures yet, so the real data cannot be backtested; the screens say "
            "«chưa đủ số liệu để dự báo» and show the pace still needed.",
        ]
    return "\n".join(lines) + "\n"


def write(src, out: Path, results: list[Result] | None = None) -> list[Result]:
    """Put the «## Outlook backtest» section, measured on ``src`` (a store.source.Snapshot), in
    ``out`` (BENCHMARKS.md), the other sections kept; ``python -m vlboard bench`` calls it too."""
    results = backtest(src) if results is None else results
    rows = {t: v["rows"] for t, v in src.manifest["tables"].items()}
    about = (
        f"Machine: {os.cpu_count()} cores. Data: snapshot `{src.snapshot_id}`, {rows.get('indicators', 0):,} "
        f"indicators, {rows.get('targets', 0):,} targets, {rows.get('results', 0):,} result rows."
    )
    old = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n"
    out.write_text(report.replace_section(old, section(results, about)), encoding="utf-8")
    return results
