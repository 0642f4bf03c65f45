"""The sentence planner (board/narrative.py) on the shipped data, real and demo, and on edge frames:
every number in every sentence is read back (Vietnamese format) and found in the frame it describes,
recomputed here with plain pandas; grammar and Unicode checks on every sentence."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pandas as pd
import pytest

from vlboard.board import narrative, overview, screens, wall
from vlboard.domain import filters, formatting, sentences
from vlboard.domain.sentences import Sentence
from vlboard.store.source import Snapshot

NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")


def numbers(sentence: Sentence) -> list[float]:
    """Every number the text states, names quoted from the data (codes, names, periods) left out."""
    text = sentence.text
    for name in sorted(sentence.names, key=len, reverse=True):
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)  # «Quý III/2025» opens a sentence
    return [float(n.replace(".", "").replace(",", ".")) for n in NUMBER.findall(text)]


def grammar(sentence: Sentence) -> None:
    t = sentence.text
    assert unicodedata.is_normalized("NFC", t), t
    assert "  " not in t and " ," not in t and " ." not in t and ": ." not in t, t
    assert not re.search(r"\b(None|nan|NaN|NaT|<NA>)\b", t), t
    assert (t[0].isupper() or t[0].isdigit()) and t.endswith("."), t
    assert not re.search(r"\b(các|những) \d", t), t  # no plural marker before a count
    assert not re.search(r"(^|\s)0 (chỉ tiêu|đơn vị|nhiệm vụ|cơ quan)", t), t  # no sentence about nothing


def shown(value, digits: int = 1) -> float:
    """A value as the text prints it (formatting's rounding), read back."""
    return float(formatting.number(value, digits).replace(".", "").replace(",", "."))


def facts(card: pd.DataFrame, b: screens.Briefing, overdue: pd.DataFrame, before: pd.DataFrame | None) -> set:
    """Every count, share and change the frames hold, rounded as the text may print them."""
    out: set[float] = set()
    judged = card[card.status.isin(["achieved", "near", "not_achieved"])]
    groups = [card, *(g for _, g in card.groupby("pillar"))]
    for g in groups:
        vc = g.status.value_counts()
        out |= {float(v) for v in vc} | {float(len(g))}
        j = g[g.status.isin(["achieved", "near", "not_achieved"])]
        out.add(float(len(j)))
        if len(j):
            out.add(shown(100 * (j.status == "achieved").sum() / len(j), 0))
    out.add(float(((card.status == "not_due") & card.value.notna()).sum()))
    out |= {shown(100 * a) for a in card.attainment.dropna()}
    out.add(float((card.attainment.dropna() >= 1).sum()))
    out.add(float(card.attainment.notna().sum()))
    out |= {float((card.attainment.notna() & (card.pillar == p)).sum()) for p in card.pillar.unique()}
    out |= {float(((card.attainment >= 1) & (card.pillar == p)).sum()) for p in card.pillar.unique()}
    c = b.completeness
    if not c.empty:
        missing = c[c["Đã nhận"] < c["Phải báo cáo"]]
        out |= {float(len(c)), float(len(missing)), float((missing["Đã nhận"] == 0).sum())}
    out.add(float(len(overdue)))
    out |= {float(v) for v in overdue["Chủ trì"].dropna().value_counts()}
    if before is not None:
        m = card.merge(before[["indicator_code", "value"]], on="indicator_code", suffixes=("", "_b"))
        d = (m.value - m.value_b).dropna()
        d = d[d != 0]
        out |= {float(len(d)), float((d > 0).sum()), float((d < 0).sum())} | {shown(abs(x)) for x in d}
    league = b.league
    out.add(float(len(league)))
    out |= {shown(p, 0) for p in league.pct_achieved.dropna()}
    for n_of in league.n_of:
        out |= {float(x) for x in n_of.split("/")}
    heat = b.heat
    if not heat.empty:
        out |= {float(heat.row.nunique()), float(heat.col.nunique())}
        out |= {float(v) for v in heat.status.value_counts()} | {float(heat.status.isin(judged.status.unique()).sum())}
        out.add(float(heat.status.isin(["achieved", "near", "not_achieved"]).sum()))
    um = b.unit_map
    if not um.empty:
        p = um.pct_achieved
        out |= {float(len(um)), float(p.notna().sum()), float((p >= 80).sum()), float((p < 60).sum())}
        out.add(float(((p >= 60) & (p < 80)).sum()))
    out |= {80.0, 60.0, 100.0}  # the printed bands («từ 80% chỉ tiêu đạt», «dưới 60%», «từ 100% mục tiêu»)
    return out


@pytest.fixture(scope="module")
def snap(shipped_data):
    s = Snapshot.current(shipped_data)
    yield s
    s.con.close()


def cases(snap):
    for demo, period in ((True, None), (False, None), (False, "2025"), (True, "2025-Q3")):
        options = screens.filter_options(snap, demo)
        period = period or screens.shown_period(snap, demo)
        f = filters.Filters(period=period, source="all" if demo else "real")
        b = screens.briefing(snap, f, dt.date(2026, 12, 5))
        prev = overview.previous_period(list(options.periods), period)
        before = screens.scorecard(snap, f, prev) if prev else None
        overdue = b.milestones[b.milestones["Tình trạng"] == "Quá hạn"]
        yield demo, period, b, prev, before, overdue


def test_every_template_on_the_shipped_data_states_only_numbers_of_its_frames(snap):
    seen = 0
    for demo, period, b, prev, before, overdue in cases(snap):
        card = b.card
        allowed = facts(card, b, overdue, before)
        written = [
            *narrative.overview_summary(card, period, b.completeness, before, prev),
            *narrative.key_messages(b, overdue, before, prev),
            *(narrative.wall_caption(k, b, overdue, pd.DataFrame()) for k in wall.SLIDE_KEYS),
            narrative.alt_status_bars(overview.pillar_counts(card)),
            narrative.alt_league(b.league),
            narrative.alt_heat(b.heat),
            narrative.alt_map(b.unit_map),
            *(narrative.alt_gauge(card, p) for p in wall.MAIN_PILLARS),
            *(narrative.alt_bullets(card[card.pillar == p]) for p in wall.MAIN_PILLARS),
        ]
        for sentence in (w for w in written if w is not None):
            grammar(sentence)
            for n in numbers(sentence):
                assert n in allowed, (demo, period, n, sentence.text)
            seen += 1
        summary = narrative.overview_summary(card, period, b.completeness, before, prev)
        assert 2 <= len(summary) <= 5, summary
        assert 3 <= len(narrative.key_messages(b, overdue, before, prev)) <= 5
        if not b.judged:  # real data: says nothing is judged and what there is instead, in numbers
            assert "chưa có chỉ tiêu nào được đánh giá" in summary[0].text
            assert any(numbers(x) for x in summary[1:]), summary
    assert seen > 60


def test_summary_counts_match_the_gauges_and_the_movers(snap):
    demo, period, b, prev, before, overdue = next(cases(snap))
    card = b.card
    head = narrative.overview_summary(card, period, b.completeness, before, prev)[0].text
    n = card.status.isin(["achieved", "near", "not_achieved"]).sum()
    assert head.startswith(f"{sentences.period(period)[:1].upper()}{sentences.period(period)[1:]}: {n} chỉ tiêu")
    assert f"{(card.status == 'not_achieved').sum()} chưa đạt" in head
    moved = narrative.overview_summary(card, period, b.completeness, before, prev)[-1]
    top = overview.movers(card, before).iloc[0]
    assert moved.text.startswith(f"So với {sentences.period(prev)}") and top["Mã"] in moved.text


def test_edge_frames(snap):
    demo, period, b, prev, before, overdue = next(cases(snap))
    card = b.card
    assert narrative.overview_summary(card.iloc[0:0], period) == []
    assert narrative.overview_summary(None, period) == []
    one = card[card.pillar == "xa_hoi_so"]
    text = sentences.paragraph(narrative.overview_summary(one, period))
    assert "xã hội số" in text and "chính quyền số" not in text and "So với" not in text  # no previous period
    assert narrative.alt_league(b.league.iloc[0:0]) is None and narrative.alt_heat(b.heat.iloc[0:0]) is None
    on_track = card.assign(status="achieved", attainment=1.0)
    assert narrative.wall_caption("offtrack", b.__class__(**{**b.__dict__, "card": on_track}), overdue) is None
    assert narrative.key_messages(b.__class__(**{**b.__dict__, "card": None}), overdue.iloc[0:0]) == []


def test_grammar_helpers():
    assert sentences.change(7.94, "%") == "tăng 7,9 điểm %"
    assert sentences.change(-1234.5, "triệu đồng") == "giảm 1.234,5 triệu đồng"
    assert sentences.period("2025-Q3") == "quý III/2025" and sentences.period("2024") == "năm 2024"
    assert sentences.join(["a", "b", "c"]) == "a, b và c" and sentences.join(["a"]) == "a"
    assert sentences.count(1) == "1 chỉ tiêu" and sentences.count(1234) == "1.234 chỉ tiêu"
    assert sentences.make("  hai  chỉ tiêu ").text == "Hai chỉ tiêu."
    assert sentences.short("Tỷ lệ người dân có tài khoản định danh điện tử", 25) == "Tỷ lệ người dân có tài…"
    assert numbers(sentences.make("TPVL-100 giảm 1.234,5 điểm %", "TPVL-100")) == [1234.5]
