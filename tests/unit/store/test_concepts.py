"""The cross-plan concepts of the catalogue (concepts.csv, indicator_concepts.csv): checks that name
file, row and column in Vietnamese, the table carried into each snapshot and read through SQL, and
a snapshot written before the table existed still reading (the table empty)."""

from __future__ import annotations

import json
import shutil

import pyarrow as pa
import pytest

from tests.support.fixtures import ROOT
from vlboard.store import catalogue, checks, db, queries, schema, snapshots

SOURCE = ROOT / "data" / "source"


@pytest.fixture(scope="module")
def tables():
    t, problems = catalogue.load_sources(SOURCE)
    assert problems == []
    return t


def with_rows(tables, table: str, rows: list[dict]) -> dict[str, pa.Table]:
    return {**tables, table: pa.Table.from_pylist(rows, schema=schema.arrow_schema(table))}


def concept_problems(t) -> list[str]:
    return [str(p) for p in checks.check(t) if p.file in ("concepts.csv", "indicator_concepts.csv")]


def test_shipped_concepts_are_clean_and_real_overlaps(tables):
    assert concept_problems(tables) == []
    concepts = tables["concepts"].to_pylist()
    members = tables["indicator_concepts"].to_pylist()
    assert 10 <= len(concepts) <= 30
    plans = {i["code"]: i["plan"] for i in tables["indicators"].to_pylist()}
    for c in concepts:
        mine = [m["indicator_code"] for m in members if m["concept_code"] == c["code"]]
        assert len({plans[m] for m in mine}) >= 2, f"{c['code']}: set by one plan only"


CASES = [
    (
        "indicator_concepts",
        lambda rows: rows + [dict(indicator_code="KHONG-CO", concept_code=rows[0]["concept_code"])],
        "indicator_concepts.csv, dòng {n}, cột «indicator_code»: mã chỉ tiêu không có: KHONG-CO",
    ),
    (
        "indicator_concepts",
        lambda rows: rows + [dict(indicator_code="KH67-2025-12", concept_code="khong-co")],
        "indicator_concepts.csv, dòng {n}, cột «concept_code»: khái niệm không có trong concepts.csv: khong-co",
    ),
]


@pytest.mark.parametrize(("table", "change", "message"), CASES)
def test_bad_member_rows_are_named(tables, table, change, message):
    rows = change(tables[table].to_pylist())
    got = concept_problems(with_rows(tables, table, rows))
    assert message.format(n=len(rows) + 1) in got


def test_concept_with_one_member_and_judged_by_outside_it(tables):
    concepts = tables["concepts"].to_pylist()
    members = tables["indicator_concepts"].to_pylist()
    first = concepts[0]["code"]
    kept = [m for m in members if m["concept_code"] != first]
    one = next(m for m in members if m["concept_code"] == first and m["indicator_code"] != concepts[0]["judged_by"])
    t = with_rows(with_rows(tables, "indicator_concepts", [*kept, one]), "concepts", concepts)
    got = concept_problems(t)
    assert f"concepts.csv, dòng 2, cột «code»: khái niệm «{first}» có 1 chỉ tiêu, cần ít nhất 2 để đối chiếu" in got
    assert (
        f"concepts.csv, dòng 2, cột «judged_by»: chỉ tiêu dùng để đánh giá «{concepts[0]['judged_by']}» "
        "không thuộc khái niệm này"
    ) in got


def test_bad_concept_cells_and_duplicates(tables):
    concepts = tables["concepts"].to_pylist()
    bad = {**concepts[1], "pillar": "khong_co", "label_vi": None, "judged_by_reason": None}
    members = tables["indicator_concepts"].to_pylist()
    t = with_rows(
        with_rows(tables, "concepts", [concepts[0], bad, *concepts[2:]]), "indicator_concepts", [*members, members[0]]
    )
    got = concept_problems(t)
    assert "concepts.csv, dòng 3, cột «pillar»: trụ cột không hợp lệ: khong_co" in got
    assert "concepts.csv, dòng 3, cột «label_vi»: thiếu tên khái niệm" in got
    assert "concepts.csv, dòng 3, cột «judged_by_reason»: thiếu lý do chọn chỉ tiêu đánh giá" in got
    assert any(
        g.startswith(f"indicator_concepts.csv, dòng {len(members) + 2}, cột «indicator_code»: khóa trùng") for g in got
    )


def test_missing_file_is_named(tmp_path):
    shutil.copytree(SOURCE, tmp_path / "source")
    (tmp_path / "source" / "concepts.csv").unlink()
    _, problems = catalogue.load_sources(tmp_path / "source")
    assert "concepts.csv: thiếu tệp" in [str(p) for p in problems]


def test_snapshot_carries_the_tables_and_the_query_reads_them(shipped_data):
    sid, path, manifest = snapshots.current(shipped_data)
    assert {"concepts", "indicator_concepts"} <= set(manifest["tables"])
    con = db.open_snapshot(path)
    df = queries.run(con, "concept_targets")
    assert set(df.concept_code) == {
        r["concept_code"] for r in con.execute("select concept_code from indicator_concepts").df().to_dict("records")
    }
    assert df.quote.notna().all() and df.plan_name.notna().all()


def test_a_snapshot_written_before_the_tables_reads_them_empty(shipped_data, tmp_path):
    sid, path, manifest = snapshots.current(shipped_data)
    old = tmp_path / "snapshots" / sid  # beside the shipped Delta tables, as a snapshot of that folder
    (tmp_path / "tables").symlink_to(shipped_data.root / "tables", target_is_directory=True)
    shutil.copytree(path, old)
    for t in schema.ADDED_TABLES:
        (old / f"{t}.parquet").unlink()
        del manifest["tables"][t]
    (old / snapshots.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    snapshots.verify(old)
    con = db.open_snapshot(old)
    assert queries.run(con, "concept_targets").empty
    assert con.execute("select count(*) from indicators").fetchone()[0] > 0


def test_the_empty_table_outlives_garbage_collection(shipped_data, tmp_path):
    import gc

    sid, path, manifest = snapshots.current(shipped_data)
    old = tmp_path / "snapshots" / sid  # beside the shipped Delta tables, as a snapshot of that folder
    (tmp_path / "tables").symlink_to(shipped_data.root / "tables", target_is_directory=True)
    shutil.copytree(path, old)
    for t in schema.ADDED_TABLES:
        (old / f"{t}.parquet").unlink()
    con = db.open_snapshot(old)
    gc.collect()
    assert queries.run(con, "concept_targets").empty
    assert list(con.execute("select * from concepts").df().columns) == schema.columns("concepts")
