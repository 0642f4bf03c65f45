"""annotations.csv (issue 20, events that explain a series): the build refuses a bad row with a
Vietnamese message naming row and column, the shipped rows quote their documents, the table reads
empty from a snapshot written before it, and the query picks the rows that apply to an indicator."""

from __future__ import annotations

import json
import shutil

import duckdb
import pyarrow as pa
import pytest

from tests.support.fixtures import ROOT
from vlboard.store import build, catalogue, checks, db, queries, schema, snapshots

SOURCE = ROOT / "data" / "source"
GOOD = dict(
    annotation_id="SK-X",
    indicator_code="KH67-2025-01",
    pillar="chinh_quyen_so",
    unit_code=None,
    kind="campaign",
    text="Chiến dịch thử",
    quote_anchor=None,
)


@pytest.fixture(scope="module")
def tables():
    t, problems = catalogue.load_sources(SOURCE)
    assert problems == []
    return t


def problems_of(tables, row: dict) -> list[str]:
    import datetime as dt

    shipped = tables["annotations"].to_pylist()
    first = shipped[0]
    row = {"plan": first["plan"], "quote": first["quote"], "date": dt.date(2025, 7, 1), **row}
    t = {**tables, "annotations": pa.Table.from_pylist(shipped + [row], schema=schema.arrow_schema("annotations"))}
    documents = catalogue.load_documents(ROOT / "data" / "documents", tables["plans"])
    return [str(p) for p in checks.check(t, documents) if p.file == "annotations.csv"]


def test_shipped_rows_are_clean_and_quote_a_plan(tables):
    assert problems_of(tables, {**GOOD}) == []
    rows = tables["annotations"].to_pylist()
    assert rows and all(r["plan"] and r["quote"] and r["text"] for r in rows)
    assert {r["kind"] for r in rows} == {"merger"}  # the documents support the 2025 reorganisation only


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(indicator_code="KHONG-CO"), "cột «indicator_code»: mã chỉ tiêu không có: KHONG-CO"),
        (dict(pillar="so_hoa"), "cột «pillar»: trụ cột không hợp lệ: so_hoa"),
        (dict(pillar="kinh_te_so"), "cột «pillar»: chỉ tiêu KH67-2025-01 thuộc trụ cột chinh_quyen_so"),
        (dict(unit_code="x9999"), "cột «unit_code»: đơn vị không có: x9999"),
        (dict(kind="flood"), "cột «kind»: loại sự kiện không hợp lệ: «flood»"),
        (dict(kind=None), "cột «kind»: loại sự kiện không hợp lệ: «»"),
        (dict(text="  "), "cột «text»: thiếu nội dung sự kiện"),
        (dict(text=None), "cột «text»: thiếu nội dung sự kiện"),
        (dict(date=None), "cột «date»: thiếu ngày xảy ra"),
        (dict(annotation_id="SK-2025-SAPXEP"), "cột «annotation_id»: mã sự kiện trùng: SK-2025-SAPXEP"),
        (dict(annotation_id=None), "cột «annotation_id»: thiếu mã sự kiện"),
        (dict(plan="khong-co"), "cột «plan»: kế hoạch không có: khong-co"),
    ],
)
def test_each_bad_row_is_named(tables, change, message):
    n = tables["annotations"].num_rows + 2  # the added row, as a spreadsheet numbers it
    assert any(
        p.startswith(f"annotations.csv, dòng {n}, ") and message in p for p in problems_of(tables, {**GOOD, **change})
    )


def test_a_quote_not_in_the_document_is_named(tables):
    shown = problems_of(tables, {**GOOD, "quote": "chiến dịch không có trong văn bản"})
    assert any("cột «quote»: trích dẫn không khớp nguyên văn văn bản" in p for p in shown)


def test_the_build_refuses_a_bad_date_and_builds_nothing(tmp_path):
    shutil.copytree(SOURCE, tmp_path / "source")
    shutil.copytree(ROOT / "data" / "documents", tmp_path / "documents")
    path = tmp_path / "source" / "annotations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], lines[1].replace("2025-07-01", "31/02/2025", 1)]) + "\n", encoding="utf-8")
    data = snapshots.DataDir(tmp_path)
    with pytest.raises(catalogue.CatalogueError) as err:
        build.build(data)
    assert "annotations.csv, dòng 2, cột «date»: «31/02/2025» không phải ngày (yyyy-mm-dd)" in str(err.value)
    assert snapshots.current_id(data) is None


def test_the_query_picks_own_pillar_and_all():
    con = duckdb.connect()
    con.execute(
        "create table indicators as select * from (values ('I1', 'chinh_quyen_so'), ('I2', 'kinh_te_so')) t(code, pillar)"
    )
    con.execute("create table units as select * from (values ('u1', 'Phường A')) t(unit_code, name_vi)")
    con.execute("create table plans as select * from (values ('p1', 'KH 1')) t(code, short_name)")
    cols = ", ".join(f"{c} varchar" for c in schema.columns("annotations") if c != "date")
    con.execute(f"create table annotations (date date, {cols})")
    rows = [
        ("A-OWN", "I1", None, "u1", "riêng"),
        ("A-PIL", None, "chinh_quyen_so", None, "trụ cột"),
        ("A-ALL", None, None, None, "tất cả"),
        ("A-OTHER", None, "kinh_te_so", None, "trụ cột khác"),
        ("A-NOT", "I2", None, None, "chỉ tiêu khác"),
    ]
    for i, (aid, code, pillar, unit, text) in enumerate(rows):
        con.execute(
            "insert into annotations (annotation_id, date, indicator_code, pillar, unit_code, kind, text, plan, quote)"
            " values (?, ?, ?, ?, ?, 'other', ?, 'p1', 'q')",
            [aid, f"2025-01-0{i + 1}", code, pillar, unit, text],
        )
    got = queries.run(con, "annotations", code="I1")
    assert got.annotation_id.tolist() == ["A-OWN", "A-PIL", "A-ALL"]
    assert got.unit_name.tolist()[0] == "Phường A" and set(got.plan_name) == {"KH 1"}


def test_a_snapshot_written_before_the_table_reads_it_empty(shipped_data, tmp_path):
    sid, path, manifest = snapshots.current(shipped_data)
    old = tmp_path / "snapshots" / sid
    (tmp_path / "tables").symlink_to(shipped_data.root / "tables", target_is_directory=True)
    shutil.copytree(path, old)
    (old / "annotations.parquet").unlink()
    del manifest["tables"]["annotations"]
    (old / snapshots.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    snapshots.verify(old)
    assert queries.run(db.open_snapshot(old), "annotations", code="KH67-2025-01").empty
