"""The events that explain an indicator's series (annotations.csv), as its trend chart marks them
and the table «Sự kiện ảnh hưởng số liệu» under it lists them, with the same numbers (pure)."""

from __future__ import annotations

import pandas as pd

from vlboard.domain import formatting
from vlboard.domain.vocab import ANNOTATION_KINDS

TITLE = "Sự kiện ảnh hưởng số liệu"
COLUMNS = ["number", "marker", "date", "kind_label", "text", "source"]


def marker(n: int) -> str:
    """①…⑳ (one glyph, readable at phone size), then the plain number."""
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)


def for_indicator(rows: pd.DataFrame, x_range: tuple | None) -> pd.DataFrame:
    """The events of ``rows`` (query ``annotations`` for one indicator) dated inside the chart's
    ``x_range`` (first, last date; None: the chart has no dates), numbered by date: number, marker,
    date, kind_label, text (the unit first for a unit's event), source (document: «quote»)."""
    if x_range is None or rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    lo, hi = (pd.Timestamp(x) for x in x_range)
    dates = pd.to_datetime(rows.date)
    inside = rows[(dates >= lo) & (dates <= hi)].sort_values(["date", "annotation_id"], kind="stable")
    numbers = range(1, len(inside) + 1)
    return pd.DataFrame(
        {
            "number": list(numbers),
            "marker": [marker(n) for n in numbers],
            "date": pd.to_datetime(inside.date).dt.date.tolist(),
            "kind_label": [ANNOTATION_KINDS.get(k, k) for k in inside.kind],
            "text": [f"{u}: {t}" if isinstance(u, str) and u else t for u, t in zip(inside.unit_name, inside.text)],
            "source": [_source(p, q) for p, q in zip(inside.plan_name, inside.quote)],
        },
        columns=COLUMNS,
    )


def _source(plan, quote) -> str:
    plan = plan if isinstance(plan, str) and plan else ""
    quote = f"«{quote}»" if isinstance(quote, str) and quote else ""
    return ": ".join(x for x in (plan, quote) if x) or "–"


def table(events: pd.DataFrame) -> pd.DataFrame:
    """The table under the chart: Số, Ngày (dd/mm/yyyy), Loại, Nội dung, Nguồn."""
    return pd.DataFrame(
        {
            "Số": events.marker.tolist(),
            "Ngày": [formatting.date(d) for d in events.date],
            "Loại": events.kind_label.tolist(),
            "Nội dung": events.text.tolist(),
            "Nguồn": events.source.tolist(),
        }
    )
