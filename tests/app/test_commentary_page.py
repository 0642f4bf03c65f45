"""AppTest of the commentary (issue 20): the ward clerk's «Việc của tôi» lists the miss still
without explanation and its form writes one with hostile text; the page «Giải trình» (/giai-trinh)
lists the misses per subject for everyone and the explanations on record; the indicator page
shows the explanation next to the value. Hostile text is shown as text (grid cells, escaped
markdown), never as markup; no cell shows None or nan."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.intake import WARD1, filled, intake_tables, run
from tests.support.pages import open_page, sign_in
from tests.unit.intake.conftest import _folder
from vlboard.board import commentary as frames
from vlboard.intake import imports
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")

EVIL = '<script>alert(1)</script> **đậm** =HYPERLINK("http://x") [x](javascript:alert(1)) مرحبا 🎉'


@pytest.fixture
def folder(tmp_path) -> snapshots.DataDir:
    d = _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_DELTA)
    imports.commit(d, WARD1, run(d, filled(d, {"C-01": {"value": 64}}), WARD1))
    return d


def no_raw_markup(at: AppTest) -> None:
    for m in [*at.markdown, *at.caption, *at.error, *at.success, *at.info]:
        assert "<script>" not in m.value and "](javascript" not in m.value, m.value
    for df in at.dataframe:
        assert not df.value.astype(str).isin(["nan", "NaN", "None", "NaT"]).any().any(), df.value


def test_clerk_explains_a_miss_from_my_work(monkeypatch, folder):
    d = folder
    at = open_page(monkeypatch, d, "views/my_work.py")
    sign_in(at, "ed")
    assert not at.exception, at.exception
    assert any(s.value == "Chưa giải trình" for s in at.subheader)
    [gaps] = [t.value for t in at.dataframe if "Mã chỉ tiêu" in t.value.columns and "Đánh giá" in t.value.columns]
    assert sorted(zip(gaps["Kỳ"], gaps["Đánh giá"])) == [("Quý II/2025", "Chưa đạt"), ("Quý III/2025", "Gần đạt")]
    labels = at.selectbox(key="gt_pick").options
    pick = [o for o in labels if "Quý III/2025" in o]
    at.selectbox(key="gt_pick").set_value(at.selectbox(key="gt_pick").options.index(pick[0])).run()
    at.text_area(key="gt_cause").set_value(EVIL).run()
    at.button(key="gt_save").click().run()
    assert any("Cần ghi «Giải pháp khắc phục»" in e.value for e in at.error)  # nothing written
    assert frames.current(Snapshot.current(d)).empty
    at.text_area(key="gt_cause").set_value(EVIL).run()
    at.text_area(key="gt_remedy").set_value("Tăng cường **tổ** công nghệ số").run()
    at.text_input(key="gt_back").set_value("31/12/2025").run()
    at.button(key="gt_save").click().run()
    assert not at.exception, at.exception
    assert any("Đã ghi giải trình C-01 kỳ 2025-Q3" in s.value for s in at.success)
    [row] = frames.current(Snapshot.current(d)).to_dict("records")
    assert row["cause"] == EVIL
    [gaps] = [t.value for t in at.dataframe if "Đánh giá" in t.value.columns and "Nguồn" in t.value.columns]
    assert list(gaps["Kỳ"]) == ["Quý II/2025"]
    no_raw_markup(at)

    # everyone sees it on «Giải trình», as text in a grid cell
    at = open_page(monkeypatch, d, "views/commentary.py")
    assert not at.exception, at.exception
    assert at.title[0].value == "Giải trình chỉ tiêu chưa đạt"
    [done] = [t.value for t in at.dataframe if "Giải trình" in t.value.columns]
    assert list(done["Giải trình"]) == [f"{EVIL} — Tăng cường **tổ** công nghệ số; dự kiến đạt 31/12/2025"]
    counts = {m.label: m.value for m in at.metric}
    assert counts["Đã giải trình"] == "1"
    assert "gt_save" not in {b.key for b in at.button}  # a visitor reads only
    no_raw_markup(at)

    # and on the indicator page, next to the value
    at = open_page(monkeypatch, d, "views/indicator.py")
    at.query_params["code"] = "C-01"
    at.run()
    [values] = [t.value for t in at.dataframe if "Giải trình" in t.value.columns]
    assert EVIL + " — Tăng cường **tổ** công nghệ số; dự kiến đạt 31/12/2025" in set(values["Giải trình"])
    no_raw_markup(at)
