"""The history page lists the reporting cycle's changes with their Vietnamese description."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from tests.support.intake import report_one
from tests.support.pages import HISTORY, open_page
from vlboard.intake import auth, cycle
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")


def test_history_page_lists_cycle_events(monkeypatch, shipped_data, tmp_path):
    root = tmp_path / "data"
    shutil.copytree(shipped_data.root, root)
    data = snapshots.DataDir(root)
    admin = auth.User("boss", "Quản trị hệ thống", "admin")
    b = cycle.board(Snapshot.current(data), "2026-Q3")
    row = b[b.subject_type == "unit"].iloc[0]
    subject = ("unit", row.subject_code, row.subject_name)
    report_one(data, subject, "2026-Q3", row.missing.split(", ")[0], 1, dt.date(2026, 10, 20))
    cycle.act(data, admin, "submit", "unit", row.subject_code, "2026-Q3", expected_state="chua_nop")
    cycle.act(
        data, admin, "return", "unit", row.subject_code, "2026-Q3", expected_state="da_nop", reason="Thiếu số liệu"
    )
    at = open_page(monkeypatch, data, HISTORY)
    log = [d.value for d in at.dataframe if "Từ bản" in d.value.columns][0]
    cyc = log[log["Thao tác"] == "Kỳ báo cáo"]
    assert list(cyc["Nội dung"]) == [
        f"Trả lại báo cáo Quý III/2026 của {row.subject_name} — lý do: Thiếu số liệu",
        f"Nộp báo cáo Quý III/2026 của {row.subject_name}",
    ]
    assert set(cyc["Người thực hiện"]) == {"boss"}
    assert not log.isin(["nan", "NaN", "None"]).any().any()
