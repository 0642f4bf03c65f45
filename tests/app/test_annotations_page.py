"""AppTest (issue 20): the indicator page marks the 2025 reorganisation (shipped annotations.csv)
on the trend chart and lists it under the chart, on real figures and with demo values; no table
and no empty box where no event falls inside the chart's dates."""

from __future__ import annotations

import json

import pytest

from tests.app.test_pages import open_page
from vlboard.board import annotations

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")


def events_table(at):
    return [d.value for d in at.dataframe if list(d.value.columns) == ["Số", "Ngày", "Loại", "Nội dung", "Nguồn"]]


@pytest.mark.parametrize("source", ["real", "all"])
def test_indicator_page_marks_the_reorganisation(monkeypatch, shipped_data, source):
    at = open_page(monkeypatch, shipped_data, "views/indicator.py", code="TPVL-064", source=source)
    assert not at.exception
    assert f"**{annotations.TITLE}**" in [m.value for m in at.markdown]
    (table,) = events_table(at)
    row = table.iloc[0].to_dict()
    assert row["Số"] == "①" and row["Ngày"] == "01/07/2025" and row["Loại"] == "Sắp xếp địa giới"
    assert "chính quyền địa phương 02 cấp" in row["Nội dung"] and row["Nguồn"].startswith("KH CĐS 2026")
    assert not table.astype(str).isin(["None", "nan", ""]).any().any()
    for spec in (json.loads(c.proto.spec) for c in at.get("plotly_chart")):  # the wide and the phone figure
        marks = [a for a in spec["layout"]["annotations"] if a.get("name", "").startswith("event-")]
        lines = [s for s in spec["layout"].get("shapes", []) if s.get("name", "").startswith("event-")]
        assert [a["text"] for a in marks] == ["①"] and len(lines) == 1
        assert lines[0]["line"]["dash"] == "dash" and "Sắp xếp địa giới" in marks[0]["hovertext"]


def test_no_table_where_no_event_is_on_the_chart(monkeypatch, shipped_data):
    at = open_page(monkeypatch, shipped_data, "views/indicator.py", code="KH67-2025-01", source="real")
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    lo, hi = spec["layout"]["xaxis"]["range"]
    assert not lo[:10] <= "2025-07-01" <= hi[:10], "pick an indicator whose chart ends before the event"
    assert f"**{annotations.TITLE}**" not in [m.value for m in at.markdown] and not events_table(at)


HOSTILE = "<script>alert(1)</script> =cmd|' /C calc'!A0 🚀 **đậm** " + "dài " * 120


def test_hostile_event_text_is_text_in_the_hover_and_the_table(monkeypatch, tmp_path):
    import csv
    import shutil

    from tests.support.fixtures import ROOT
    from vlboard.store import build, snapshots

    for d in ("source", "documents", "geo"):
        shutil.copytree(ROOT / "data" / d, tmp_path / d)
    path = tmp_path / "source" / "annotations.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows.append(
        {
            **rows[0],
            "annotation_id": "SK-HOSTILE",
            "date": "2024-06-30",
            "indicator_code": "TPVL-064",
            "kind": "campaign",
            "text": HOSTILE,
        }
    )
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    data = snapshots.DataDir(tmp_path)
    build.build(data, author="tests")
    at = open_page(monkeypatch, data, "views/indicator.py", code="TPVL-064", source="real")
    assert not at.exception
    (table,) = events_table(at)
    assert table["Số"].tolist() == ["①", "②"] and table["Nội dung"].iloc[0] == HOSTILE.strip()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    hover = [a["hovertext"] for a in spec["layout"]["annotations"] if a.get("name") == "event-①"][0]
    assert "&lt;script&gt;" in hover and "<script>" not in hover and "🚀" in hover
