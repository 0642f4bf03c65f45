"""Commentary (giải trình) on the figures (issue 20): entry on the page or the command line
(``explain``), the rows an import writes with its results (``import_rows``), and the misses still
without an explanation that keep a subject × period from being submitted (``unexplained``,
``submit_refusal``). Each explanation appends rows to the ``commentary_events`` Delta table and
publishes a snapshot, under the write lock, checked against the live snapshot. The rules:
vlboard.domain.commentary; the misses and the current explanation: store/sql/macros/75_commentary.sql.
No streamlit."""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd

from vlboard.domain import commentary as rules
from vlboard.domain import cycle as cycle_rules
from vlboard.domain.periods import label_vi, parse_period
from vlboard.domain.vocab import VN_TZ as VN
from vlboard.intake import auth, event_log
from vlboard.store import snapshots
from vlboard.store.source import Snapshot, Source

UNDONE = "Chưa ghi gì."
SUBJECTS = {"unit": "địa bàn", "agency": "cơ quan"}
LIST_LIMIT = 10  # rows named in a refusal; the rest are counted


class CommentaryRefused(Exception):
    """An explanation refused; the message (Vietnamese) says why. Nothing was written."""


def misses(
    src: Source, period: str = "", subject: tuple[str, str] | None = None, *, include_demo: bool
) -> pd.DataFrame:
    """The misses (commentary_misses.sql) of ``period`` (all when empty) and ``subject``."""
    st, sc = subject or ("", "")
    return src.q("commentary_misses", period=period, subject_type=st, subject_code=sc, include_demo=include_demo)


def unexplained(src: Source, subject_type: str, subject_code: str, period: str) -> pd.DataFrame:
    """Real misses (reports and document figures, never demo) of the subject × period without an
    explanation: what keeps it from being submitted."""
    m = misses(src, period, (subject_type, subject_code), include_demo=False)
    return m[~m.explained.astype(bool)].reset_index(drop=True)


def submit_refusal(src: Source, subject_type: str, subject_code: str, period: str) -> str | None:
    """«Chưa thể nộp: 2 chỉ tiêu chưa đạt chưa có giải trình: TPVL-003 … (Chưa đạt); …», or None."""
    rows = unexplained(src, subject_type, subject_code, period)
    if rows.empty:
        return None
    named = [
        f"{r.indicator_code} {r.indicator_name} ({rules.STATUS_LABELS.get(r.year_status, r.year_status)})"
        for r in rows.head(LIST_LIMIT).itertuples(index=False)
    ]
    more = f"; và {len(rows) - LIST_LIMIT} chỉ tiêu khác" if len(rows) > LIST_LIMIT else ""
    return (
        f"Chưa thể nộp: {len(rows)} chỉ tiêu chưa đạt hoặc gần đạt chưa có giải trình: "
        + "; ".join(named)
        + more
        + ". Hãy ghi nguyên nhân và giải pháp (mẫu Excel hoặc trang «Việc của tôi») rồi nộp lại."
    )


def _event(user: auth.User, key: tuple[str, str, str, str], e: rules.Explanation, at: dt.datetime, base: str, **kw):
    code, period, st, sc = key
    return dict(
        event_id=f"gt-{at:%Y%m%dT%H%M%S%f}-{os.urandom(4).hex()}",
        at=at,
        username=user.username,
        role=user.role,
        indicator_code=code,
        period=period,
        subject_type=st,
        subject_code=sc,
        cause=e.cause,
        remedy=e.remedy,
        back_by=e.back_by,
        base_snapshot=base,
        **kw,
    )


def current(src: Source, key: tuple[str, str, str, str]) -> rules.Explanation | None:
    """The key's current explanation (None when it never had one)."""
    code, period, st, sc = key
    ev = src.q("commentary_current", period=period)
    hit = ev[(ev.indicator_code == code) & (ev.subject_type == st) & (ev.subject_code == sc)]
    if hit.empty:
        return None
    r = hit.iloc[0]
    back = None if pd.isna(r.back_by) else pd.Timestamp(r.back_by).date()
    return rules.Explanation(r.cause, None if pd.isna(r.remedy) else r.remedy, back)


def _require(user: auth.User, subject_type: str, subject_code: str, plan: str | None) -> None:
    if user.role == "editor":
        if not user.may_import(subject_type, subject_code):
            raise CommentaryRefused(
                f"{user._who()} chỉ giải trình số liệu của đơn vị mình, không phải của "
                f"{SUBJECTS[subject_type]} {subject_code}. {UNDONE}"
            )
        return
    try:
        auth.require_review(user, [plan or ""], f"{SUBJECTS[subject_type]} {subject_code}")
    except auth.AccessDenied as exc:
        raise CommentaryRefused(f"{exc} {UNDONE}") from exc


