"""Data history: every snapshot with what changed, comparing two, and rollback (admin only).

A rollback points CURRENT at an older snapshot under the write lock and records the event in
data/history.jsonl; no snapshot is ever deleted, so a rollback can itself be undone.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vlboard.domain import vocab
from vlboard.domain.vocab import VN_TZ
from vlboard.intake import auth, restore
from vlboard.store import snapshots

ACTIONS = {
    "build": "Dựng từ dữ liệu nguồn",
    "import": "Nhập số liệu",
    "rollback": "Khôi phục",
    "migrate": "Chuyển định dạng lưu trữ",
    "cycle": "Kỳ báo cáo",  # submit/approve/return/reopen (vlboard.intake.cycle): the note says which
    "directive": "Chỉ đạo",  # issue/note/done/reopen (vlboard.intake.directives)
    "commentary": "Giải trình",  # an explanation entered on the page (vlboard.intake.commentary)
}
COMPARE_LABELS = {
    "change": "Thay đổi",
    "indicator_code": "Mã chỉ tiêu",
    "period": "Kỳ",
    "unit_code": "Địa bàn",
    "agency_code": "Cơ quan",
    "source": "Nguồn",
    "value_old": "Giá trị cũ",
    "value_new": "Giá trị mới",
    "reported_by_new": "Người báo cáo",
}
COLS = ["result_id", "indicator_code", "period", "unit_code", "agency_code", "source", "value", "reported_by"]


def table(data: snapshots.DataDir) -> pd.DataFrame:
    """One row per snapshot, newest first: id, time, author, action, note, rows per table, live flag."""
    live = snapshots.current_id(data)
    rows = []
    for m in snapshots.list_snapshots(data):
        tables = m.get("tables", {})
        rows.append(
            dict(
                snapshot_id=m["id"],
                created_at=m.get("created_at"),
                author=m.get("author"),
                action=ACTIONS.get(
                    m.get("action") or ("build" if m.get("author") == "build" else ""), m.get("action") or "Dựng"
                ),
                note=m.get("note"),
                parent=m.get("parent"),
                results=tables.get("results", {}).get("rows"),
                imports=tables.get("imports", {}).get("rows", 0),
                live=m["id"] == live,
                usable=m.get("format") in snapshots.READABLE_FORMATS,
            )
        )
    return (
        pd.DataFrame(rows).sort_values("snapshot_id", ascending=False, ignore_index=True)
        if rows
        else pd.DataFrame(
            columns=[
                "snapshot_id",
                "created_at",
                "author",
                "action",
                "note",
                "parent",
                "results",
                "imports",
                "live",
                "usable",
            ]
        )
    )


def local_time(iso) -> str:
    """An ISO time (UTC when it carries no zone) as 'dd/mm/yyyy HH:MM' in Vietnam time; '' when empty."""
    if iso is None or (not isinstance(iso, str) and pd.isna(iso)) or not str(iso):
        return ""
    t = dt.datetime.fromisoformat(str(iso))
    t = (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(VN_TZ)
    return f"{t:%d/%m/%Y %H:%M}"


def log(data: snapshots.DataDir) -> pd.DataFrame:
    """The history log (builds, imports, rollbacks), newest first."""
    ev = snapshots.events(data)
    cols = ["at", "action", "user", "snapshot", "from", "file", "summary"]
    df = pd.DataFrame(ev, columns=cols) if ev else pd.DataFrame(columns=cols)
    df["action"] = df["action"].map(lambda a: ACTIONS.get(a, a))
    return df.iloc[::-1].reset_index(drop=True)


def _results(data: snapshots.DataDir, sid: str) -> pd.DataFrame:
    path = snapshots.snapshot_dir(data, sid)
    snapshots.verify(path)
    return snapshots.read_table(path, "results", columns=COLS).to_pandas()


def _identity(df: pd.DataFrame) -> pd.Series:
    """The key a value is compared on: an import's report replaces the demo row (or the earlier
    report) of the same indicator, subject and period, so those share one key; document figures
    and any ambiguous row keep their result_id."""
    subject = (
        df.indicator_code.astype(str)
        + "|"
        + df.period.astype(str)
        + "|"
        + df.unit_code.fillna("").astype(str)
        + "|"
        + df.agency_code.fillna("").astype(str)
    )
    key = subject.where(df.source.isin(["demo", "report"]), df.result_id)
    return key.where(~key.duplicated(keep=False), df.result_id)


def compare(data: snapshots.DataDir, old: str, new: str) -> pd.DataFrame:
    """Results that differ between two snapshots: one row per value added, removed or changed
    (change: 'Thêm' / 'Bỏ' / 'Đổi'), with old and new values. A report replacing a demo value is
    'Đổi' (the same count as the import preview's «thay đổi»); source shows 'Minh họa → Báo cáo'."""
    a, b = _results(data, old), _results(data, new)
    a, b = a.assign(key=_identity(a)), b.assign(key=_identity(b))
    m = a.merge(b, on="key", how="outer", suffixes=("_old", "_new"), indicator=True)
    for c in COLS[1:5]:  # identity columns: from whichever side has the row
        m[c] = m[f"{c}_new"].fillna(m[f"{c}_old"])
    same = (
        (m._merge == "both")
        & (m.source_old == m.source_new)
        & ((m.value_old == m.value_new) | (m.value_old.isna() & m.value_new.isna()))
    )
    m = m[~same].copy()
    m["change"] = m._merge.map({"left_only": "Bỏ", "right_only": "Thêm", "both": "Đổi"}).astype(str)

    def label(s):
        return "" if s is None or (not isinstance(s, str) and pd.isna(s)) else vocab.SOURCES.get(s, s)

    m["source"] = [
        label(n) if o == n or not label(o) else (label(o) if not label(n) else f"{label(o)} → {label(n)}")
        for o, n in zip(m.source_old, m.source_new)
    ]
    cols = [
        "change",
        "indicator_code",
        "period",
        "unit_code",
        "agency_code",
        "source",
        "value_old",
        "value_new",
        "reported_by_new",
    ]
    return m[cols].sort_values(["change", "indicator_code", "period"], ignore_index=True)


def counts(data: snapshots.DataDir, old: str, new: str) -> dict[str, int]:
    diff = compare(data, old, new)
    return {c: int((diff.change == c).sum()) for c in ("Thêm", "Đổi", "Bỏ")}


rollback_plan = restore.plan  # what a rollback would undo: show .text(), then pass .base to rollback


def rollback(data: snapshots.DataDir, user: auth.User, target: str, *, reason: str = "", base=...) -> str:
    """Make ``target`` live again (admin only) if CURRENT is still ``base``, the live snapshot of the
    ``rollback_plan`` the admin confirmed (vlboard.intake.restore). Without ``base`` the rollback is not
    checked against a write made after the admin looked. Raises auth.AccessDenied or
    snapshots.SnapshotError (restore.StaleRollback, snapshots.WriteFault)."""
    restore.run(data, user, target, base=snapshots.current_id(data) if base is ... else base, reason=reason)
    return target
