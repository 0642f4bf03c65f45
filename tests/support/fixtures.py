"""Test data helpers shared by every tier: the repository root, tiny snapshots written from dicts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from vlboard.store import schema, snapshots

ROOT = Path(__file__).resolve().parents[2]


def tiny_tables(**overrides: list[dict]) -> dict[str, pa.Table]:
    """A small, consistent snapshot: 2 plans, 3 indicators, targets, 2 wards, a few results."""
    d = dt.date
    rows: dict[str, list[dict]] = {
        "plans": [
            dict(
                code="p-tinh",
                number="1/KH",
                date=d(2024, 1, 1),
                title="Kế hoạch tỉnh",
                level="tinh",
                period_start=2024,
                period_end=2025,
            ),
            dict(
                code="p-tp",
                number="2/QĐ",
                date=d(2023, 7, 1),
                title="Kế hoạch thành phố",
                level="thanh_pho",
                period_start=2023,
                period_end=2025,
            ),
        ],
        "indicators": [
            dict(
                code="T-01",
                plan="p-tinh",
                pillar="chinh_quyen_so",
                name_vi="Tỷ lệ hồ sơ trực tuyến",
                kind="percent",
                unit="%",
                direction="higher",
                scope="province",
                quote="hồ sơ",
            ),
            dict(
                code="C-01",
                plan="p-tp",
                pillar="xa_hoi_so",
                name_vi="Tỷ lệ người dân có tài khoản",
                kind="percent",
                unit="%",
                direction="higher",
                scope="city+ward",
                quote="tài khoản",
            ),
            dict(
                code="C-02",
                plan="p-tp",
                pillar="kinh_te_so",
                name_vi="Triển khai nền tảng",
                kind="qualitative",
                unit=None,
                direction="higher",
                scope="city",
                quote="nền tảng",
            ),
        ],
        "targets": [
            dict(indicator_code="T-01", year=2025, comparator=">", value=80.0, raw=">80%"),
            dict(indicator_code="C-01", year=2024, comparator=">=", value=50.0, raw="50%"),
            dict(indicator_code="C-01", year=2025, comparator=">=", value=70.0, raw="70%"),
            dict(indicator_code="C-02", year=2025, comparator="done", value=None, raw="Triển khai năm 2025"),
        ],
        "agencies": [
            dict(
                code="A-1",
                name_vi="Phòng Văn hóa và Thông tin",
                short_name="Phòng VH&TT",
                level="thanh_pho",
                kind="agency",
            )
        ],
        "assignments": [dict(indicator_code="C-01", agency_code="A-1", role="lead", raw="Phòng VH&TT")],
        "units": [
            dict(unit_code="tp", official_code="855", name_vi="Thành phố", type="thành phố", level="thanh_pho"),
            dict(
                unit_code="w1", official_code="1", name_vi="Phường 1", type="phường", level="phuong", parent_code="tp"
            ),
            dict(
                unit_code="w2", official_code="2", name_vi="Phường 2", type="phường", level="phuong", parent_code="tp"
            ),
        ],
        "results": [
            dict(
                result_id="r1",
                indicator_code="T-01",
                period="2024",
                period_type="year",
                year=2024,
                period_end=d(2024, 12, 31),
                unit_code="tp",
                value=72.5,
                as_of=d(2024, 12, 27),
                source="document",
                quote="72,5%",
            ),
            dict(
                result_id="r2",
                indicator_code="C-01",
                period="2025-Q3",
                period_type="quarter",
                year=2025,
                period_end=d(2025, 9, 30),
                unit_code="w1",
                value=61.0,
                numerator=61.0,
                denominator=100.0,
                as_of=d(2025, 9, 30),
                source="demo",
            ),
            dict(
                result_id="r3",
                indicator_code="C-01",
                period="2025-Q3",
                period_type="quarter",
                year=2025,
                period_end=d(2025, 9, 30),
                unit_code="w2",
                value=75.0,
                as_of=d(2025, 9, 30),
                source="demo",
            ),
        ],
        "reporting_rules": [
            dict(plan="p-tp", subject="ward", frequency="quarter"),
            dict(plan="p-tp", subject="lead_agency", frequency="quarter"),
        ],
        "status_config": [dict(indicator_code=None, near_band=0.9, report_due_days=10)],
    }
    rows.update(overrides)
    out = {}
    for table in schema.TABLES:
        cols = schema.columns(table)
        full = [{c: r.get(c) for c in cols} for r in rows.get(table, [])]
        out[table] = pa.Table.from_pylist(full, schema=schema.arrow_schema(table))
    return out


def data_dir_with(root, tables: dict[str, pa.Table], note: str) -> snapshots.DataDir:
    """A data folder at ``root`` whose live snapshot holds ``tables``."""
    data = snapshots.DataDir(root)
    data.root.mkdir()
    snapshots.write_snapshot(data, tables, author="tests", note=note)
    return data