def _state(src: Snapshot, subject_type: str, subject_code: str, period: str) -> str:
    ev = src.q("cycle_events")
    ev = ev[(ev.subject_type == subject_type) & (ev.subject_code == subject_code) & (ev.period == period)]
    if ev.empty:
        return cycle_rules.INITIAL
    return str(ev.sort_values(["at", "event_id"]).to_state.iloc[-1])


def explain(
    data: snapshots.DataDir,
    user: auth.User,
    indicator_code: str,
    period: str,
    subject_type: str,
    subject_code: str,
    cause: str | None,
    remedy: str | None,
    back_by: object = None,
    *,
    now: dt.datetime | None = None,
) -> str:
    """Record the explanation of a figure; returns the new snapshot id. CommentaryRefused (nothing
    written) for a user outside the subject, a report submitted or approved (reopen or return it
    first), bad text or date, an unknown indicator or subject, or nothing new."""
    if subject_type not in SUBJECTS:
        raise CommentaryRefused(f"Loại đối tượng không hợp lệ: «{subject_type}» (chỉ nhận: unit, agency). {UNDONE}")
    try:
        p = parse_period(period)
    except ValueError as exc:
        raise CommentaryRefused(f"{exc} {UNDONE}") from exc
    now = (now or dt.datetime.now(VN)).replace(tzinfo=None)
    key = (indicator_code, p.code, subject_type, subject_code)
    with snapshots.write_lock(data):
        src = event_log.live(data, "giải trình", CommentaryRefused)
        sid = src.snapshot_id
        try:
            ind = src.q("indicator_list")
            ind = ind[ind.code == indicator_code]
            if ind.empty:
                raise CommentaryRefused(f"Không có chỉ tiêu mã «{indicator_code}» trong danh mục. {UNDONE}")
            known = set(src.q("agency_list").code) if subject_type == "agency" else set(src.q("unit_list").unit_code)
            if subject_code not in known:
                raise CommentaryRefused(
                    f"Không có {SUBJECTS[subject_type]} mã «{subject_code}» trong danh mục. {UNDONE}"
                )
            _require(user, subject_type, subject_code, ind.plan.iloc[0])
            state = _state(src, subject_type, subject_code, p.code)
            if state in cycle_rules.LOCKED:
                raise CommentaryRefused(
                    f"Báo cáo {label_vi(p.code)} của {SUBJECTS[subject_type]} {subject_code} "
                    f"{cycle_rules.LOCKED[state]} trước khi sửa giải trình. {UNDONE}"
                )
            m = misses(src, p.code, (subject_type, subject_code), include_demo=True)
            m = m[m.indicator_code == indicator_code]
            status = None if m.empty else str(m.year_status.iloc[0])
            try:
                e = rules.explanation(cause, remedy, back_by, status=status, period_end=p.end)
            except rules.CommentaryError as exc:
                raise CommentaryRefused(f"{str(exc)[:1].upper()}{str(exc)[1:]}. {UNDONE}") from exc
            before = current(src, key)
            if e.empty and rules.requires(status):
                raise CommentaryRefused(f"Cần ghi «{rules.LABELS['cause']}» và «{rules.LABELS['remedy']}». {UNDONE}")
            if (before or rules.Explanation(None, None, None)) == e:
                raise CommentaryRefused(f"Giải trình không khác giải trình hiện có. {UNDONE}")
            hist = src.q("commentary_events")
            hist = hist[
                (hist.indicator_code == indicator_code)
                & (hist.period == p.code)
                & (hist.subject_type == subject_type)
                & (hist.subject_code == subject_code)
            ]
            if not hist.empty:  # keep `at` strictly increasing per key
                newest = pd.Timestamp(hist["at"].max()).to_pydatetime()
                if now <= newest:
                    now = newest + dt.timedelta(milliseconds=1)
            name = ind.name_vi.iloc[0]
        finally:
            src.con.close()
        event = _event(user, key, e, now, sid, source="page", import_id=None)
        summary = (
            f"Giải trình {indicator_code} ({name}) {label_vi(p.code)} của {SUBJECTS[subject_type]} {subject_code}: "
            + (rules.one_line(e.cause, e.remedy, e.back_by) or "xóa giải trình")
        )

        return event_log.publish(
            data,
            "commentary_events",
            event,
            author=user.username,
            action="commentary",
            summary=summary,
            indicator=indicator_code,
            subject=f"{subject_type}:{subject_code}",
            period=p.code,
        )
