"""The data doorway of the Streamlit side: one frozen ``SnapshotRef`` (id + folder) is the only
key of every cache, so a new snapshot never serves old answers; one last-good fallback per data
folder, shared by the pages and the wall, keeps the last readable snapshot up when CURRENT breaks.

Moving readers to a new version (``open_current``): every cache is keyed by the snapshot, so a new
version is cold. On a deadline day (an import every few seconds) readers used to recompute every
page for every version at once. Now the process serves one version to its readers; when CURRENT
moves, the first reader that finds the switch free opens the new version and computes the shared
frames readers used lately (``_warm``) while the others keep the served version, then every reader
moves at once. ``VLBOARD_READ_DWELL`` keeps a served version at least that many seconds. A session
that wrote (``follow_writes``) always reads the newest version, so a clerk sees the figure just
sent."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from vlboard import settings
from vlboard.board import screens
from vlboard.domain import filters, formatting
from vlboard.store import db, queries, snapshots


@dataclass(frozen=True)
class SnapshotRef:
    """A snapshot on disk by id and folder (a ``store.source.Source``: named queries, cached)."""

    snapshot_id: str
    path: str

    def q(self, name: str, **params) -> pd.DataFrame:
        """A named query, cached per snapshot: a new snapshot never serves old answers."""
        return _query(self, name, tuple(sorted(params.items())))

    @property
    def manifest(self) -> dict:
        return _open(self)[0]


@st.cache_resource(max_entries=4, show_spinner=False)
def _open(ref: SnapshotRef) -> tuple[dict, duckdb.DuckDBPyConnection]:
    """Verify once and connect once per snapshot: a new CURRENT gets a new connection. The data
    files a writer has verified and that are unchanged since are trusted (snapshots.verify's
    ``trust``): the page process reads only what the last import wrote."""
    return snapshots.verify(Path(ref.path), trust=True), db.open_snapshot(Path(ref.path))


@st.cache_data(max_entries=512, show_spinner=False)
def _query(ref: SnapshotRef, name: str, params: tuple) -> pd.DataFrame:
    _, con = _open(ref)
    return queries.run(con, name, **dict(params))


_SERVED: dict[str, tuple[SnapshotRef, float]] = {}  # per data folder: the version readers get, since when
_SWITCH: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)  # per data folder: one switch at a time
_RECENT: dict[tuple, float] = {}  # (what, period, include_demo, approved_only) → last read: what _warm computes
RECENT_SECONDS = 600.0
FOLLOW_KEY = "_vl_follow_writes"


def open_current() -> SnapshotRef:
    """The version this process serves its readers: CURRENT's snapshot once it is verified,
    connected and warm (module docstring); raises SnapshotError when CURRENT cannot be read."""
    data = snapshots.default_data_dir()
    sid = snapshots.current_id(data)
    if sid is None:
        raise snapshots.SnapshotError("Chưa có bản dữ liệu nào: chạy «python -m vlboard build».")
    newest = SnapshotRef(sid, str(snapshots.snapshot_dir(data, sid)))
    root = str(data.root)
    kept = _SERVED.get(root)
    if kept is not None and kept[0] == newest:
        _open(newest)
        return newest
    follow = bool(st.session_state.get(FOLLOW_KEY))
    if kept is not None and not follow:
        served, since = kept
        if keep_served(since, time.time(), dwell()) and _readable(served):
            return served
    lock = _SWITCH[root]
    if not lock.acquire(blocking=follow or kept is None):
        if kept is not None and _readable(kept[0]):
            return kept[0]  # another reader is warming the new version: this one keeps the served one
        lock.acquire()
    try:
        kept = _SERVED.get(root)
        if kept is None or kept[0] != newest:
            _warm(newest)
            _SERVED[root] = (newest, time.time())
    finally:
        lock.release()
    return newest


def dwell() -> float:
    """Seconds a served version is kept before readers move to a newer one (``VLBOARD_READ_DWELL``;
    not a number or negative: 0)."""
    try:
        value = float(settings.get("VLBOARD_READ_DWELL") or 0)
    except ValueError:
        return 0.0
    return value if math.isfinite(value) and value > 0 else 0.0


def keep_served(since: float, now: float, dwell_s: float) -> bool:
    """Whether readers stay on the served version (served ``since``) although CURRENT moved."""
    return now - since < dwell_s


def follow_writes() -> None:
    """This session wrote: from now on it reads the newest version at once (its own write shows on
    the next run), waiting for the switch if another reader is making it."""
    st.session_state[FOLLOW_KEY] = True


def forget_served() -> None:
    """Forget which version each data folder serves and what readers read lately (tests)."""
    _SERVED.clear()
    _RECENT.clear()


def _readable(ref: SnapshotRef) -> bool:
    try:
        _open(ref)
    except (snapshots.SnapshotError, OSError):
        return False
    return True


def _seen(key: tuple) -> None:
    now = time.time()
    _RECENT[key] = now
    for k in [k for k, t in _RECENT.items() if now - t > RECENT_SECONDS]:
        _RECENT.pop(k, None)


def _warm(ref: SnapshotRef) -> None:
    """Verify and connect ``ref``, then compute the full cards and outlooks this process's readers
    asked for lately (at most six, newest first), and each source choice's new default period."""
    _open(ref)
    recent = [k for k, _ in sorted(_RECENT.items(), key=lambda kv: -kv[1])[:6]]
    for include_demo in sorted({k[2] for k in recent}):
        default = screens.filter_options(ref, include_demo).default_period
        if default is not None:
            recent.insert(0, ("card", default, include_demo, False))
    for what, period, include_demo, approved_only in recent:
        try:
            if what == "card":
                _full_scorecard(ref, period, include_demo, approved_only)
            else:
                _full_outlook(ref, period, include_demo)
        except Exception:  # warming only saves time: the reader that needs it computes (and reports) it
            logging.getLogger(__name__).warning("warming %s %s failed", what, period, exc_info=True)


