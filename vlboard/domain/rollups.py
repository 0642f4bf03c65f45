"""Roll-ups of statuses: counts per pillar / plan / agency / unit with n/N, and completeness.

Inputs are the frames of the status queries (``status_indicators``, ``status_agencies``,
``status_units``, ``completeness``); outputs are small frames ready for tables and gauges.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from vlboard.domain.vocab import STATUSES, WITH_DATA

SHARE_GREEN, SHARE_NEAR = 80.0, 60.0  # % đạt of a group (pillar, unit): the gauges' and the map's bands
SHARE_RULE = (
    "tỷ lệ chỉ tiêu đạt trong số chỉ tiêu có số liệu (đạt, gần đạt, chưa đạt): từ 80% là đạt, "
    "từ 60% đến dưới 80% là gần đạt, dưới 60% là chưa đạt"
)
SHARE_LABELS = {
    "achieved": "✔ từ 80% chỉ tiêu đạt",
    "near": "◐ 60–80% chỉ tiêu đạt",
    "not_achieved": "✖ dưới 60% chỉ tiêu đạt",
    "no_data": "? chưa có chỉ tiêu có số liệu",
}
INDICATOR_RULE = (
    "mỗi ô là tình trạng của một chỉ tiêu: đạt khi bằng hoặc vượt mục tiêu của năm (năm không có mục "
    "tiêu: lộ trình thẳng giữa hai mục tiêu liền kề), gần đạt khi trong "
    "ngưỡng gần đạt (mặc định 90% mục tiêu), chưa đạt khi thấp hơn"
)


def share_band(pct) -> str:
    """The status of a group from its % đạt among indicators with data (the gauges on the
    overview and the wall, and the map's units, use this one rule): 'no_data' when none has data."""
    if pct is None or pct != pct:
        return "no_data"
    return "achieved" if pct >= SHARE_GREEN else "near" if pct >= SHARE_NEAR else "not_achieved"


def status_counts(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """One row per group: a column per status (all seven, zeros included), ``n_total``,
    ``n_with_data`` (đạt + gần đạt + chưa đạt), ``n_achieved`` and ``pct_achieved`` (of those with
    data; NaN when none has data) and the ``n_of`` text "3/8" that must accompany every percent."""
    sizes = frame.groupby([*by, "status"], dropna=False).size().rename("n").reset_index()
    return counted(sizes, by)


def counted(sizes: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``status_counts`` from rows already counted: one row per group × status with its count
    ``n`` (as SQL returns them, e.g. ``status_unit_counts``)."""
    columns = list(STATUSES)
    if sizes.empty:
        return pd.DataFrame(columns=[*by, *columns, "n_total", "n_with_data", "n_achieved", "pct_achieved", "n_of"])
    counts = (
        sizes.groupby([*by, "status"], dropna=False)
        .n.sum()
        .unstack("status", fill_value=0)
        .reindex(columns=columns, fill_value=0)
        .astype("int64")
    )
    counts["n_total"] = counts[columns].sum(axis=1)
    counts["n_with_data"] = counts[list(WITH_DATA)].sum(axis=1)
    counts["n_achieved"] = counts["achieved"]
    counts["pct_achieved"] = 100 * counts["achieved"] / counts["n_with_data"].where(counts["n_with_data"] > 0)
    counts["n_of"] = counts["n_achieved"].astype(str) + "/" + counts["n_with_data"].astype(str)
    return counts.reset_index()


def by_pillar(indicators: pd.DataFrame) -> pd.DataFrame:
    return status_counts(indicators, ["pillar"])


def by_agency(assignments: pd.DataFrame, role: str | None = None) -> pd.DataFrame:
    """Per agency (and role unless one is chosen): lead and partner are never mixed."""
    frame = assignments if role is None else assignments[assignments.role == role]
    keys = ["agency_code", "agency_short"] + ([] if role else ["role"])
    out = status_counts(frame, keys)
    return out.sort_values(["pct_achieved", "n_with_data"], ascending=[False, False], na_position="last")


def by_unit(counts: pd.DataFrame) -> pd.DataFrame:
    """Per ward/commune, from ``status_unit_counts`` (unit × status counts), best first."""
    out = counted(counts, ["unit_code", "unit_name"])
    return out.sort_values(["pct_achieved", "n_with_data"], ascending=[False, False], na_position="last")


def completeness_summary(completeness: pd.DataFrame) -> pd.DataFrame:
    """Adds received/on-time percentages; a subject with nothing expected is dropped."""
    c = completeness[completeness.expected > 0].copy()
    c["pct_received"] = 100 * c.received / c.expected
    c["pct_on_time"] = 100 * c.on_time / c.expected
    return c


@dataclass(frozen=True)
class GaugeCounts:
    """One pillar's indicators with data split by status; ``pct`` (% đạt) is the headline."""

    achieved: int
    near: int
    not_achieved: int

    @property
    def n(self) -> int:
        return self.achieved + self.near + self.not_achieved

    @property
    def pct(self) -> float | None:
        return 100.0 * self.achieved / self.n if self.n else None


def gauge_counts(card: pd.DataFrame, pillar: str) -> GaugeCounts:
    """đạt · gần đạt · chưa đạt among a pillar's indicators with data (the gauges everywhere)."""
    s = card.status[card.pillar == pillar]
    return GaugeCounts(int((s == "achieved").sum()), int((s == "near").sum()), int((s == "not_achieved").sum()))
