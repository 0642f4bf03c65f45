"""AppTest: failure states of the data, and the indicator page (status, trend, provenance)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.fixtures import ROOT, tiny_tables
from vlboard.store import snapshots

APP = str(ROOT / "app.py")


pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")


def run_app(monkeypatch, data: snapshots.DataDir) -> AppTest:
    monkeypatch.setenv("VLBOARD_DATA", str(data.root))
    return AppTest.from_file(APP, default_timeout=60).run()


def table(at: AppTest, *columns: str):
    """The first dataframe on the page that has all ``columns``."""
    for df in at.dataframe:
        if set(columns) <= set(df.value.columns):
            return df.value
    raise AssertionError(f"no table with columns {columns!r}")


def test_overview_lists_the_catalogue_and_its_sources(monkeypatch, shipped_data):
    at = run_app(monkeypatch, shipped_data)
    assert not at.exception
    plans = table(at, "Kế hoạch")
    assert plans.iloc[-1]["Kế hoạch"] == "Tổng cộng" and plans.iloc[-1]["Tổng"] == 410
    assert plans["Kế hoạch"].iloc[0] == "KH 67/KH-UBND (2020, tỉnh)"
    worst = table(at, "Vì sao")
    assert 0 < len(worst) <= 10 and worst["Vì sao"].str.startswith(("Mục tiêu", "Lộ trình")).all()
    assert snapshots.current_id(shipped_data) in " ".join(c.value for c in at.caption)


def test_no_snapshot_shows_vietnamese_error(monkeypatch, tmp_path):
    at = run_app(monkeypatch, snapshots.DataDir(tmp_path))
    assert not at.exception
    assert "Chưa có bản dữ liệu" in at.error[0].value


def test_damaged_snapshot_shows_error_not_traceback(monkeypatch, tmp_path):
    data = snapshots.DataDir(tmp_path)
    sid = snapshots.write_snapshot(data, tiny_tables(), author="t", note="x")
    (data.snapshots / sid / "results.parquet").write_bytes(b"garbage")
    at = run_app(monkeypatch, data)
    assert not at.exception
    assert "«results»" in at.error[0].value


def open_indicator(monkeypatch, data, code=None) -> AppTest:
    monkeypatch.setenv("VLBOARD_DATA", str(data.root))
    at = AppTest.from_file(APP, default_timeout=60)
    if code is not None:
        at.query_params["code"] = code
    at.run()
    at.switch_page("views/indicator.py").run()
    return at


def test_indicator_page_deep_link_shows_status_trend_and_provenance(monkeypatch, shipped_data):
    at = open_indicator(monkeypatch, shipped_data, "DA2702-2025-23")
    assert not at.exception
    assert [s for s in at.selectbox if s.label == "Chỉ tiêu"][0].value == "DA2702-2025-23"
    text = " ".join(m.value for m in at.markdown)
    assert "Xu hướng dài hạn" in text and "Chưa đến kỳ" in text
    meta = table(at, "Mục", "Nội dung").set_index("Mục")["Nội dung"]
    assert meta["Trích dẫn nguyên văn"].startswith("«") and "Cục Thống kê" in meta["Cơ quan chủ trì"]
    results = table(at, "Trích dẫn / ghi chú")
    assert "Văn bản" in set(results["Nguồn"]) and results["Trích dẫn / ghi chú"].str.len().gt(0).any()
    assert "Mục tiêu áp dụng" in results.columns  # the target each value is judged against, next to it
    assert "2025" in set(table(at, "Ô in trong văn bản")["Năm"])


def test_indicator_trend_from_yearly_demo_series(monkeypatch, shipped_data):
    at = open_indicator(monkeypatch, shipped_data, "TPVL-003")
    assert not at.exception
    import json

    trend = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert {"Minh họa", "Mục tiêu", "Lộ trình"} <= {t.get("name") for t in trend["data"]}
    assert "≥ 100%" in set(table(at, "Mục tiêu áp dụng")["Mục tiêu áp dụng"])
    text = " ".join(m.value for m in at.markdown)
    assert "Xu hướng dài hạn" in text and "Chưa đủ dữ liệu" not in text
    at.sidebar.radio(key="flt_source").set_value("real").run()
    text = " ".join(m.value for m in at.markdown)
    assert "Chưa đủ dữ liệu" in text  # no real figures for the city's indicators
    assert not at.exception


def test_indicator_unknown_code_falls_back_with_a_note(monkeypatch, shipped_data):
    at = open_indicator(monkeypatch, shipped_data, "../../etc/passwd")
    assert not at.exception
    assert any("Không có chỉ tiêu" in w.value for w in at.warning)
    assert [s for s in at.selectbox if s.label == "Chỉ tiêu"][0].value == "KH67-2025-01"
