"""The reminder ladder: data/source/reminders.toml (steps relative to the due date, who gets each,
quiet hours in Vietnam time), read at call time and checked, with Vietnamese messages."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from vlboard.intake.contacts import ROLES

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class LadderError(Exception):
    """Vietnamese message naming the setting that is wrong."""


@dataclass(frozen=True)
class Step:
    key: str
    days: int  # relative to the due date: -5 five days before, 0 the due day, 3 three days late
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Ladder:
    steps: tuple[Step, ...]  # sorted by days
    quiet_start: dt.time
    quiet_end: dt.time
    stop_after_days: int = 30
    events_within_days: int = 7

    def current(self, offset: int) -> Step | None:
        """The newest step reached ``offset`` days from the due date (None before the first and after
        the stop)."""
        if offset > self.stop_after_days:
            return None
        reached = [s for s in self.steps if s.days <= offset]
        return reached[-1] if reached else None

    def reached(self, offset: int) -> list[Step]:
        return [s for s in self.steps if s.days <= offset] if offset <= self.stop_after_days else []

    def is_quiet(self, now: dt.datetime) -> bool:
        """Is ``now`` (Vietnam local time) within the quiet hours (which may run past midnight)?"""
        t = now.time()
        if self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= t < self.quiet_end
        return t >= self.quiet_start or t < self.quiet_end


def _time(value, name: str, path: Path) -> dt.time:
    m = _HHMM.match(str(value))
    if not m:
        raise LadderError(f"Tệp {path}, quiet_hours.{name}: «{value}» không phải giờ dạng HH:MM (ví dụ 21:00).")
    return dt.time(int(m[1]), int(m[2]))


def _int(value, name: str, path: Path, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise LadderError(f"Tệp {path}, {name}: «{value}» phải là số nguyên từ {low} đến {high}.")
    return value


def _step(n: int, raw, path: Path) -> Step:
    at = f"Tệp {path}, bước thứ {n} ([[steps]])"
    if not isinstance(raw, dict):
        raise LadderError(f"{at}: không phải một bảng TOML.")
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise LadderError(f"{at}, key: «{key}» không hợp lệ (chữ thường không dấu, số và dấu gạch ngang).")
    days = _int(raw.get("days"), f"bước {key}, days", path, -60, 60)
    who = raw.get("recipients")
    if not isinstance(who, list) or not who or not all(isinstance(r, str) for r in who):
        raise LadderError(f'{at}, recipients: cần danh sách vai trò, ví dụ ["clerk", "head"].')
    bad = [r for r in who if r not in ROLES]
    if bad:
        raise LadderError(f"{at}, recipients: vai trò «{bad[0]}» không hợp lệ (dùng {', '.join(ROLES)}).")
    return Step(key, days, tuple(dict.fromkeys(who)))


def parse(raw: dict, path: Path) -> Ladder:
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps:
        raise LadderError(f"Tệp {path} không có bước nhắc nào ([[steps]]).")
    made = sorted((_step(n, s, path) for n, s in enumerate(steps, start=1)), key=lambda s: s.days)
    for kind, values in (("key", [s.key for s in made]), ("days", [str(s.days) for s in made])):
        dup = sorted(v for v in values if values.count(v) > 1)
        if dup:
            raise LadderError(f"Tệp {path}: hai bước cùng {kind} «{dup[0]}».")
    quiet = raw.get("quiet_hours", {})
    if not isinstance(quiet, dict):
        raise LadderError(f"Tệp {path}, quiet_hours: cần bảng có start và end.")
    return Ladder(
        steps=tuple(made),
        quiet_start=_time(quiet.get("start", "21:00"), "start", path),
        quiet_end=_time(quiet.get("end", "07:00"), "end", path),
        stop_after_days=_int(raw.get("stop_after_days", 30), "stop_after_days", path, 0, 366),
        events_within_days=_int(raw.get("events_within_days", 7), "events_within_days", path, 0, 366),
    )


def load(path: Path) -> Ladder:
    """The ladder of a reminders.toml file; LadderError when missing or wrong."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            raw = tomllib.load(f)
    except FileNotFoundError as exc:
        raise LadderError(f"Không có tệp thang nhắc báo cáo {path}.") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LadderError(f"Tệp {path} sai cú pháp TOML: {exc}") from exc
    return parse(raw, path)
