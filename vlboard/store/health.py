"""Health of a data folder for the monitoring system, and the Prometheus text format it is scraped in.

``check(data)`` reads only: CURRENT, the live snapshot (``snapshots.verify``: manifest, tables,
checksums, columns), the live data's date (the named query ``data_date``: the latest ``as_of`` of
the results from documents and reports, the demo's only when there are no others, as the pages
print it), CURRENT's modification time (the last switch: build, import or rollback) and the
history log (the last import). Healthy means the live snapshot verifies; how old the data is, is
reported for the monitoring system to judge (``max_age_days`` makes it part of the verdict).

``prometheus(samples)`` renders samples in the text exposition format 0.0.4. It lives here, below
both of its users (the ``health`` command of vlboard.cli and the ``/_vlboard/metrics`` endpoint of
vlboard.ui), because it is plain string formatting with no Streamlit in it: no new package needed.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import asdict, dataclass

from vlboard.domain import formatting
from vlboard.domain.vocab import VN_TZ
from vlboard.store import changelog, snapshots
from vlboard.store.datadir import DataDir, SnapshotError


@dataclass(frozen=True)
class Health:
    snapshot: str | None  # the id CURRENT names (None: no CURRENT)
    verifies: bool
    reason: str  # Vietnamese: why it does not verify or is too old; "" when healthy
    data_date: str | None  # ISO date of the latest result (None: no result at all)
    data_date_demo: bool  # the date is the demo results' (no real result yet)
    data_age_days: int | None
    last_write: float | None  # unix time of the last switch of CURRENT
    seconds_since_write: float | None
    last_import_at: str | None  # from history.jsonl
    last_import_user: str | None
    max_age_days: int | None = None

    @property
    def healthy(self) -> bool:
        return self.verifies and not self.too_old

    @property
    def too_old(self) -> bool:
        return self.max_age_days is not None and (self.data_age_days is None or self.data_age_days > self.max_age_days)

    def as_json(self) -> dict:
        return {"healthy": self.healthy, **asdict(self)}

    def summary(self) -> str:
        """One Vietnamese line for a person (systemd journal, a terminal)."""
        if not self.verifies:
            return f"LỖI: {self.reason}"
        age = "chưa có số liệu" if self.data_age_days is None else f"số liệu đến ngày {formatting.date(self.data_date)}"
        if self.data_age_days is not None:
            age += f" ({self.data_age_days} ngày trước{', số liệu minh họa' if self.data_date_demo else ''})"
        since = (
            "" if self.seconds_since_write is None else f", ghi lần cuối {_duration(self.seconds_since_write)} trước"
        )
        last = (
            f", nhập lần cuối {self.last_import_at} bởi {self.last_import_user or '?'}" if self.last_import_at else ""
        )
        head = f"LỖI: {self.reason}" if self.too_old else "TỐT"
        return f"{head}: bản dữ liệu {self.snapshot} kiểm tra đúng, {age}{since}{last}"


def _duration(seconds: float) -> str:
    s = max(0, int(seconds))
    if s < 120:
        return f"{s} giây"
    if s < 7200:
        return f"{s // 60} phút"
    if s < 172800:
        return f"{s // 3600} giờ"
    return f"{s // 86400} ngày"


def _data_date(path) -> tuple[dt.date | None, bool]:
    from vlboard.store import db, queries

    con = db.open_snapshot(path, threads=1, memory_limit="256MB")
    try:
        df = queries.run(con, "data_date")
    finally:
        con.close()
    real = df[df.source != "demo"].last_as_of.dropna()
    demo = df[df.source == "demo"].last_as_of.dropna()
    if len(real):
        return _as_date(real.max()), False
    if len(demo):
        return _as_date(demo.max()), True
    return None, False


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value  # a pandas Timestamp is a datetime


def check(data: DataDir, *, now: float | None = None, max_age_days: int | None = None) -> Health:
    """The health of ``data`` (see the module docstring); never raises for a damaged folder."""
    now = time.time() if now is None else now
    today = dt.datetime.fromtimestamp(now, VN_TZ).date()
    sid: str | None = None
    reason, date, demo = "", None, False
    try:
        sid = snapshots.current_id(data)
        _, path, _ = snapshots.current(data)
        date, demo = _data_date(path)
        verifies = True
    except SnapshotError as exc:
        verifies, reason = False, str(exc)
    except Exception as exc:  # a snapshot that verifies but DuckDB cannot read
        verifies, reason = False, f"Bản dữ liệu {sid} không đọc được ({type(exc).__name__})"
    age = (today - date).days if date is not None else None
    try:
        last_write: float | None = data.current_file.stat().st_mtime
    except OSError:
        last_write = None
    imports = [e for e in changelog.events(data) if e.get("action") == "import"]
    last = imports[-1] if imports else {}
    health = Health(
        snapshot=sid,
        verifies=verifies,
        reason=reason,
        data_date=date.isoformat() if date is not None else None,
        data_date_demo=demo,
        data_age_days=age,
        last_write=last_write,
        seconds_since_write=None if last_write is None else round(max(0.0, now - last_write), 3),
        last_import_at=last.get("at"),
        last_import_user=last.get("user"),
        max_age_days=max_age_days,
    )
    if verifies and health.too_old:
        why = "chưa có số liệu" if age is None else f"số liệu đến ngày {health.data_date}, {age} ngày trước"
        health = Health(**{**asdict(health), "reason": f"Số liệu quá cũ ({why}; giới hạn {max_age_days} ngày)"})
    return health


# ---------------------------------------------------------------------------------- Prometheus


@dataclass(frozen=True)
class Sample:
    name: str
    kind: str  # gauge | counter
    help: str
    value: float | None  # None: not known, the line is left out (the HELP and TYPE stay)


def health_samples(h: Health) -> list[Sample]:
    return [
        Sample("vlboard_data_verifies", "gauge", "1 when the live snapshot verifies (manifest, checksums, columns)", 1.0 if h.verifies else 0.0),
        Sample("vlboard_healthy", "gauge", "1 when the health check passes (what /_vlboard/health answers 200 for)", 1.0 if h.healthy else 0.0),
        Sample("vlboard_data_age_days", "gauge", "Days since the live data's date (latest result as_of)", h.data_age_days),
        Sample("vlboard_last_write_timestamp_seconds", "gauge", "Unix time of the last switch of CURRENT (build, import, rollback)", h.last_write),
        Sample(
            "vlboard_last_import_timestamp_seconds",
            "gauge",
            "Unix time of the last import in the history log",
            _timestamp(h.last_import_at),
        ),
    ]  # fmt: skip


def _timestamp(iso: str | None) -> float | None:
    if not iso:
        return None
    try:
        return dt.datetime.fromisoformat(iso).timestamp()
    except ValueError:
        return None


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(int(value)) if float(value).is_integer() and abs(value) < 2**53 else repr(float(value))


def prometheus(samples: list[Sample]) -> str:
    """The text exposition format 0.0.4 (``text/plain; version=0.0.4``): HELP, TYPE, ``name value``."""
    lines: list[str] = []
    for s in samples:
        lines.append(f"# HELP {s.name} {s.help.replace(chr(92), chr(92) * 2).replace(chr(10), ' ')}")
        lines.append(f"# TYPE {s.name} {s.kind}")
        if s.value is not None:
            lines.append(f"{s.name} {_number(float(s.value))}")
    return "\n".join(lines) + "\n"
