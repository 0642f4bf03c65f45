"""The wall's «Chỉ đạo quá hạn» panel (issue 20): first in the rotation when a leader's directive is
past its deadline, absent otherwise; `?slides=directives` knows it; every text a user wrote is shown
as text (HTML-escaped), long texts cut by the stylesheet, not in the data."""

from __future__ import annotations

import datetime as dt
import html
import shutil

import pandas as pd
import pytest

from tests.app.test_wall import heading, open_wall, page_text
from vlboard.board import wall
from vlboard.domain.vocab import VN_TZ
from vlboard.intake import auth
from vlboard.intake import directives as dirs
from vlboard.store import snapshots
from vlboard.store.source import Snapshot
from vlboard.ui import wall_panels
from vlboard.ui.wall import _html

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")

LEADER = auth.User("lanh-dao", "Phó Chủ tịch UBND", "leader")
HOSTILE = '<script>alert(1)</script></div>**bold** =HYPERLINK("x") 🚀 \u200fשלום ' + "chỉ đạo dài " * 48


def with_overdue(shipped_data, tmp_path, days_late: int = 12) -> snapshots.DataDir:
    """A copy of the shipped data with one directive, hostile text, ``days_late`` days past its deadline."""
    shutil.copytree(shipped_data.root, tmp_path / "d")
    data = snapshots.DataDir(tmp_path / "d")
    src = Snapshot.current(data)
    today = dt.datetime.now(VN_TZ).date()
    dirs.issue(
        data,
        LEADER,
        target_type="indicator",
        target_code=str(src.q("indicator_list").code.iloc[0]),
        owner_agency=next(iter(dirs.active_agencies(src))),
        deadline=today - dt.timedelta(days=days_late),
        text=HOSTILE,
        meeting="<b>Giao ban</b> **tháng**",
        now=dt.datetime.combine(today - dt.timedelta(days=days_late + 30), dt.time(9)),
    )
    return data


@pytest.mark.parametrize(
    "n_directives, n_offtrack, first",
    [(1, 12, "directives"), (4, 0, "directives"), (0, 12, "offtrack"), (0, 0, "agencies")],
)
def test_overdue_directives_come_first_and_only_when_there_are_any(n_directives, n_offtrack, first):
    facts = wall.Facts(n_directives=n_directives, n_offtrack=n_offtrack, n_agencies=3)
    slides = wall.playlist(facts, base=20)
    assert slides[0].key == first
    assert ("directives" in [s.key for s in slides]) == bool(n_directives)
    if n_directives:
        assert slides[0].title == "Chỉ đạo quá hạn" and slides[0].dwell == 30


def test_the_url_can_choose_the_directives_panel():
    assert wall.parse_only("directives,offtrack") == ["directives", "offtrack"]
    chosen = wall.playlist(wall.Facts(), 20, ["directives"])
    assert [s.key for s in chosen] == ["directives"]


def test_panel_html_shows_hostile_text_as_text():
    frame = pd.DataFrame(
        [
            dict(
                text=HOSTILE,
                owner_name="Sở <i>X</i>",
                late_text="quá hạn 12 ngày",
                movement="đã cải thiện: 45% → 52%",
                narrowed=True,
                target_label="Chỉ tiêu **C-01**",
            )
        ]
    )
    out = wall_panels.directive_items(frame, 3, _html)
    assert "<script" not in out and "</div>**" not in out and "<i>" not in out
    shown = html.unescape(out)
    assert HOSTILE in shown and "Sở <i>X</i>" in shown and "Chỉ tiêu **C-01**" in shown  # whole, literally
    assert f"<span class='s-achieved'>{_html('đã cải thiện: 45% → 52%')}</span>" in out  # the improvement in green
    assert out.count("class='w-li'") == 1  # one line, cut by the stylesheet (ellipsis), not in the data
    none = wall_panels.directive_items(frame.iloc[0:0], 3, _html)
    assert html.unescape(none) == "<div class='w-li'>Không có chỉ đạo quá hạn.</div>"


def test_wall_opens_on_the_overdue_directive(monkeypatch, tmp_path, shipped_data):
    data = with_overdue(shipped_data, tmp_path)
    at = open_wall(monkeypatch, data, rotate="600")
    assert not at.exception
    assert heading(at) == "Chỉ đạo quá hạn"
    text = page_text(at)
    assert "quá hạn 12 ngày" in text and "1 chỉ đạo, trễ lâu nhất 12 ngày" in text
    assert HOSTILE.split(" chỉ")[0] in text  # the hostile text shown literally
    raw = " ".join(m.value for m in at.markdown)
    assert "<script>" not in raw and "**bold**" not in raw
    at = open_wall(monkeypatch, data, rotate="600", source="real")
    assert heading(at) == "Chỉ đạo quá hạn" and "chưa có số liệu" in page_text(at)  # real data: says so, true


def test_no_overdue_directive_no_panel(monkeypatch, shipped_data):
    at = open_wall(monkeypatch, shipped_data, rotate="600")
    assert not at.exception and heading(at) != "Chỉ đạo quá hạn"
    assert "Chỉ đạo quá hạn" not in page_text(at)


@pytest.mark.parametrize(
    "given, shown",
    [
        (None, "<span class='s-near'>Chưa giải trình</span>"),
        ("Chưa giải trình", "<span class='s-near'>Chưa giải trình</span>"),
        ("Phường 1: <script>x</script> — **làm**", "Giải trình: " + _html("Phường 1: <script>x</script> — **làm**")),
    ],
)
def test_off_track_rows_say_why_or_that_nobody_explained(given, shown):
    """The wall's off-track panel: a third line per indicator with its explanation, as text."""
    from vlboard.ui.wall import _explained

    assert _explained(given) == shown
    assert "<script>" not in _explained("<script>x</script>")
    assert len(_explained("x" * 500)) < 140  # shortened to one line at 4 m
