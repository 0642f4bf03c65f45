"""The shipped data has no report: nothing may say «chưa duyệt» there, and the filter «Chỉ số liệu
đã duyệt» shows exactly the real figures (documents are official as printed)."""

from __future__ import annotations

import datetime as dt

from vlboard.board import screens
from vlboard.domain import approval, filters
from vlboard.export import pack
from vlboard.store.source import Snapshot


def test_no_mark_anywhere_on_the_shipped_data(shipped_data):
    src = Snapshot.current(shipped_data)
    rows = src.q(
        "api_results",
        plan=None,
        pillar=None,
        agency=None,
        unit=None,
        period=None,
        include_demo=True,
        limit=10**6,
        offset=0,
    )
    assert set(rows.approval) == {"document", "demo"}
    assert (rows.approval == rows.source).all()
    options = screens.filter_options(src, False)
    for source in ("real", "all"):
        f, _ = filters.parse({"source": source}, options)
        card = screens.scorecard(src, f)
        assert approval.count(card) == 0 and approval.caption(approval.count(card)) == ""
        assert approval.COLUMN not in screens.overview.status_list(card).columns
        p = pack.build(src, f, options, snapshot_id=src.snapshot_id, now=dt.datetime(2026, 1, 5, 9, 0))
        words = [*(m for pg in p.pages for m in pg.messages), *(ln for pg in p.pages for ln in pg.lines)]
        assert not any(approval.MARK in w for w in words)
        assert not any(pg.table is not None and approval.COLUMN in pg.table.columns for pg in p.pages)


def test_approved_only_filter_equals_real_without_reports(shipped_data):
    src = Snapshot.current(shipped_data)
    options = screens.filter_options(src, False)
    f, notes = filters.parse({"source": "approved"}, options)
    assert not notes and f.approved_only and not f.include_demo
    assert f.to_params()["source"] == "approved"
    assert filters.status_params(f)["approved_only"] is True
    assert "Chỉ số liệu đã duyệt" in filters.describe(f, options)
    approved = screens.scorecard(src, f)
    real = screens.scorecard(src, f.with_(source="real"))
    cols = ["indicator_code", "value", "status", "source", "n_unapproved"]
    assert approved[cols].equals(real[cols])
    assert (approved.source.fillna("") != "demo").all()
