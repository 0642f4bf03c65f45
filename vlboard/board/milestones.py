"""Milestones (nhiệm vụ có thời hạn) with an overdue flag relative to a given day."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vlboard.domain import formatting

RECURRENCE_VI = {
    "thuong_xuyen": "Thường xuyên",
    "hang_thang": "Hằng tháng",
    "hang_quy": "Hằng quý",
    "hang_nam": "Hằng năm",
}


def state(due: dt.date | None, recurrence: str | None, today: dt.date) -> str:
    """'Quá hạn' when the deadline has passed (no completion is reported in any document),
    'Sắp đến hạn' within 90 days, 'Định kỳ' for recurring tasks, else 'Còn hạn'."""
    if isinstance(recurrence, str) and recurrence:
        return "Định kỳ"
    if due is None or pd.isna(due):
        return "Không ghi thời hạn"
    due = pd.Timestamp(due).date()
    if due < today:
        return "Quá hạn"
    return "Sắp đến hạn" if (due - today).days <= 90 else "Còn hạn"


def table(m: pd.DataFrame, plans: dict[str, str], today: dt.date) -> pd.DataFrame:
    states = [state(d, r, today) for d, r in zip(m.due_date, m.recurrence)]
    order = {"Quá hạn": 0, "Sắp đến hạn": 1, "Còn hạn": 2, "Định kỳ": 3, "Không ghi thời hạn": 4}
    out = pd.DataFrame(
        {
            "Tình trạng": states,
            "Mã": m.code,
            "Kế hoạch": m.plan.map(plans),
            "Nhiệm vụ": m.task_vi,
            "Chủ trì": m["lead_raw"].fillna(""),
            "Thời hạn": m.deadline_raw.fillna("").where(m.recurrence.isna(), m.recurrence.map(RECURRENCE_VI)),
            "Hạn cuối": m.due_date.map(formatting.date),
            "Sản phẩm": m["product"].fillna(""),
        }
    )
    return (
        out.assign(_o=[order[s] for s in states], _d=m.due_date.values)
        .sort_values(["_o", "_d"])
        .drop(columns=["_o", "_d"])
    )
