"""Streamlit parts of the commentary (giải trình, issue 20): the «Chưa giải trình» lists (per
agency or ward, read-only for everyone), the explanations on record, and the form a signed-in
clerk (own subject), reviewer or admin uses to explain a miss. The rules and the write are in
vlboard.intake.commentary; the frames in vlboard.board.commentary. Texts people wrote are shown
in grid cells or through ``md_escape``: as text, never as markup."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vlboard import ui
from vlboard.board import commentary as frames
from vlboard.domain import commentary as rules
from vlboard.domain import formatting
from vlboard.domain.periods import label_vi
from vlboard.domain.vocab import SOURCES
from vlboard.intake import auth
from vlboard.intake import commentary as intake
from vlboard.store import snapshots
from vlboard.ui.data import SnapshotRef, follow_writes

esc = formatting.md_escape
PICK_LIMIT = 300  # misses offered in the form's list (the table above lists them all)


def missing_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Cơ quan / địa bàn": frame.subject_name,
            "Kỳ": frame.period_label,
            "Mã chỉ tiêu": frame.indicator_code,
            "Chỉ tiêu": frame.indicator_name,
            "Đánh giá": frame.status_label,
            "Giá trị": [formatting.number(v, 2) + (f" {u}" if u else "") for v, u in zip(frame.value, frame.unit)],
            "Nguồn": frame.source.map(SOURCES),
        }
    )


def per_subject_table(frame: pd.DataFrame) -> pd.DataFrame:
    counts = frames.per_subject(frame)
    return pd.DataFrame(
        {
            "Cơ quan / địa bàn": counts.subject_name,
            "Loại": counts.subject_type.map(frames.SUBJECT_LABELS),
            "Số chỉ tiêu chưa giải trình": counts.n.astype(int),
        }
    )


def current_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Cơ quan / địa bàn": frame.subject_name,
            "Kỳ": frame.period.map(label_vi),
            "Mã chỉ tiêu": frame.indicator_code,
            "Chỉ tiêu": frame.indicator_name,
            "Giải trình": frame.text,
            "Người ghi": frame.by,
        }
    )


def may_explain(user: auth.User, subject_type: str, subject_code: str) -> bool:
    """Whom the form offers a miss to (vlboard.intake.commentary checks again, with the plan)."""
    if user.role == "editor":
        return user.may_import(subject_type, subject_code)
    return user.role in ("reviewer", "admin")


def _messages() -> None:
    if done := st.session_state.pop("_gt_done", None):
        st.success(done, icon=":material/check_circle:")
    if failed := st.session_state.pop("_gt_error", None):
        st.error(esc(failed), icon=":material/block:")


def form(data: snapshots.DataDir, user: auth.User, frame: pd.DataFrame) -> None:
    """Explain one of ``frame``'s misses (board.commentary.missing rows) the user may explain."""
    _messages()
    rows = frame[[may_explain(user, t, c) for t, c in zip(frame.subject_type, frame.subject_code)]]
    if rows.empty:
        return
    rows = rows.head(PICK_LIMIT)
    labels = {
        i: f"{r.subject_name} · {r.period_label} · {r.indicator_code} {r.indicator_name[:70]} ({r.status_label})"
        for i, r in zip(rows.index, rows.itertuples(index=False))
    }
    st.markdown("**Ghi giải trình**")
    pick = st.selectbox(f"Chỉ tiêu cần giải trình ({len(rows)})", list(labels), key="gt_pick", format_func=labels.get)
    r = rows.loc[pick]
    st.text_area(rules.LABELS["cause"], key="gt_cause", max_chars=rules.MAX_TEXT, height=80)
    st.text_area(rules.LABELS["remedy"], key="gt_remedy", max_chars=rules.MAX_TEXT, height=80)
    st.text_input(rules.LABELS["back_by"], key="gt_back", placeholder="31/12/2025", max_chars=10)
    key = (r.indicator_code, r.period, r.subject_type, r.subject_code)
    st.button("Ghi giải trình", key="gt_save", type="primary", on_click=_save, args=(data, user, key))


