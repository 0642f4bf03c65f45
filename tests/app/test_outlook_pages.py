"""AppTest: the outlook to the deadline where the screens show it (indicator page fan and line,
«Khả năng đạt» in the pillar table, «Có nguy cơ không đạt» on the overview and the wall), with
demo values and with real figures only (where nearly everything is refused, and said so)."""

from __future__ import annotations

import json

import pytest

from tests.app.test_pages import open_page, texts
from tests.app.test_wall import open_wall, page_text
from vlboard.board import outlook, screens
from vlboard.domain import filters, formatting
from vlboard.store.source import Snapshot

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")


def test_indicator_page_draws_the_fan_and_says_the_chance(monkeypatch, shipped_data):
    at = open_page(monkeypatch, shipped_data, "views/indicator.py", code="TPVL-064")
    assert not at.exception
    line = [m.value for m in at.markdown if m.value.startswith("**Triển vọng đến hạn**")]
    assert len(line) == 1 and "Khả năng đạt mục tiêu" in line[0] and "/năm" in line[0] and "minh họa" in line[0]
    names = [t.get("name") for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"]]
    assert "Khoảng dự báo 80%" in names and "Dự báo (trung vị)" in names
    described = [m.value for m in at.markdown if "Mô tả biểu đồ" in m.value]
    assert any("giá trị; mới nhất" in d for d in described)  # the trend described by its numbers, not its title


def test_indicator_page_with_real_figures_says_why_not(monkeypatch, shipped_data):
    at = open_page(monkeypatch, shipped_data, "views/indicator.py", code="TPVL-064", source="real")
    assert not at.exception
    line = [m.value for m in at.markdown if m.value.startswith("**Triển vọng đến hạn**")]
    assert len(line) == 1 and "không dự báo" in line[0]
    names = [t.get("name") for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"]]
    assert "Khoảng dự báo 80%" not in names


@pytest.mark.parametrize("source", ["all", "real"])
def test_pillar_table_has_the_chance_column_never_empty(monkeypatch, shipped_data, source):
    at = open_page(monkeypatch, shipped_data, "views/pillar.py", source=source)
    assert not at.exception
    tables = [d.value for d in at.dataframe if "Khả năng đạt" in d.value.columns]
    assert len(tables) == 1
    cells = tables[0]["Khả năng đạt"].astype(str)
    assert cells.str.fullmatch(r"—|< 1%|> 99%|\d+%").all()
    assert not tables[0]["Triển vọng đến hạn"].astype(str).str.contains("nan|None").any()
    if source == "real":
        assert "chưa đủ số liệu để dự báo" in texts(at)


def test_overview_lists_the_at_risk_or_says_why_none(monkeypatch, shipped_data):
    demo = open_page(monkeypatch, shipped_data)
    assert not demo.exception and "Có nguy cơ không đạt" in " ".join(s.value for s in demo.subheader)
    real = open_page(monkeypatch, shipped_data, source="real")
    assert not real.exception
    shown = " ".join(i.value for i in real.info).replace("\\", "")
    assert "Có nguy cơ không đạt: chưa dự báo được chỉ tiêu nào — chưa đủ số liệu để dự báo" in shown
    assert "chưa đủ số liệu để dự báo" in texts(real)  # the caption's counts


@pytest.mark.parametrize("source", [None, "real"])
def test_wall_counts_the_at_risk(monkeypatch, shipped_data, source):
    """The wall's fixed row has the at-risk count of board.outlook for the wall's period, or says that
    nothing could be forecast."""
    at = open_wall(monkeypatch, shipped_data, **({"source": source} if source else {}))
    assert not at.exception
    shown = " ".join(page_text(at).split())
    src = Snapshot.current(shipped_data)
    include_demo = source is None
    period = screens.shown_period(src, include_demo)
    f = filters.Filters(period=period, source="all" if include_demo else "real")
    card = screens.scorecard(src, f)
    chances = screens.outlook(src, f, card)
    risky = outlook.at_risk(card, chances)
    judged = screens.has_judgement(card)
    if judged and (len(risky) or (chances.group == "forecast").any()):
        assert f" {formatting.number(len(risky))} nguy cơ không đạt" in shown
    else:
        assert "chưa dự báo nguy cơ không đạt" in shown
    assert (source is None) == bool(len(risky) or (chances.group == "forecast").any())  # both branches are met
