"""The IOC wall screen's rotating panel: which detail panels, in which order, for how long, and the
night schedule (pure).

The headline (three pillars) and the counts that need action stay on screen; one detail panel
rotates under them. Leaders' directives past their deadline («Chỉ đạo quá hạn») come first of
all when there are any (issue 20); then what needs attention, which stays longer (off-track
indicators, overdue tasks, missing reports); panels with nothing to show are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vlboard.board.directives import OVERDUE_TITLE
from vlboard.domain.vocab import MAIN_PILLARS

__all__ = ["MAIN_PILLARS"]

SLIDE_KEYS = ("directives", "offtrack", "overdue", "reports", "agencies", "units", "map", "heat", "changes")
TITLES = {
    "directives": OVERDUE_TITLE,
    "offtrack": "Chỉ tiêu chậm tiến độ",
    "overdue": "Nhiệm vụ quá hạn",
    "reports": "Đơn vị chưa báo cáo",
    "agencies": "Xếp hạng cơ quan",
    "units": "Phường, xã tỷ lệ đạt thấp nhất",
    "map": "Bản đồ: tỷ lệ chỉ tiêu đạt của phường, xã",
    "heat": "Phường, xã nhiều chỉ tiêu chậm nhất",
    "changes": "Thay đổi so với bản dữ liệu trước",
}
DEFAULT_DWELL = 20.0
MIN_DWELL, MAX_DWELL = 3.0, 600.0


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
    has_map: bool = False  # the commune boundaries can be drawn: the map panel names the worst units
    n_directives: int = 0  # leaders' directives past their deadline and not done (board.directives.overdue)


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
    """'offtrack,agencies' from the URL → the known panel keys in that order (unknown ones dropped)."""
    if not value:
        return None
    keys = [k.strip() for k in str(value).split(",")]
    known = [k for k in keys if k in SLIDE_KEYS]
    return known or None


def playlist(facts: Facts, base: float = DEFAULT_DWELL, only: list[str] | None = None) -> list[Slide]:
    """The detail panels in showing order with their dwell times.

    Overdue directives first of all when there are any (none: no panel), 1.5× the base dwell.
    Then attention: off-track, overdue, missing reports (largest count first), 1.5× the base
    dwell; then agencies, units (the map with the worst units named when it can be drawn, else
    their list), the ward heat summary and what changed. ``only`` keeps the given
    panels in the given order. Never empty: with nothing to show, the overdue-task panel says so.
    """
    attention = [(facts.n_offtrack, "offtrack"), (facts.n_overdue, "overdue"), (facts.n_missing_reports, "reports")]
    slides = [Slide("directives", TITLES["directives"], base * 1.5)] if facts.n_directives > 0 else []
    slides += [Slide(k, TITLES[k], base * 1.5) for n, k in sorted(attention, key=lambda x: -x[0]) if n > 0]
    units = "map" if facts.has_map else "units"
    for n, key in [(facts.n_agencies, "agencies"), (facts.n_units, units), (facts.n_heat, "heat")]:
        if n:
            slides.append(Slide(key, TITLES[key], base))
    if facts.n_changes:
        slides.append(Slide("changes", TITLES["changes"], base * 0.75))
    if only:
        by_key = {s.key: s for s in slides}
        return [by_key.get(k) or Slide(k, TITLES[k], base) for k in only]
    return slides or [Slide("overdue", TITLES["overdue"], base)]


@dataclass(frozen=True)
class Position:
    index: int
    started: float  # monotonic seconds when the current panel appeared


def advance(pos: Position | None, slides: list[Slide], now: float) -> Position:
    """Move to the next panel once the current one has had its dwell time (wrapping round)."""
    if not slides:
        return Position(0, now)
    if pos is None:
        return Position(0, now)
    index = pos.index % len(slides)
    if now - pos.started >= slides[index].dwell:
        return Position((index + 1) % len(slides), now)
    return Position(index, pos.started)


def parse_night(value: str | None) -> tuple[int, int] | None:
    """'22-6' from the URL → (22, 6): the screen rests from 22:00 to 06:00 (hours 0–23, the
    window may wrap past midnight); anything else → None (no night rest)."""
    if not value:
        return None
    parts = str(value).strip().split("-")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        return None
    start, end = (int(p) for p in parts)
    if not (0 <= start <= 23 and 0 <= end <= 23) or start == end:
        return None
    return start, end


def is_night(window: tuple[int, int] | None, hour: int) -> bool:
    """Whether ``hour`` (Vietnam time) falls in the night window [start, end)."""
    if window is None:
        return False
    start, end = window
    return start <= hour < end if start < end else hour >= start or hour < end
