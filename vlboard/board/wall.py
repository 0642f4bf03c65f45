"""The IOC wall screen's playlist: which slides, in which order, for how long (pure).

What needs attention comes first and stays longer (off-track indicators, overdue tasks, missing
reports); pillars that are on track pass quickly; slides with nothing to show are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vlboard.domain.vocab import MAIN_PILLARS, PILLARS

SLIDE_KEYS = (
    "offtrack",
    "overdue",
    "reports",
    "summary",
    *(f"pillar:{p}" for p in MAIN_PILLARS),
    "agencies",
    "units",
    "heat",
    "changes",
)
TITLES = {
    "offtrack": "Chỉ tiêu chậm tiến độ",
    "overdue": "Nhiệm vụ quá hạn",
    "reports": "Đơn vị chưa báo cáo",
    "summary": "Toàn cảnh ba trụ cột",
    "agencies": "Xếp hạng cơ quan",
    "units": "Bản đồ phường, xã",
    "heat": "Chỉ tiêu × phường, xã",
    "changes": "Thay đổi so với bản dữ liệu trước",
    **{f"pillar:{p}": f"Trụ cột {PILLARS[p].lower()}" for p in MAIN_PILLARS},
}
DEFAULT_DWELL = 20.0
MIN_DWELL, MAX_DWELL = 3.0, 600.0
GREEN = 80.0  # a pillar at or above this % đạt is "on track" and passes quickly


@dataclass(frozen=True)
class Facts:
    """What the current data says, in counts (ui.wall.wall_data counts them in screens.briefing)."""

    n_offtrack: int = 0
    n_overdue: int = 0
    n_missing_reports: int = 0
    pillar_pct: Mapping[str, float | None] = None  # % đạt among indicators with data
    n_agencies: int = 0
    n_units: int = 0
    n_heat: int = 0
    n_changes: int = 0


@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    dwell: float  # seconds


def clamp_dwell(value, default: float = DEFAULT_DWELL) -> float:
    """A dwell time from the URL: a number of seconds within [3, 600], else the default."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return default
    if v != v:  # NaN
        return default
    return min(MAX_DWELL, max(MIN_DWELL, v))


def parse_only(value: str | None) -> list[str] | None:
    """'offtrack,summary' from the URL → the known slide keys in that order (unknown ones dropped)."""
    if not value:
        return None
    keys = [k.strip() for k in str(value).split(",")]
    known = [k for k in keys if k in SLIDE_KEYS]
    return known or None


def playlist(facts: Facts, base: float = DEFAULT_DWELL, only: list[str] | None = None) -> list[Slide]:
    """The slides in showing order with their dwell times.

    Attention first: off-track, overdue, missing reports (largest count first), 1.5× the base
    dwell. Then the summary, the pillars worst first (1.2× when below the green line, 0.5× when on
    track), agencies, units and what changed. ``only`` keeps the given slides in the given order.
    """
    pct = dict(facts.pillar_pct or {})
    attention = [(facts.n_offtrack, "offtrack"), (facts.n_overdue, "overdue"), (facts.n_missing_reports, "reports")]
    slides = [Slide(k, TITLES[k], base * 1.5) for n, k in sorted(attention, key=lambda x: -x[0]) if n > 0]
    slides.append(Slide("summary", TITLES["summary"], base))

    def pillar_rank(p: str) -> float:
        v = pct.get(p)
        return -1.0 if v is None else v

    for p in sorted(MAIN_PILLARS, key=pillar_rank):
        v = pct.get(p)
        if v is None:
            continue
        dwell = base * (0.5 if v >= GREEN else 1.2)
        slides.append(Slide(f"pillar:{p}", TITLES[f"pillar:{p}"], dwell))
    if facts.n_agencies:
        slides.append(Slide("agencies", TITLES["agencies"], base))
    if facts.n_units:
        slides.append(Slide("units", TITLES["units"], base))
    if facts.n_heat:
        slides.append(Slide("heat", TITLES["heat"], base))
    if facts.n_changes:
        slides.append(Slide("changes", TITLES["changes"], base * 0.75))
    if only:
        by_key = {s.key: s for s in slides}
        chosen = [by_key.get(k) or Slide(k, TITLES[k], base) for k in only]
        return chosen
    return slides


@dataclass(frozen=True)
class Position:
    index: int
    started: float  # monotonic seconds when the current slide appeared


def advance(pos: Position | None, slides: list[Slide], now: float) -> Position:
    """Move to the next slide once the current one has had its dwell time (wrapping round)."""
    if not slides:
        return Position(0, now)
    if pos is None:
        return Position(0, now)
    index = pos.index % len(slides)
    if now - pos.started >= slides[index].dwell:
        return Position((index + 1) % len(slides), now)
    return Position(index, pos.started)
