"""AppTest of «Đối chiếu chỉ tiêu» (views/audit.py): shipped data with and without demo, the flag
and pillar filters, links to the indicator page, the quotes, and an empty catalogue."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.fixtures import ROOT, tiny_tables
from vlboard.board import audit, screens
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

APP = str(ROOT / "app.py")
PAGE = "views/audit.py"

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")


def open_audit(monkeypatch, data, **params) -> AppTest:
    monkeypatch.setenv("VLBOARD_DATA", str(data.root))
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def text(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title])


@pytest.mark.parametrize("source", ["real", "all"])
def test_page_shows_the_conflicts_with_links_and_quotes(monkeypatch, shipped_data, source):
    at = open_audit(monkeypatch, shipped_data, source=source)
    items = screens.target_audit(Snapshot.current(shipped_data))
    conflicts = [c for c in items if c.conflict]
    assert at.title[0].value == "Đối chiếu chỉ tiêu giữa các kế hoạch" and not at.error
    assert audit.summary_line(items) in text(at).replace("\\", "")
    assert [e.label for e in at.main.expander] == [f"{c.label} — {' · '.join(c.flags)}" for c in conflicts]
    assert len(at.main.dataframe) == len(conflicts)
    for frame, c in zip(at.main.dataframe, conflicts, strict=True):
        df = frame.value
        assert "None" not in df.to_string() and "nan" not in df.to_string()
        for url, code in zip(df["Mã"], c.members["Mã"], strict=True):
            parts = urlsplit(url)
            assert parts.path == "chi-tiet" and parse_qs(parts.query)["code"] == [code]
    softer = next(c for c in conflicts if audit.SOFTER in c.flags)
    page_text = text(at).replace("\\", "")
    assert "DA2702-2025-32" in page_text and "Ít nhất 50%" in page_text
    for code, _, quote in audit.quotes(softer.members):
        assert code in page_text and quote.split()[0] in page_text


def test_flag_and_pillar_filters(monkeypatch, shipped_data):
    at = open_audit(monkeypatch, shipped_data, source="real")
    items = screens.target_audit(Snapshot.current(shipped_data))
    at.segmented_control(key="audit_flag").set_value(audit.SOFTER).run()
    assert len(at.main.expander) == len(audit.select(items, flag=audit.SOFTER)) >= 1
    at.segmented_control(key="audit_flag").set_value("Tất cả").run()
    assert len(at.main.expander) == len(items)
    at = open_audit(monkeypatch, shipped_data, source="real", pillar="kinh_te_so")
    at.segmented_control(key="audit_flag").set_value("Tất cả").run()
    want = audit.select(items, pillar="kinh_te_so")
    assert [e.label.split(" — ")[0] for e in at.main.expander] == [c.label for c in want] and want


def test_empty_catalogue_says_so(monkeypatch, tmp_path):
    data = snapshots.DataDir(tmp_path)
    snapshots.write_snapshot(data, tiny_tables(results=[]), author="t", note="empty")
    (tmp_path / "geo").mkdir()
    at = open_audit(monkeypatch, data)
    assert any("chưa có gì để đối chiếu" in i.value for i in at.info)
    assert not at.main.expander
