"""The data doorway of the Streamlit side: one frozen ``SnapshotRef`` (id + folder) is the only
key of every cache, so a new snapshot never serves old answers; one last-good fallback per data
folder, shared by the pages and the wall, keeps the last readable snapshot up when CURRENT breaks."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

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
    """Verify once and connect once per snapshot: a new CURRENT gets a new connection."""
    return snapshots.verify(Path(ref.path)), db.open_snapshot(Path(ref.path))


@st.cache_data(max_entries=512, show_spinner=False)
def _query(ref: SnapshotRef, name: str, params: tuple) -> pd.DataFrame:
    _, con = _open(ref)
    return queries.run(con, name, **dict(params))


def open_current() -> SnapshotRef:
    """The snapshot CURRENT points at, verified and connected once per id; raises SnapshotError."""
    data = snapshots.default_data_dir()
    sid = snapshots.current_id(data)
    if sid is None:
        raise snapshots.SnapshotError("Chưa có bản dữ liệu nào: chạy «python -m vlboard build».")
    ref = SnapshotRef(sid, str(snapshots.snapshot_dir(data, sid)))
    _open(ref)
    return ref


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


@st.cache_data(max_entries=64, show_spinner=False)
def full_scorecard(ref: SnapshotRef, period: str, include_demo: bool, approved_only: bool = False) -> pd.DataFrame:
    """Every indicator of a period with pace and explanations, not narrowed by the filters
    (screens.full_card), once per snapshot × period × source choice."""
    return screens.full_card(ref, period, include_demo, approved_only)


def scorecard(ref: SnapshotRef, f: filters.Filters, period: str | None = None) -> pd.DataFrame | None:
    """screens.scorecard with the full card from the cache: the filter's period (or ``period``),
    narrowed by the filters; None when there is no period to judge."""
    period = period or f.period
    card = None if period is None else full_scorecard(ref, period, f.include_demo, f.approved_only)
    return None if card is None else screens.narrow(card, ref, f)


@st.cache_data(max_entries=64, show_spinner=False)
def full_outlook(ref: SnapshotRef, period: str, include_demo: bool) -> pd.DataFrame:
    """The outlook of every indicator of a period (screens.outlook over the full card), once per
    snapshot × period × source choice: the calibration pools every series of the snapshot."""
    f = filters.Filters(period=period, source="all" if include_demo else "real")
    return screens.outlook(ref, f, full_scorecard(ref, period, include_demo))


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
    from vlboard.board import breakdowns
    from vlboard.domain import rollups

    geo = geojson()
    if geo is None:
        return None
    units = screens.unit_rows(ref, f, scorecard(ref, f))
    frame = breakdowns.map_frame(units, ref.q("unit_list"), ref.q("unit_crosswalk"))
    return charts.choropleth(geo, frame, title=title, data_date=date, note=note, labels=rollups.SHARE_LABELS)
