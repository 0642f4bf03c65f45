"""The budgets of the plans (QĐ 2702 Phụ lục III, KH CĐS 2026 Phụ lục 1) for tables and charts."""

from __future__ import annotations

import pandas as pd

from vlboard.domain import formatting


def agency_totals(budgets: pd.DataFrame) -> pd.DataFrame:
    """QĐ 2702 by agency: 2025 and 2026–2030 (sự nghiệp + đầu tư), triệu đồng."""
    a = budgets[(budgets.plan == "qd2702-2024") & (budgets.level == "don_vi")]
    return pd.DataFrame(
        {
            "agency": a.agency_raw,
            "y2025": a.su_nghiep_2025.fillna(0) + a.dau_tu_2025.fillna(0),
            "y2026_2030": a.su_nghiep_2026_2030.fillna(0) + a.dau_tu_2026_2030.fillna(0),
        }
    )


def check_totals(budgets: pd.DataFrame) -> list[str]:
    """Compare the agency rows with the printed 'Tổng cộng'; returns Vietnamese discrepancies."""
    out = []
    for plan, level in (("qd2702-2024", "don_vi"), ("kh-cds-2026-vpubnd", "nhiem_vu")):
        rows = budgets[budgets.plan == plan]
        printed = rows[rows.level == "tong"]
        if printed.empty:
            continue
        parts = rows[rows.level == level]
        for col in ("total", "su_nghiep_2025", "su_nghiep_2026_2030"):
            want, got = printed[col].fillna(0).sum(), parts[col].fillna(0).sum()
            if abs(want - got) > 0.5:
                out.append(
                    f"{plan}: cột {col} cộng được {formatting.number(got)}, văn bản in {formatting.number(want)}"
                )
    return out


def task_table(budgets: pd.DataFrame, plan: str) -> pd.DataFrame:
    rows = budgets[(budgets.plan == plan) & (budgets.level == "nhiem_vu")]
    money = lambda s: s.map(lambda v: formatting.number(v) if not pd.isna(v) else "")  # noqa: E731
    return pd.DataFrame(
        {
            "Cơ quan": rows.agency_raw,
            "Nhiệm vụ": rows.item,
            "2025": money(rows.su_nghiep_2025.fillna(0) + rows.dau_tu_2025.fillna(0)),
            "2026–2030" if plan == "qd2702-2024" else "2026": money(
                rows.su_nghiep_2026_2030.fillna(0) + rows.dau_tu_2026_2030.fillna(0)
            ),
            "Chưa rõ cột": money(rows.amount_column_unclear),
            "Ghi chú": rows.note.fillna(""),
        }
    )


def headline(budgets: pd.DataFrame, plan: str) -> dict[str, float]:
    t = budgets[(budgets.plan == plan) & (budgets.level == "tong")]
    return (
        {} if t.empty else {k: float(t[k].fillna(0).sum()) for k in ("total", "su_nghiep_2025", "su_nghiep_2026_2030")}
    )
