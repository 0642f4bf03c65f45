"""screens.pillar_trend: each main pillar's % đạt (the wall tiles' headline) over the last judged
periods of the shown period's kind, oldest first (pure, with a fake source and cards)."""

from __future__ import annotations

import math

import pandas as pd

from vlboard.board import screens
from vlboard.domain import filters, rollups


class FakeSource:
    def __init__(self, periods):
        self.periods = periods

    def q(self, name, **params):
        assert name == "periods_available"
        return pd.DataFrame({"period": self.periods})


def card(achieved: int, other: int, pillar: str = "chinh_quyen_so", unjudged: int = 0) -> pd.DataFrame:
    status = ["achieved"] * achieved + ["not_achieved"] * other + ["no_data"] * unjudged
    return pd.DataFrame({"pillar": [pillar] * len(status), "status": status})


def test_last_judged_periods_of_the_same_kind_oldest_first():
    periods = ["2026-Q3", "2026-Q2", "2026-Q1", "2025-Q4", "2025", "2025-Q3", "2025-Q2", "2025-Q1", "2024-Q4"]
    cards = {
        "2026-Q3": card(9, 1),  # after the shown period: left out
        "2026-Q2": card(3, 1),
        "2026-Q1": card(0, 0, unjudged=4),  # nothing judged: skipped
        "2025-Q4": card(1, 1),
        "2025": card(5, 0),  # a year: not a quarter, left out
        "2025-Q3": pd.concat([card(1, 3), card(2, 2, "kinh_te_so")]),
        "2025-Q2": card(1, 9),
        "2025-Q1": card(1, 1),  # beyond n = 3 judged periods
    }
    seen = []

    def card_of(period):
        seen.append(period)
        return cards.get(period)

    t = screens.pillar_trend(FakeSource(periods), filters.Filters(period="2026-Q2"), n=3, card_of=card_of)
    assert list(t.period.unique()) == ["2025-Q3", "2025-Q4", "2026-Q2"]
    assert list(t.pillar[:3]) == ["chinh_quyen_so", "kinh_te_so", "xa_hoi_so"]
    cq = t[t.pillar == "chinh_quyen_so"]
    assert list(cq.pct) == [25.0, 50.0, 75.0] and list(cq.n_judged) == [4, 2, 4]
    assert cq.pct.iloc[-1] == rollups.gauge_counts(cards["2026-Q2"], "chinh_quyen_so").pct  # the tile's figure
    kt = t[t.pillar == "kinh_te_so"].pct.tolist()
    assert kt[0] == 50.0 and math.isnan(kt[1]) and math.isnan(kt[2])  # no judged indicator: NaN, not 0
    assert "2026-Q3" not in seen and "2025" not in seen and "2025-Q1" not in seen  # stops after n periods


def test_years_and_no_period():
    src = FakeSource(["2025", "2025-Q4", "2024", "2023"])
    t = screens.pillar_trend(src, filters.Filters(period="2025"), card_of=lambda p: {"2024": card(1, 1)}.get(p))
    assert list(t.period.unique()) == ["2024"]  # one judged year: the wall says it cannot draw a trend
    assert screens.pillar_trend(src, filters.Filters(period=None)).empty


def test_real_shipped_data_has_no_judged_period(shipped_data):
    from vlboard.store.source import Snapshot

    src = Snapshot.current(shipped_data)
    period = screens.shown_period(src, include_demo=False)
    assert screens.pillar_trend(src, filters.Filters(period=period, source="real")).empty
    demo = screens.pillar_trend(src, filters.Filters(period=screens.shown_period(src, True)))
    assert demo.period.nunique() == 6 and demo.pct.between(0, 100).all()