def _save(data: snapshots.DataDir, user: auth.User, key: tuple[str, str, str, str]) -> None:
    s = st.session_state
    code, period, st_, sc = key
    try:
        intake.explain(data, user, code, period, st_, sc, s.get("gt_cause"), s.get("gt_remedy"), s.get("gt_back"))
    except (intake.CommentaryRefused, snapshots.SnapshotError) as exc:
        s["_gt_error"] = str(exc)
        return
    follow_writes()
    s["gt_cause"] = s["gt_remedy"] = s["gt_back"] = ""
    s["_gt_done"] = f"Đã ghi giải trình {code} kỳ {period}."


def mine(live: SnapshotRef, user: auth.User) -> None:
    """The «Việc của tôi» block: the user's real misses still without an explanation (what keeps a
    report from being submitted), and the form."""
    st.subheader("Chưa giải trình")
    every = frames.missing(live, "", False)  # type: ignore[arg-type]  # SnapshotRef is a Source
    own = every[[may_explain(user, t, c) for t, c in zip(every.subject_type, every.subject_code)]]
    if user.role != "editor":
        own = every
    if own.empty:
        _messages()
        st.info(
            "Không có chỉ tiêu chưa đạt hay gần đạt nào (số liệu báo cáo và văn bản) đang chờ giải trình"
            + (" của đơn vị bạn." if user.role == "editor" else "."),
            icon=":material/task_alt:",
        )
    else:
        st.caption(
            f"{len(own)} chỉ tiêu chưa đạt hoặc gần đạt chưa có giải trình: bắt buộc ghi nguyên nhân và giải pháp "
            "trước khi nộp báo cáo (hoặc điền các cột giải trình trong mẫu Excel)."
        )
        ui.table(missing_table(own), "chua giai trinh cua toi", title="Chỉ tiêu chưa giải trình")
        form(snapshots.default_data_dir(), user, own)
    st.page_link("views/commentary.py", label="Giải trình của mọi đơn vị", icon=":material/comment:")


def overview(live: SnapshotRef, period: str, include_demo: bool, user: auth.User) -> None:
    """The page «Giải trình»: misses without explanation per agency or ward, the list, the
    explanations on record, and the form for a signed-in clerk, reviewer or admin."""
    src = live  # a Source
    gaps = frames.missing(src, period, include_demo)  # type: ignore[arg-type]
    done = frames.current(src, period)  # type: ignore[arg-type]
    row = st.container(horizontal=True, gap="medium")
    row.metric("Chưa giải trình", len(gaps), width=170)
    row.metric("Đơn vị còn nợ", int(gaps[["subject_type", "subject_code"]].drop_duplicates().shape[0]), width=170)
    row.metric("Đã giải trình", len(done), width=170)
    where = "kể cả số liệu minh họa" if include_demo else "chỉ số liệu thật: báo cáo và văn bản"
    if gaps.empty:
        every = frames.missing(src, "", include_demo)  # type: ignore[arg-type]
        shown = label_vi(period) if period else "mọi kỳ"
        elsewhere = (
            f" Các kỳ khác còn {len(every)} chỉ tiêu chưa giải trình: chọn kỳ ở bộ lọc."
            if len(every)
            else " Không kỳ nào có số liệu chưa đạt hay gần đạt đang chờ giải trình."
        )
        st.info(
            f"{shown}: không có chỉ tiêu chưa đạt hay gần đạt nào đang chờ giải trình ({where}).{elsewhere}",
            icon=":material/task_alt:",
        )
    else:
        st.markdown(f"**Chưa giải trình theo cơ quan, địa bàn** ({where})")
        ui.table(per_subject_table(gaps), "chua giai trinh theo don vi", title="Chưa giải trình theo đơn vị")
        ui.table(missing_table(gaps), "chua giai trinh", title="Chỉ tiêu chưa giải trình")
    st.markdown("**Giải trình đã ghi**")
    ui.table(current_table(done), "giai trinh", title="Giải trình", empty="Chưa có giải trình nào được ghi.")
    if user.role in ("editor", "reviewer", "admin"):
        form(snapshots.default_data_dir(), user, gaps)
    elif not gaps.empty:
        st.caption("Cán bộ nhập liệu của đơn vị, cán bộ thẩm định hoặc quản trị viên đăng nhập để ghi giải trình.")
