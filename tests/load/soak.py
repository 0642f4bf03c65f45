"""Bounded soak of the IOC wall: the served app rotates in Chromium for a fixed time while the
server's memory is sampled. `python -m tests.load.soak --seconds 180` writes the figures to
BENCHMARKS.md; tests/load/test_soak.py runs a short variant in the suite. It stops by itself and leaves
nothing running."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tests.support.served import ROOT, browser_page, rss_mb, served_process
from vlboard.bench import replace_section

SECTION = "## Wall soak"


def soak(data_root: Path, seconds: float, rotate: float = 3.0, sample_every: float = 5.0) -> dict:
    samples, titles, changes, errors = [], set(), 0, 0
    with served_process(data_root) as (url, proc), browser_page() as page:
        page.goto(f"{url}/ioc?rotate={rotate}")
        page.get_by_text("Chuyển đổi số tỉnh Vĩnh Long").wait_for(timeout=30000)
        start = time.monotonic()
        last_title, next_sample = None, start
        while time.monotonic() - start < seconds:
            title = page.locator("h2").first.inner_text()
            if title != last_title:
                changes += last_title is not None
                last_title = title
                titles.add(title)
            errors += page.get_by_test_id("stException").count()
            if time.monotonic() >= next_sample:
                samples.append((round(time.monotonic() - start, 1), rss_mb(proc.pid)))
                next_sample += sample_every
            page.wait_for_timeout(250)
    first, last = samples[0][1], samples[-1][1]
    # growth after warm-up: compare the second half's mean with the first half's (bounded memory
    # means the curve flattens once every slide has been drawn and cached)
    half = len(samples) // 2
    early = sum(m for _, m in samples[:half]) / max(1, half)
    late = sum(m for _, m in samples[half:]) / max(1, len(samples) - half)
    return {
        "seconds": seconds,
        "rotate": rotate,
        "slide_changes": changes,
        "distinct_slides": len(titles),
        "errors": errors,
        "rss_start_mb": first,
        "rss_end_mb": last,
        "rss_max_mb": max(m for _, m in samples),
        "rss_early_mean_mb": early,
        "rss_late_mean_mb": late,
        "samples": samples,
    }


def render(r: dict) -> str:
    return "\n".join(
        [
            SECTION,
            "",
            f"`python -m tests.load.soak --seconds {int(r['seconds'])}`: the served app shows `/ioc?rotate={r['rotate']:g}` in "
            "headless Chromium; the server's RSS is sampled every 5 s.",
            "",
            "| run s | slide changes | distinct slides | errors | RSS start MB | RSS end MB | RSS max MB | "
            "mean 1st half MB | mean 2nd half MB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {r['seconds']:.0f} | {r['slide_changes']} | {r['distinct_slides']} | {r['errors']} | "
            f"{r['rss_start_mb']:.0f} | {r['rss_end_mb']:.0f} | {r['rss_max_mb']:.0f} | "
            f"{r['rss_early_mean_mb']:.0f} | {r['rss_late_mean_mb']:.0f} |",
            "",
        ]
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    args = ap.parse_args()
    from vlboard.store import snapshots

    r = soak(snapshots.default_data_dir().root, args.seconds)
    out = Path(args.out)
    out.write_text(
        replace_section(out.read_text(encoding="utf-8") if out.exists() else "", render(r)), encoding="utf-8"
    )
    print(render(r))


if __name__ == "__main__":
    main()