def open_last_good() -> SnapshotRef | None:
    """The newest snapshot on disk that verifies, or None."""
    path = snapshots.last_good(snapshots.default_data_dir())
    if path is None:
        return None
    ref = SnapshotRef(path.name, str(path))
    _open(ref)
    return ref


_LAST_GOOD: dict[str, tuple[SnapshotRef, float]] = {}  # per data folder: the last snapshot read, and when


@dataclass(frozen=True)
class Reading:
    ref: SnapshotRef | None  # None only when no snapshot at all can be read
    problem: str | None = None  # why CURRENT cannot be used (None when it can)
    age: float = 0.0  # seconds since ``ref`` was last read as CURRENT (when there is a problem)


def read() -> Reading:
    """CURRENT's snapshot; when it cannot be used (missing table, truncated parquet, wrong columns,
    checksum mismatch, a CURRENT naming nothing) the last one this process read, or failing that
    the newest on disk that verifies. Never raises."""
    root = str(snapshots.default_data_dir().root)
    try:
        ref = open_current()
    except (snapshots.SnapshotError, OSError) as exc:
        kept = _LAST_GOOD.get(root)
        if kept is None:
            ref = open_last_good()
            if ref is None:
                return Reading(None, str(exc))
            kept = _LAST_GOOD[root] = (ref, time.time())
        return Reading(kept[0], str(exc), time.time() - kept[1])
    _LAST_GOOD[root] = (ref, time.time())
    return Reading(ref)


def live_snapshot() -> SnapshotRef | None:
    """The snapshot a page shows (``read``), with a Vietnamese warning naming the problem when it
    is a fallback; None, after an error message, only when no snapshot at all can be read."""
    reading = read()
    if reading.ref is None:
        st.error(f"Không đọc được dữ liệu. {formatting.md_escape(reading.problem)}", icon=":material/warning:")
    elif reading.problem:
        st.warning(
            f"Bản dữ liệu hiện hành không dùng được ({formatting.md_escape(reading.problem)}); đang hiển thị "
            f"bản tốt gần nhất `{reading.ref.snapshot_id}`.",
            icon=":material/warning:",
        )
    return reading.ref


def full_scorecard(ref: SnapshotRef, period: str, include_demo: bool, approved_only: bool = False) -> pd.DataFrame:
    """Every indicator of a period with pace and explanations, not narrowed by the filters
    (screens.full_card), once per snapshot × period × source choice."""
    _seen(("card", period, include_demo, approved_only))
    return _full_scorecard(ref, period, include_demo, approved_only)


@st.cache_data(max_entries=64, show_spinner=False)
def _full_scorecard(ref: SnapshotRef, period: str, include_demo: bool, approved_only: bool) -> pd.DataFrame:
    return screens.full_card(ref, period, include_demo, approved_only)


def scorecard(ref: SnapshotRef, f: filters.Filters, period: str | None = None) -> pd.DataFrame | None:
    """screens.scorecard with the full card from the cache: the filter's period (or ``period``),
    narrowed by the filters; None when there is no period to judge."""
    period = period or f.period
    card = None if period is None else full_scorecard(ref, period, f.include_demo, f.approved_only)
    return None if card is None else screens.narrow(card, ref, f)


def full_outlook(ref: SnapshotRef, period: str, include_demo: bool) -> pd.DataFrame:
    """The outlook of every indicator of a period (screens.outlook over the full card), once per
    snapshot × period × source choice: the calibration pools every series of the snapshot."""
    _seen(("outlook", period, include_demo, False))
    return _full_outlook(ref, period, include_demo)


@st.cache_data(max_entries=64, show_spinner=False)
def _full_outlook(ref: SnapshotRef, period: str, include_demo: bool) -> pd.DataFrame:
    f = filters.Filters(period=period, source="all" if include_demo else "real")
    return screens.outlook(ref, f, _full_scorecard(ref, period, include_demo, False))


def outlook(ref: SnapshotRef, f: filters.Filters, card: pd.DataFrame | None) -> pd.DataFrame:
    """screens.outlook for the card's indicators, in the card's order, from the cached full outlook
    (each indicator's forecast depends on its own series and the snapshot's calibration only)."""
    if card is None or f.period is None:
        return screens.outlook(ref, f, card)
    full = full_outlook(ref, f.period, f.include_demo)
    codes = pd.Index(card.indicator_code.drop_duplicates())
    return full.set_index("indicator_code").reindex(codes).reset_index()[full.columns]


def geojson() -> dict | None:
    """The 2025 commune boundaries shipped in data/geo (None, and the page falls back to a table,
    when the file is missing or unreadable)."""
    return _geojson(str(snapshots.default_data_dir().root / "geo" / "vinhlong_2025_communes.geojson"))


@st.cache_resource(show_spinner=False)
def _geojson(path: str) -> dict | None:
    import json

    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


@st.cache_data(max_entries=32, show_spinner=False)
def unit_map(ref: SnapshotRef, f: filters.Filters, title: str, date: str, note: str | None):
    """The ward/commune map for a filter state (None without boundaries). Cached: the polygons make
    the figure the slowest object of the page to build."""
    from vlboard import charts
    from vlboard.domain import rollups

    geo = geojson()
    if geo is None:
        return None
    frame = screens.unit_map_frame(ref, f, scorecard(ref, f))
    return charts.choropleth(geo, frame, title=title, data_date=date, note=note, labels=rollups.SHARE_LABELS)
