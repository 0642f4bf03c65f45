"""Status rows kept per snapshot and carried to the next version (vlboard.store.status_kept): what a
process reads from them, or derives from an earlier version's, is row for row what the full
computation gives on that snapshot; anything doubtful is computed again."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest

from tests.support.fixtures import tiny_tables
from tests.support.intake import ADMIN, WARD1, filled, run
from tests.unit.store.test_delta import _audit, _row, delta_folder
from vlboard.intake import auth, cycle, history, imports
from vlboard.store import db, increments, snapshots, status_kept

D = dt.date
KEY = (2025, "2025-09-30", True, False)
ROWS = "select * from status_rows_cache where k_year = $y and k_end = $e and k_demo = $d and k_approved = $a"


def _clean(row: tuple) -> tuple:
    return tuple(round(v, 9) if isinstance(v, float) and math.isfinite(v) else v for v in row)


def rows(con, key=KEY) -> list[tuple]:
    """The period's status rows, then each indicator's headline row (marked «IND»)."""
    y, e, d, a = key
    db.prepare_status(con, y, D.fromisoformat(e), d, a)
    p = {"y": y, "e": D.fromisoformat(e), "d": d, "a": a}
    got = sorted((_clean(r) for r in con.execute(ROWS, p).fetchall()), key=repr)
    heads = con.execute("select * from vl_status_indicators($y, $e, $d, $a)", p).fetchall()
    return got + sorted((("IND", *_clean(r)) for r in heads), key=repr)


def computed(path, key=KEY) -> list[tuple]:
    """The full computation on the snapshot, nothing kept read."""
    con = db.open_snapshot(path)
    try:
        db.forget_status(con, kept=False)
        return rows(con, key)
    finally:
        con.close()


def live(data):
    return snapshots.current(data)[1]


def report(data, rid: str, period: str, end: dt.date, value: float):
    """Commit w1's C-01 value of ``period`` (as a clerk's report); the new live snapshot."""
    row = dict(_row(rid, "C-01", period, end.year, end, value), reported_by="t")
    with snapshots.write_lock(data):
        increments.commit_reports(data, [row], _audit(), author="t", note="x")
    return live(data)


def test_rows_are_kept_once_and_the_next_process_reads_them(tmp_path, spy):
    data = delta_folder(tmp_path / "d")
    path = live(data)
    con = db.open_snapshot(path)
    first = rows(con)
    assert spy == [["full"]] and first
    where = status_kept.folder(path, KEY)
    sums = json.loads((where / "sums.json").read_text(encoding="utf-8"))
    stored = {n: f["rows"] for n, f in sums["files"].items() if n.startswith("store-")}
    assert sum(stored.values()) > 0 and len(stored) == len(sums["bounds"]) + 2  # the ranges, then no unit
    assert rows(db.open_snapshot(path)) == first == computed(path)
    assert spy == [["full"], ["full"]]  # the second was read, the third is the reference


def test_an_import_carries_the_rows_and_computes_only_its_unit(tmp_path, spy):
    data = delta_folder(tmp_path / "d")
    before = rows(db.open_snapshot(live(data)))
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 66.5}, "C-03": {"value": 12}}), WARD1))
    path = live(data)
    spy.clear()
    got = rows(db.open_snapshot(path))
    assert spy == [["touched"]]  # carried: ward w1 and the rows without a unit
    assert got == computed(path) != before
    assert 66.5 in {r[16] for r in got if r[11] == "w1"}
    assert status_kept._sums(status_kept.folder(path, KEY), KEY) is not None  # kept for the next one


def test_several_versions_without_a_reader_and_a_rollback(tmp_path, spy):
    data = delta_folder(tmp_path / "d")
    first = snapshots.current_id(data)
    rows(db.open_snapshot(live(data)))
    for v in (61, 62, 63):  # nobody reads these: the fourth version goes back three
        imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": v}}), WARD1))
    path = live(data)
    spy.clear()
    assert rows(db.open_snapshot(path)) == computed(path)
    assert spy[0] == ["touched"]
    history.rollback(data, ADMIN, first, reason="nhầm")
    assert rows(db.open_snapshot(live(data))) == computed(live(data))


def test_a_value_that_moves_the_path_judges_the_other_units_again(tmp_path, spy):
    # C-01 has no 2023 target: 2023 is judged on the path from the baseline (its first real value)
    rows_ = [
        _row("b", "C-01", "2023-Q2", 2023, D(2023, 6, 30), 20.0),
        _row("c", "C-01", "2023-Q3", 2023, D(2023, 9, 30), 33.0, unit="w2"),
        _row("d", "C-01", "2024-Q4", 2024, D(2024, 12, 31), 52.0),
    ]
    data = delta_folder(tmp_path / "d", tiny_tables(results=rows_))
    key = (2023, "2023-09-30", True, False)
    before = rows(db.open_snapshot(live(data)), key)
    path = report(data, "report:C-01:w1:2023-Q1", "2023-Q1", D(2023, 3, 31), 5.0)
    spy.clear()
    got = rows(db.open_snapshot(path), key)
    assert spy == [["touched"]]
    assert got == computed(path, key)
    w2 = [r for r in got if r[11] == "w2"]
    assert w2 and w2 != [r for r in before if r[11] == "w2"]  # w2 untouched, its target moved
    assert linked(status_kept.folder(path, key)) == set()  # judged again: every part written
    spy.clear()
    assert rows(db.open_snapshot(path), key) == got and spy == []  # the next reader reads them back


def linked(where) -> set[str]:
    """The kept store parts of ``where`` that are hard links (shared with an earlier folder)."""
    return {f.name for f in where.glob("store-*.parquet") if f.stat().st_nlink > 1}


def test_a_carry_links_the_parts_no_touched_unit_falls_in(tmp_path, spy):
    from vlboard.store import status_parts

    data = delta_folder(tmp_path / "d")
    earlier = live(data)
    rows(db.open_snapshot(earlier))
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 66.5}}), WARD1))
    path = live(data)
    spy.clear()
    got = rows(db.open_snapshot(path))
    assert spy == [["touched"]] and got == computed(path)
    where, before = status_kept.folder(path, KEY), status_kept.folder(earlier, KEY)
    sums = json.loads((where / "sums.json").read_text(encoding="utf-8"))
    cuts = sums["bounds"]
    assert len(cuts) >= 2  # the tiny units table still makes several parts
    parts = zip(status_parts.names(cuts)[:-1], status_parts._ranges(cuts), strict=True)  # the last: no unit
    mine = {n for n, (lo, hi) in parts if status_parts._holds(lo, hi, ("w1",))}
    assert len(mine) == 1
    assert linked(where) == set(status_parts.names(cuts)) - mine - {status_parts.NULLS}
    for name in linked(where):
        assert (where / name).stat().st_ino == (before / name).stat().st_ino
    assert (where / next(iter(mine))).stat().st_ino != (before / next(iter(mine))).stat().st_ino
    spy.clear()
    assert rows(db.open_snapshot(path)) == got and spy == []  # read back from the linked and written parts


def test_a_reporting_cycle_event_touches_its_subject(tmp_path, spy):
    data = delta_folder(tmp_path / "d")
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 75}, "C-03": {"value": 12}}), WARD1))
    approved = (2025, "2025-09-30", True, True)
    con = db.open_snapshot(live(data))
    before = rows(con), rows(con, approved)
    admin = auth.User("boss", "Q", "admin")
    cycle.act(data, admin, "submit", "unit", "w1", "2025-Q3", expected_state="chua_nop")
    cycle.act(data, admin, "approve", "unit", "w1", "2025-Q3", expected_state="da_nop")
    path = live(data)
    spy.clear()
    con = db.open_snapshot(path)
    after = rows(con), rows(con, approved)
    assert spy == [["touched"], ["touched"]]
    assert after == (computed(path), computed(path, approved)) != before


@pytest.mark.parametrize("damage", ["bytes", "fingerprint", "missing"])
def test_a_damaged_or_foreign_folder_is_computed_again(tmp_path, spy, damage):
    data = delta_folder(tmp_path / "d")
    path = live(data)
    want = rows(db.open_snapshot(path))
    where = status_kept.folder(path, KEY)
    if damage == "bytes":
        sums = json.loads((where / "sums.json").read_text(encoding="utf-8"))
        part = max((n for n in sums["files"] if n.startswith("store-")), key=lambda n: sums["files"][n]["rows"])
        blob = bytearray((where / part).read_bytes())
        blob[len(blob) // 2] ^= 0xFF
        (where / part).write_bytes(bytes(blob))
    elif damage == "fingerprint":
        sums = json.loads((where / "sums.json").read_text(encoding="utf-8"))
        (where / "sums.json").write_text(json.dumps(sums | {"fingerprint": "other"}), encoding="utf-8")
    else:
        (where / "meta.parquet").unlink()
    spy.clear()
    assert rows(db.open_snapshot(path)) == want
    assert spy == [["full"]]
    assert status_kept._sums(where, KEY) is not None  # written again
    assert rows(db.open_snapshot(path)) == want and spy == [["full"]]


def test_a_changed_catalogue_or_a_vacuumed_file_computes_the_whole_period(tmp_path, spy, monkeypatch):
    data = delta_folder(tmp_path / "d")
    rows(db.open_snapshot(live(data)))
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 66.5}}), WARD1))
    monkeypatch.setattr(status_kept, "MAX_DIFF_BYTES", 0)  # as a compaction's rewrite of every file
    spy.clear()
    path = live(data)
    assert rows(db.open_snapshot(path)) == computed(path)
    assert spy[0] == ["full"]
    a = {"format": 5, "tables": {t: {"content_sha256": t} for t in status_kept.CATALOGUE}}
    b = json.loads(json.dumps(a))
    assert status_kept._same_catalogue(a, b)
    b["tables"]["targets"]["content_sha256"] = "x"
    assert not status_kept._same_catalogue(a, b)


def test_only_the_newest_snapshots_keep_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(status_kept, "KEEP_SNAPSHOTS", 2)
    data = delta_folder(tmp_path / "d")
    for v in (61, 62, 63):
        rows(db.open_snapshot(live(data)))
        imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": v}}), WARD1))
    rows(db.open_snapshot(live(data)))
    kept = sorted(p.name for p in snapshots_kept(data.root / status_kept.FOLDER))
    assert len(kept) == 2 and kept[-1] == live(data).name


def test_a_period_nobody_opened_lately_is_still_carried(tmp_path, monkeypatch, spy):
    """Older snapshots keep a period's rows while fewer than KEEP_PER_KEY newer ones hold them: a
    period read once, then never during several imports whose other periods were read, is carried."""
    monkeypatch.setattr(status_kept, "KEEP_SNAPSHOTS", 2)
    other = (2026, "2026-03-31", True, False)
    data = delta_folder(tmp_path / "d")
    rows(db.open_snapshot(live(data)))  # KEY, once
    for v in (61, 62, 63, 64):
        imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": v}}), WARD1))
        rows(db.open_snapshot(live(data)), other)  # only the other period is read on these
    root = data.root / status_kept.FOLDER
    holders = [p.name for p in snapshots_kept(root) if status_kept._sums(status_kept.folder(p, KEY), KEY)]
    assert len(holders) == 1 and len(snapshots_kept(root)) == 3  # two newest, and the one with KEY
    spy.clear()
    path = live(data)
    assert rows(db.open_snapshot(path)) == computed(path)
    assert spy[0] == ["touched"], "carried from the version four imports back"
    monkeypatch.setattr(status_kept, "KEEP_PER_KEY", 0)
    status_kept._prune(root)
    assert len(snapshots_kept(root)) == 2


def snapshots_kept(root) -> list:
    """The snapshot folders under data/.status (not the hidden ones: links served, temporary)."""
    return [p for p in root.iterdir() if not p.name.startswith(".")]


def test_a_period_no_change_reaches_is_the_earlier_folder_linked_whole(tmp_path, spy):
    earlier_key = (2025, "2025-06-30", True, False)  # the import below is of 2025-Q3
    approved = (2025, "2025-06-30", True, True)
    data = delta_folder(tmp_path / "d")
    earlier = live(data)
    con = db.open_snapshot(earlier)
    rows(con, earlier_key), rows(con, approved)
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 75}, "C-03": {"value": 12}}), WARD1))
    admin = auth.User("boss", "Q", "admin")
    cycle.act(data, admin, "submit", "unit", "w1", "2025-Q3", expected_state="chua_nop")
    path = live(data)
    spy.clear()
    con = db.open_snapshot(path)
    got = rows(con, earlier_key), rows(con, approved)
    assert spy == []  # nothing computed: the per-indicator rows only, to see no target moved
    assert got == (computed(path, earlier_key), computed(path, approved))
    for key in (earlier_key, approved):
        where, before = status_kept.folder(path, key), status_kept.folder(earlier, key)
        names = {f.name for f in before.iterdir()}
        assert {f.name for f in where.iterdir()} == names
        assert all((where / n).stat().st_ino == (before / n).stat().st_ino for n in names)
    spy.clear()
    assert rows(db.open_snapshot(path), earlier_key) == got[0] and spy == []  # read back as kept


def test_a_correction_of_the_year_before_that_moves_the_path_is_carried_not_linked(tmp_path, spy):
    # C-01's first target is 2024's: 2023 is judged on the path from the baseline, its earliest
    # real value (2022-Q4). Correcting that value replaces a row of the year before 2023: no subject
    # appears or goes, but the path moves, so the 2023 rows are judged again.
    rows_ = [
        _row("a", "C-01", "2022-Q4", 2022, D(2022, 12, 31), 10.0),
        _row("b", "C-01", "2023-Q2", 2023, D(2023, 6, 30), 20.0),
        _row("c", "C-01", "2023-Q3", 2023, D(2023, 9, 30), 33.0, unit="w2"),
    ]
    data = delta_folder(tmp_path / "d", tiny_tables(results=rows_))
    key = (2023, "2023-09-30", True, False)
    earlier = live(data)
    before = rows(db.open_snapshot(earlier), key)
    path = report(data, "report:C-01:w1:2022-Q4", "2022-Q4", D(2022, 12, 31), 15.0)  # corrected
    spy.clear()
    got = rows(db.open_snapshot(path), key)
    assert spy == [["nulls"]]  # carried: no unit's rows computed, every row judged against the new path
    assert got == computed(path, key) != before
    assert linked(status_kept.folder(path, key)) == set()
    before_meta = status_kept.folder(earlier, key) / "meta.parquet"
    assert (status_kept.folder(path, key) / "meta.parquet").stat().st_ino != before_meta.stat().st_ino


def test_a_value_replaced_in_the_year_before_leaves_the_next_years_period_linked(tmp_path, spy):
    key = (2026, "2026-03-31", True, False)  # its subjects: who reported in 2025 or 2026
    data = delta_folder(tmp_path / "d")
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 75}}), WARD1))
    earlier = live(data)
    rows(db.open_snapshot(earlier), key)
    imports.commit(data, WARD1, run(data, filled(data, {"C-01": {"value": 76}}), WARD1))  # replaced: w1 stays
    path = live(data)
    spy.clear()
    got = rows(db.open_snapshot(path), key)
    assert spy == [] and any(r[11] == "w1" for r in got)
    assert got == computed(path, key)
    meta = status_kept.folder(path, key) / "meta.parquet"
    assert meta.stat().st_ino == (status_kept.folder(earlier, key) / "meta.parquet").stat().st_ino
