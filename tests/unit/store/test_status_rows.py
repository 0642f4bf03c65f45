"""The status rows filled by parts (vl_status_rows_part, db.prepare_status) are the rows of the
formulation before it (tests/unit/store/status_rows_reference.sql), on the shipped data and on a small
folder with the edge cases: ties, conflicting document figures, dissolved units, demo and real rows,
the approved-only branch, NULL agency or unit, a unit code missing from the catalogue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from tests.support.fixtures import data_dir_with, tiny_tables
from vlboard.store import db, snapshots

REFERENCE = Path(__file__).with_name("status_rows_reference.sql").read_text(encoding="utf-8")
KEY = ("k_year", "k_end", "k_demo", "k_approved")


def _differences(con, year: int, end: dt.date, demo: bool, approved: bool) -> tuple[int, int, int, int]:
    """(rows only in the new, rows only in the reference, new rows, reference rows) for one period,
    the new rows read as the pages read them (status_rows_cache after prepare_status)."""
    db.prepare_status(con, year, end, demo, approved)
    a = "true" if approved else "false"
    new = (
        f"select * exclude ({', '.join(KEY)}) from status_rows_cache "
        f"where k_year = $y and k_end = $e and k_demo = $d and k_approved = {a}"
    )
    ref = f"select * from vl_status_rows_reference($y, $e, $d, {a})"
    p = {"y": year, "e": end, "d": demo}
    only_new = con.execute(f"select count(*) from ({new} except all {ref})", p).fetchone()[0]
    only_ref = con.execute(f"select count(*) from ({ref} except all {new})", p).fetchone()[0]
    n_new = con.execute(f"select count(*) from ({new})", p).fetchone()[0]
    n_ref = con.execute(f"select count(*) from ({ref})", p).fetchone()[0]
    # the whole macro in one statement gives the same rows too
    whole = f"select * from vl_status_rows($y, $e, $d, {a})"
    assert con.execute(f"select count(*) from ({whole} except all {ref})", p).fetchone()[0] == 0
    assert con.execute(f"select count(*) from ({ref} except all {whole})", p).fetchone()[0] == 0
    return only_new, only_ref, n_new, n_ref


def _open(data):
    con = db.open_snapshot(snapshots.current(data)[1])
    con.execute(REFERENCE)
    return con


PERIODS = [
    (2025, dt.date(2025, 12, 31)),
    (2025, dt.date(2025, 9, 30)),
    (2024, dt.date(2024, 12, 31)),
    (2023, dt.date(2023, 12, 31)),
]


@pytest.mark.parametrize("rows_per_part", [db.ROWS_PER_PART, 1])
def test_shipped_data_same_rows_as_the_reference(shipped_data, monkeypatch, rows_per_part):
    """Every period, demo or not, approved-only or not; in one part, and one part per unit range
    (rows_per_part 1: as many parts as units)."""
    monkeypatch.setattr(db, "ROWS_PER_PART", rows_per_part)
    con = _open(shipped_data)
    try:
        for year, end in PERIODS[: 4 if rows_per_part > 1 else 2]:
            for demo in (True, False):
                for approved in (False, True):
                    only_new, only_ref, n_new, n_ref = _differences(con, year, end, demo, approved)
                    assert (only_new, only_ref) == (0, 0), (year, end, demo, approved)
                    assert n_new == n_ref > 0
    finally:
        con.close()


def _edge_tables():
    d = dt.date

    def row(rid, code, unit, value, end, *, agency=None, source="demo", as_of=None, precedence=None, period=None):
        return dict(
            result_id=rid,
            indicator_code=code,
            period=period or f"{end.year}-Q{(end.month - 1) // 3 + 1}",
            period_type="quarter",
            year=end.year,
            period_end=end,
            unit_code=unit,
            agency_code=agency,
            value=value,
            as_of=as_of or end,
            source=source,
            precedence=precedence,
            quote="x" if source == "document" else None,
        )

    q3, q2, y24 = d(2025, 9, 30), d(2025, 6, 30), d(2024, 12, 31)
    results = [
        # ties at the newest date: same as_of, no precedence -> result_id decides; three values
        row("t-b", "C-01", "w1", 64.0, q3),
        row("t-a", "C-01", "w1", 66.0, q3),
        row("t-c", "C-01", "w1", 64.0, q3, source="report"),
        row("t-old", "C-01", "w1", 90.0, q2),
        # conflicting document figures for the city, same date: precedence, then newer as_of
        row("d-2", "C-01", "tp", 40.0, q3, source="document", as_of=d(2025, 8, 31), precedence=2),
        row("d-1", "C-01", "tp", 90.0, q3, source="document", as_of=d(2025, 8, 31), precedence=1),
        row("d-0", "C-01", "tp", 55.0, q3, source="document", as_of=d(2025, 7, 31), precedence=1),
        row("d-n", "C-01", "tp", None, q3, source="document", as_of=d(2025, 9, 30), precedence=1),
        # a ward dissolved on 30/6/2024 that reported in 2024, one alive that reported only in 2024
        row("x-1", "C-01", "w-old", 30.0, y24, period="2024-Q4"),
        row("x-2", "C-01", "w2", 31.0, y24, period="2024-Q4"),
        # the agency (no unit), and a row with neither unit nor agency (the headline)
        row("g-1", "C-01", None, 50.0, q2, agency="A-1", source="report"),
        row("g-2", "C-01", None, 52.0, q3, agency="A-1", source="report"),
        row("h-1", "T-01", None, 81.0, q3, source="document", precedence=1),
        # a unit code the catalogue does not list, and an agency that was dissolved
        row("o-1", "T-01", "zz-unknown", 10.0, q2),
        row("o-2", "T-01", "w1", 12.0, q2, agency="A-gone", source="report"),
        # real and demo for the same subject and date
        row("m-1", "T-01", "w2", 70.0, q3, source="report"),
        row("m-2", "T-01", "w2", 71.0, q3),
        # a value that is NULL in the year and a later text figure
        row("n-1", "C-02", "w2", None, q3, source="report"),
    ]
    units = tiny_tables()["units"].to_pylist()
    units.append(
        dict(unit_code="w-old", official_code="9", name_vi="Phường cũ", type="phường", level="phuong")
        | {"valid_to": d(2024, 6, 30), "parent_code": "tp"}
    )
    agencies = tiny_tables()["agencies"].to_pylist()
    agencies.append(
        dict(code="A-gone", name_vi="Phòng đã giải thể", short_name="Phòng cũ", level="thanh_pho", kind="agency")
        | {"valid_to": d(2024, 12, 31)}
    )
    approve = dict(
        event_id="e1",
        at=dt.datetime(2025, 10, 5, 8, 0),
        username="u",
        role="admin",
        action="approve",
        subject_type="unit",
        subject_code="w2",
        period="2025-Q3",
        from_state="da_nop",
        to_state="da_duyet",
    )
    approve_agency = approve | dict(event_id="e2", subject_type="agency", subject_code="A-1", period="2025-Q2")
    return tiny_tables(results=results, units=units, agencies=agencies, cycle_events=[approve, approve_agency])


@pytest.mark.parametrize("rows_per_part", [db.ROWS_PER_PART, 1])
def test_edge_cases_same_rows_as_the_reference(tmp_path, monkeypatch, rows_per_part):
    monkeypatch.setattr(db, "ROWS_PER_PART", rows_per_part)
    con = _open(data_dir_with(tmp_path / "d", _edge_tables(), "edges"))
    try:
        for year, end in [(2025, dt.date(2025, 12, 31)), (2025, dt.date(2025, 6, 30)), (2024, dt.date(2024, 12, 31))]:
            for demo in (True, False):
                for approved in (False, True):
                    only_new, only_ref, n_new, n_ref = _differences(con, year, end, demo, approved)
                    assert (only_new, only_ref) == (0, 0), (year, end, demo, approved)
                    assert n_new == n_ref > 0
        # the cases are there: a tie broken by result_id, three values; precedence over record order
        rows = dict(
            con.execute(
                "select coalesce(unit_code, agency_code), (value, n_distinct_values) from status_rows_cache "
                "where k_year = 2025 and k_end = date '2025-12-31' and k_demo and not k_approved "
                "and indicator_code = 'C-01'"
            ).fetchall()
        )
        assert rows["w1"] == (66.0, 2) and rows["tp"] == (90.0, 3) and rows["A-1"] == (52.0, 1)
        assert rows["w2"] == (None, 0) and "w-old" not in rows
    finally:
        con.close()


def test_a_failed_part_leaves_no_rows(tmp_path, monkeypatch):
    """The fill is one transaction: when a part fails after others were written, nothing stays, and
    the next call fills the period in full."""
    monkeypatch.setattr(db, "ROWS_PER_PART", 1)  # several range parts before the one that fails
    con = _open(data_dir_with(tmp_path / "d", _edge_tables(), "edges"))
    good = dict(db._FILL_PART)
    try:
        broken = good | {("false", "from"): good["false", "from"].replace("vl_status_store_rows", "no_such_macro")}
        monkeypatch.setattr(db, "_FILL_PART", broken)
        with pytest.raises(duckdb.Error):
            db.prepare_status(con, 2025, dt.date(2025, 12, 31), True)
        assert con.execute("select count(*) from status_rows_store").fetchone() == (0,)
        assert con.execute("select count(*) from status_rows_meta").fetchone() == (0,)
        monkeypatch.setattr(db, "_FILL_PART", good)
        assert _differences(con, 2025, dt.date(2025, 12, 31), True, False)[:2] == (0, 0)
    finally:
        con.close()
