"""One route per screen frame: the agency league, the off-track list, the ward/commune heat table
and the reporting tables that the wall and the meeting pack show are the frames the pages show,
because every one of them calls the same board function (vlboard.board.screens)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import subprocess
import sys

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.support.fixtures import ROOT
from vlboard import charts
from vlboard.board import commentary, overview, screens
from vlboard.domain import filters
from vlboard.export import heat, pack
from vlboard.store.source import Snapshot

TODAY = dt.date(2025, 10, 1)
FILTER_SETS = {  # URL parameters, as a leader would open them
    "all": {"period": "2025-Q2"},
    "one pillar": {"period": "2025-Q2", "pillar": "chinh_quyen_so"},
    "one plan": {"period": "2025-Q2", "plan": "qd3100-2023-tpvl"},
    "demo, newest year": {"period": "2025"},
    "real only": {"source": "real"},
    "real, one plan": {"source": "real", "plan": "kh67-2020"},
}


@pytest.fixture(scope="module")
def src(shipped_data) -> Snapshot:
    return Snapshot.current(shipped_data)


def parsed(src, params) -> filters.Filters:
    f, notes = filters.parse(params, screens.filter_options(src, params.get("source") != "real"))
    assert not notes, notes
    return f


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


@pytest.mark.parametrize("name", list(FILTER_SETS))
def test_briefing_frames_are_the_page_routes(src, name):
    """What the wall and the pack read (screens.briefing) equals what the pages compute."""
    f = parsed(src, FILTER_SETS[name])
    b = screens.briefing(src, f, TODAY)
    card = screens.scorecard(src, f)
    same(b.card, card)
    same(b.league, screens.agency_league(src, f, card, "lead"))  # views/agencies.py
    same(b.heat, screens.unit_heat(src, f, card))  # views/units.py
    explained = commentary.by_indicator(src, f.period)
    same(b.off_track(10), overview.off_track(card, explained=explained))  # views/overview.py
    same(b.completeness, screens.completeness(src, f))
    pages = pd.concat([screens.completeness(src, f, "agency"), screens.completeness(src, f, "unit")])
    key = ["Đơn vị/cơ quan", "Phải báo cáo", "Đã nhận", "Đúng hạn"]
    assert sorted(map(tuple, pages[key].astype(str).to_numpy())) == sorted(
        map(tuple, b.completeness[key].astype(str).to_numpy())
    )  # agencies page + units page


@pytest.mark.parametrize("name", list(FILTER_SETS))
def test_pack_pages_show_the_page_frames(src, name):
    f = parsed(src, FILTER_SETS[name])
    options = screens.filter_options(src, f.include_demo)
    b = screens.briefing(src, f, dt.datetime.now(pack.TZ).date())
    p = pack.build(src, f, options, snapshot_id=src.snapshot_id)
    by_title = {pg.title.split(" — ")[0]: pg for pg in p.pages}
    if not b.judged:
        assert "Xếp hạng cơ quan chủ trì" not in by_title and "Chỉ tiêu chậm tiến độ" not in by_title
    else:
        worst = b.off_track(15)
        same(by_title["Chỉ tiêu chậm tiến độ"].table, worst[["Mã", "Tình trạng", "Vì sao", "Giải trình"]])
        if b.league.empty:
            assert "Xếp hạng cơ quan chủ trì" not in by_title
        else:
            assert list(by_title["Xếp hạng cơ quan chủ trì"].table["Cơ quan"]) == list(b.league.name.head(15))
        if b.heat.empty:
            assert "Chỉ tiêu × phường, xã" not in by_title
        else:  # the units page's heat table, cut to slides (export.heat): every cell drawn is the table's
            figs = [pg.figures[0][0] for pg in p.pages if pg.title.startswith("Chỉ tiêu × phường, xã")]
            pieces = heat.chunks(b.heat, b.card)
            assert len(figs) == len(pieces) >= 1
            for fig, piece in zip(figs, pieces):
                drawn = charts.status_matrix(
                    piece,
                    row_col="row",
                    col_col="col",
                    title=fig.layout.title.text,
                    data_date=b.data_date,
                    note="Có số liệu minh họa" if f.include_demo else None,
                )
                assert fig.to_dict()["data"] == drawn.to_dict()["data"]
                cells = piece.merge(b.heat, on=["row", "col"], suffixes=("", "_table"))
                assert len(cells) == len(piece) and (cells.status == cells.status_table).all()
    if not b.completeness.empty:
        missing = b.completeness[b.completeness["Đã nhận"] < b.completeness["Phải báo cáo"]]
        same(
            by_title["Đơn vị chưa gửi đủ báo cáo"].table,
            missing[["Đơn vị/cơ quan", "Phải báo cáo", "Đã nhận", "Đúng hạn"]],
        )


@pytest.mark.parametrize("plan, source", [(None, "all"), (None, "real"), ("qd3100-2023-tpvl", "all")])
def test_wall_data_is_the_briefing_of_its_filters(src, plan, source):
    """The wall (no controls) shows screens.briefing for its plan, source and shown period."""
    from vlboard.ui import data as ui_data
    from vlboard.ui import wall as ui_wall

    include_demo = source != "real"
    ref = ui_data.SnapshotRef(src.snapshot_id, str(src.path))
    shown = ui_wall.wall_data(ref, plan, include_demo).brief
    period = screens.shown_period(src, include_demo, plan)
    b = screens.briefing(src, filters.Filters(plan=plan, period=period, source=source), dt.date.today())
    for frame in ("league", "heat", "completeness", "unit_map"):
        same(getattr(shown, frame), getattr(b, frame))
    f = filters.Filters(plan=plan, period=period, source=source)
    same(ui_wall.wall_data(ref, plan, include_demo).trend, screens.pillar_trend(src, f))  # the pillar tiles' lines
    if b.card is not None:
        same(shown.off_track(6), b.off_track(6))


def test_collective_leads_are_ranked_on_every_screen(src):
    """Decision: an actor printed as lead in the plans ("UBND 11 phường", "DN viễn thông", …) is
    ranked as itself by the page, the wall and the pack; the indicators it leads have no other lead."""
    f = parsed(src, {"period": "2025-Q2"})
    card = screens.scorecard(src, f)
    league = screens.agency_league(src, f, card)
    assert {"UBND 11 phường", "DN viễn thông"} <= set(league.name)
    rows = screens.agency_rows(src, f, card)
    led = set(rows[(rows.agency_code == "TPVL-UBND11P") & (rows.role == "lead")].indicator_code)
    single = set(src.q("agency_list").code)
    others = rows[(rows.role == "lead") & rows.agency_code.isin(single) & rows.indicator_code.isin(led)]
    assert led and others.empty  # no single agency leads them: leaving the collective out hides them
    options = screens.filter_options(src, True)
    assert options.agencies["TPVL-UBND11P"] == "UBND 11 phường"  # a click on its bar is a valid filter
    narrowed = screens.scorecard(src, f.with_(agency="TPVL-UBND11P"))
    assert set(narrowed.indicator_code) >= led


SPIED = {screens: ("agency_league", "unit_heat", "completeness", "briefing", "pillar_trend"), overview: ("off_track",)}


@pytest.fixture
def calls(monkeypatch):
    seen: list[str] = []
    for module, names in SPIED.items():
        for name in names:
            real = getattr(module, name)

            def spy(*a, _real=real, _name=name, **k):
                seen.append(_name)
                return _real(*a, **k)

            monkeypatch.setattr(module, name, spy)
    return seen


@pytest.mark.parametrize(
    "page, routes",
    [
        ("views/overview.py", {"off_track"}),
        ("views/agencies.py", {"agency_league", "completeness"}),
        ("views/units.py", {"unit_heat", "completeness"}),
        ("views/ioc.py", {"briefing", "pillar_trend"}),
    ],
)
def test_pages_and_wall_call_the_routes(monkeypatch, shipped_data, calls, page, routes):
    from vlboard.ui import wall as ui_wall

    ui_wall.wall_data.clear()
    monkeypatch.setenv("VLBOARD_DATA", str(shipped_data.root))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["period"] = "2025-Q2"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert routes <= set(calls), (page, calls)


def test_pack_calls_the_briefing(src, calls):
    f = parsed(src, FILTER_SETS["all"])
    pack.build(src, f, screens.filter_options(src, True), snapshot_id=src.snapshot_id)
    assert {"briefing", "agency_league", "unit_heat", "completeness", "off_track"} <= set(calls)


def test_agencies_page_league_is_the_route_for_a_pillar(monkeypatch, shipped_data, src):
    params = FILTER_SETS["one pillar"]
    monkeypatch.setenv("VLBOARD_DATA", str(shipped_data.root))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("views/agencies.py").run()
    league = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    league = [g for g in league if "Xếp hạng cơ quan" in g["layout"]["title"]["text"]][0]
    on_page = [html.unescape(y) for y in league["data"][0]["y"]]
    f = parsed(src, params)
    assert on_page == list(screens.briefing(src, f, TODAY).league.name.head(len(on_page)))


def test_pages_do_not_spell_out_query_parameters():
    """Filters give the query parameters in one place (filters.status_params / report_params)."""
    for path in sorted((ROOT / "views").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"period_end=|period_type=|year=p\.", text), path.name


def test_views_stay_thin_and_modules_short():
    """Pages only call routes and widgets (≤ 80 lines); a module of board/ or ui/ over ~300 lines
    says why in its first lines."""
    for path in sorted((ROOT / "views").glob("*.py")):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 80, path.name
    for folder in ("board", "ui"):
        for path in sorted((ROOT / "vlboard" / folder).glob("*.py")):
            lines = path.read_text(encoding="utf-8").splitlines()
            assert len(lines) <= 300 or "lines" in " ".join(lines[:5]), path


def test_board_never_opens_the_database():
    """board/ takes a Source; only store/ and ui/ open DuckDB."""
    for path in sorted((ROOT / "vlboard" / "board").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import duckdb|from vlboard\.store import .*\bdb\b|import streamlit)", text, re.M), (
            path
        )
    code = (
        "import sys, pkgutil, importlib, vlboard.board as b\n"
        "for m in pkgutil.iter_modules(b.__path__): importlib.import_module('vlboard.board.' + m.name)\n"
        "assert not {'duckdb', 'vlboard.store.db', 'streamlit'} & set(sys.modules), sys.modules.keys()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize(
    "plan, pillar, source", [(None, None, "all"), ("qd3100-2023-tpvl", "kinh_te_so", "all"), (None, None, "real")]
)
def test_cached_outlook_is_the_screen_outlook_of_the_card(src, plan, pillar, source):
    """The pages read the outlook through one cache per snapshot × period (ui.data.outlook): for a
    narrowed card it is exactly screens.outlook of that card, rows in the card's order."""
    from vlboard.ui import data as ui_data

    ref = ui_data.SnapshotRef(src.snapshot_id, str(src.path))
    period = screens.shown_period(src, source != "real", plan)
    f = filters.Filters(plan=plan, pillar=pillar, period=period, source=source)
    card = screens.scorecard(src, f)
    assert card is not None and len(card) > 0
    card = card.iloc[::-1]  # any order the caller has
    same(ui_data.outlook(ref, f, card), screens.outlook(src, f, card))
