"""Streamlit parts of the pages Nhập số liệu and Lịch sử dữ liệu (the logic is in vlboard.intake.imports,
vlboard.intake.template and vlboard.intake.history; this module only draws and calls them).

Over 300 lines: the clerk's one journey (template, upload, preview, commit, history) drawn in one
place; split, its session state would travel between modules.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

from vlboard.domain import formatting
from vlboard.domain.periods import label_vi
from vlboard.intake import auth, history, imports, template
from vlboard.store import snapshots
from vlboard.ui import cycle as cycle_ui
from vlboard.ui.data import SnapshotRef, follow_writes


def _subject_options(live: SnapshotRef, user: auth.User, period: str) -> list[template.Subject]:
    subjects = template.subjects(live, period)
    out = [template.Subject(r.subject_type, r.subject_code, r.subject_name) for r in subjects.itertuples()]
    return [s for s in out if user.may_import(s.type, s.code)]


def template_section(live: SnapshotRef, user: auth.User) -> None:
    st.subheader("1. Tải mẫu báo cáo")
    left, right = st.columns(2)
    today = dt.datetime.now(imports.VN).date()
    periods, default = template.offered(live, today, user.may_import)
    if (wanted := st.query_params.get("period")) in periods:  # «Việc của tôi» and the reminders link here
        default = wanted
    period = left.selectbox(
        "Kỳ báo cáo",
        periods,
        index=periods.index(default),
        filter_mode=None,
        format_func=lambda p: f"{label_vi(p)} ({p})",
        key="tpl_period",
        help="Mặc định: kỳ đang đến hạn báo cáo của tài khoản.",
    )
    options = _subject_options(live, user, period)
    if not options:
        st.info(
            f"Không có chỉ tiêu nào {('của ' + formatting.md_escape(user.describe())) if not user.is_admin else ''} phải báo cáo "
            f"cho {label_vi(period)}."
        )
        return
    if len(options) > 1:
        query = right.text_input(
            "Tìm cơ quan, phường/xã hoặc chỉ tiêu (gõ có dấu hay không dấu đều được)",
            key="tpl_search",
            live=True,
            max_chars=100,
            placeholder="ví dụ: vinh long, chu ky so",
        )
        shown = template.search(live, options, period, query or "")
        if not shown:
            right.warning(
                f"Không có cơ quan, phường/xã hay chỉ tiêu nào khớp «{formatting.md_escape(query)}» "
                f"trong {len(options)} nơi phải báo cáo {label_vi(period)}.",
                icon=":material/search_off:",
            )
            return
    else:
        shown = options
    subject = right.selectbox(
        f"Cơ quan / phường, xã ({len(shown)}/{len(options)})",
        shown,
        key="tpl_subject",
        filter_mode=None,
        format_func=lambda s: f"{s.name} ({template.SUBJECT_KINDS[s.type]} {s.code})",
    )
    rows = template.rows(live, subject, period)
    basis = template.basis_text(rows, period)
    if rows.assumption.fillna(False).astype(bool).any():
        st.info(
            f"{formatting.md_escape(basis)}. Phần ghi «{template.ASSUMED}» không do văn bản quy định: bảng điều "
            "hành tạm áp dụng để theo dõi, cần cơ quan giao nhiệm vụ xác nhận.",
            icon=":material/info:",
        )
    else:
        st.caption(formatting.md_escape(basis))
    st.download_button(
        f"Tải mẫu Excel ({len(rows)} chỉ tiêu)",
        icon=":material/download:",
        key="tpl_download",
        data=lambda: template.write(subject, period, rows, snapshot_id=live.snapshot_id),
        file_name=template.file_name(subject, period),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    with st.expander("Nhập bằng tệp CSV thay cho mẫu Excel"):
        st.markdown(
            "Dòng đầu là tiêu đề: `Mã chỉ tiêu`, `Kỳ báo cáo` (ví dụ `2026-Q3` hoặc `2025`), "
            "`Mã cơ quan` **hoặc** `Mã phường/xã`, `Giá trị`; tùy chọn `Tử số`, `Mẫu số`, `Ghi chú`, "
            "`Đường dẫn minh chứng`. Số viết kiểu Việt Nam (`1.234,5`); mã hóa UTF-8 hoặc Windows-1258."
        )


MAX_PROBLEMS = 200


def _problems_frame(pv: imports.Preview) -> pd.DataFrame:
    """Problems as a static table (wrapped text a clerk can read in full), with the indicator of the
    row each one names; every cell escaped, since st.table renders Markdown and file contents are
    outside strings."""
    esc = formatting.md_escape
    p = pv.problem_rows().head(MAX_PROBLEMS)
    return pd.DataFrame(
        {
            "Trang": p.sheet.map(esc),
            "Dòng": p.row.map(lambda r: "" if pd.isna(r) else str(int(r))),
            "Cột": p.column.map(esc),
            "Mã chỉ tiêu": p.indicator_code.map(esc),
            "Chỉ tiêu": p.indicator_name.map(esc),
            "Lỗi": p.message.map(esc),
        }
    )


def _changes_frame(pv: imports.Preview) -> pd.DataFrame:
    c = pv.changes
    old = [
        ("–" if pd.isna(v) else f"{formatting.number(v, 2)}" + (" (minh họa)" if s == "demo" else ""))
        for v, s in zip(c.old_value, c.old_source)
    ]
    new = [
        formatting.number(v, 2) + (" (tính từ tử số / mẫu số)" if computed else "")
        for v, computed in zip(c.new_value, c.computed)
    ]
    return pd.DataFrame(
        {
            "Dòng": c.row.map(str),
            "Trạng thái": c.state.map(imports.STATES),
            "Mã chỉ tiêu": c.indicator_code,
            "Chỉ tiêu": c.name_vi,
            "Cơ quan / địa bàn": c.scope_code,
            "Kỳ": c.period,
            "Giá trị cũ": old,
            "Giá trị mới": new,
            "Ghi chú lưu": c.note.map(lambda n: "" if n is None or pd.isna(n) else str(n)),
        }
    )


# The uploader's own texts are English in Streamlit 1.67 and cannot be set: the button label, the
# size line and the drop hint are hidden and replaced (checked in Chromium, test_browser_intake).
UPLOADER_CSS = """<style>
[data-testid="stFileUploaderDropzone"] button span { display: none; }
[data-testid="stFileUploaderDropzone"] button::after { content: "Chọn tệp"; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after { content: "Tối đa 5 MB mỗi tệp • XLSX, CSV";
  font-size: 0.875rem; }
[data-testid="stFileUploaderDropzone"] .euud7oh1 span { font-size: 0; }
[data-testid="stFileUploaderDropzone"] .euud7oh1 span::after { content: "Thả tệp vào đây";
  font-size: 0.875rem; }
</style>"""


def upload_section(data: snapshots.DataDir, live: SnapshotRef, user: auth.User) -> None:
    st.subheader("2. Tải tệp đã điền lên")
    if done := st.session_state.pop("_import_done", None):
        st.success(done, icon=":material/check_circle:")
    if subjects := st.session_state.get("_import_subjects"):
        cycle_ui.submit_hint(data, live, user, subjects)  # with the cycle's own messages
    gen = st.session_state.get("_upload_gen", 0)  # a new key empties the uploader after a write
    st.html(UPLOADER_CSS)
    file = st.file_uploader(
        "Tệp báo cáo (.xlsx theo mẫu, hoặc .csv; tối đa 5 MB)",
        key="upload_file" + (f"_{gen}" if gen else ""),
        help="Kéo thả tệp vào khung hoặc bấm «Chọn tệp». Bảng tính LibreOffice (.ods): "
        "lưu lại thành .xlsx trước khi tải lên.",
    )
    if file is None:
        st.session_state.pop("_preview", None)
        return
    content = file.getvalue()
    st.session_state.pop("_import_subjects", None)  # a new file: the last import's submit hint is done
    key = (hashlib.sha256(content).hexdigest(), live.snapshot_id, user.username)
    cached = st.session_state.get("_preview")
    if not cached or cached[0] != key:
        with st.spinner("Đang kiểm tra tệp…"):
            cached = (key, imports.preview(data, user, file.name, content, src=live))
        st.session_state["_preview"] = cached
    pv: imports.Preview = cached[1]
    if pv.problems:
        st.error(
            f"Tệp có {len(pv.problems)} lỗi; chưa ghi gì. Sửa các ô dưới đây rồi tải lên lại.", icon=":material/block:"
        )
        st.table(_problems_frame(pv).set_index("Trang"))
        if len(pv.problems) > MAX_PROBLEMS:
            st.caption(f"Hiển thị {MAX_PROBLEMS}/{len(pv.problems)} lỗi đầu tiên.")
        return
    counts = pv.counts()
    cols = st.columns(4)
    for col, (state, label) in zip(cols, imports.STATES.items()):
        col.metric(label, counts[state])
    cols[3].metric("Để trống", pv.skipped)
    st.dataframe(_changes_frame(pv), hide_index=True, width="stretch")
    if pv.new_explanations:  # commentary (giải trình, issue 20)
        st.caption(f"{pv.new_explanations} chỉ tiêu có giải trình mới hoặc sửa, ghi cùng số liệu.")
    if pv.unexplained:
        st.warning(formatting.md_escape(pv.unexplained_text()) + ".", icon=":material/comment:")
    if counts["new"] + counts["changed"] == 0 and not pv.new_explanations:
        st.info("Không có giá trị nào mới hoặc thay đổi so với dữ liệu hiện tại.")
        return
    if lock := cycle_ui.import_lock(live, pv.rows):  # the core refuses at commit: say it before
        st.error(lock, icon=":material/lock:")
        return
    if st.button("Ghi vào dữ liệu", type="primary", icon=":material/save:", key="import_commit"):
        try:
            sid = imports.commit(data, user, pv)
        except (imports.ImportRefused, snapshots.SnapshotError) as exc:
            st.error(str(exc), icon=":material/block:")
            return
        follow_writes()
        st.session_state.pop("_preview", None)
        st.session_state["_upload_gen"] = gen + 1
        st.session_state["_import_subjects"] = sorted(set(zip(pv.rows.scope_type, pv.rows.scope_code, pv.rows.period)))
        st.session_state["_import_done"] = (
            f"Đã ghi tệp «{formatting.md_escape(pv.file_name)}»: {pv.summary()}. "
            f"Bản dữ liệu mới {sid}; "
            "mọi trang đã dùng số liệu mới."
        )
        st.rerun()


def recent_imports(live: SnapshotRef) -> None:
    df = live.q("imports_recent")
    st.subheader("Các lần nhập gần đây")
    if df.empty:
        st.caption("Chưa có lần nhập nào.")
        return
    df = df.assign(imported_at=df.imported_at.map(lambda t: f"{formatting.date(t)} {t:%H:%M}"))
    st.dataframe(
        df.rename(
            columns={
                "imported_at": "Thời gian",
                "username": "Tài khoản",
                "scope_code": "Phạm vi",
                "period": "Kỳ",
                "file_name": "Tệp",
                "n_new": "Mới",
                "n_changed": "Thay đổi",
                "n_unchanged": "Không đổi",
            }
        ),
        hide_index=True,
        width="stretch",
    )


def snapshots_section(data: snapshots.DataDir) -> pd.DataFrame:
    t = history.table(data)
    shown = t.assign(
        live=t.live.map({True: "● hiện hành", False: ""}),
        created_at=t.created_at.map(when),
        results=t.results.map(lambda n: "" if pd.isna(n) else formatting.number(n, 0)),
        imports=t.imports.map(lambda n: "" if pd.isna(n) else formatting.number(n, 0)),
    )
    st.dataframe(
        shown[["live", "snapshot_id", "created_at", "action", "author", "note", "results", "imports"]].rename(
            columns={
                "live": "",
                "snapshot_id": "Bản dữ liệu",
                "created_at": "Thời gian",
                "action": "Thao tác",
                "author": "Người thực hiện",
                "note": "Nội dung",
                "results": "Số kết quả",
                "imports": "Số lần nhập",
            }
        ),
        hide_index=True,
        width="stretch",
        # the live mark and the id are what a reader looks for: never cut (not pinned: a phone scrolls)
        column_config={
            "": st.column_config.TextColumn("Hiện hành", width=110),
            "Bản dữ liệu": st.column_config.TextColumn(width=270),
        },
    )
    return t


def when(iso) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time ('' when empty)."""
    return history.local_time(iso)


def compare_section(data: snapshots.DataDir, t: pd.DataFrame) -> None:
    st.subheader("So sánh hai bản")
    ids = t.snapshot_id.tolist()
    if len(ids) < 2:
        st.caption("Cần ít nhất hai bản dữ liệu.")
        return
    left, right = st.columns(2)
    new = left.selectbox("Bản mới", ids, index=0, key="cmp_new", filter_mode=None)
    parent = dict(zip(t.snapshot_id, t.parent)).get(new)
    default = ids.index(parent) if parent in ids else min(ids.index(new) + 1, len(ids) - 1)
    old = right.selectbox("So với bản (mặc định: bản trước nó)", ids, index=default, key="cmp_old", filter_mode=None)
    try:
        diff = history.compare(data, old, new)
    except snapshots.SnapshotError as exc:
        st.error(str(exc))
        return
    st.caption(" · ".join(f"{k}: {int((diff.change == k).sum())}" for k in ("Thêm", "Đổi", "Bỏ")))
    if diff.empty:  # an empty grid reads "empty" (English) in the browser
        st.caption("Hai bản có cùng các kết quả: không có dòng nào thêm, đổi hay bỏ.")
        return
    st.dataframe(compare_frame(diff.head(2000)), hide_index=True, width="stretch")
    if len(diff) > 2000:
        st.caption(f"Hiển thị 2.000/{formatting.number(len(diff), 0)} dòng đầu.")


def compare_frame(diff: pd.DataFrame) -> pd.DataFrame:
    """The differences as text only (Vietnamese numbers, blanks for missing values): one type per
    column, so the table never falls back on a failed Arrow conversion."""

    def text(v) -> str:
        return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)

    out = diff.copy()
    for c in ("value_old", "value_new"):
        out[c] = [("" if pd.isna(v) else formatting.number(v, 2)) for v in diff[c]]
    for c in out.columns:
        if c not in ("value_old", "value_new"):
            out[c] = out[c].map(text)
    return out.rename(columns=history.COMPARE_LABELS)


def rollback_section(data: snapshots.DataDir, user: auth.User, t: pd.DataFrame) -> None:
    st.subheader("Khôi phục bản cũ")
    if not user.is_admin:
        st.caption("Chỉ quản trị viên được khôi phục bản dữ liệu cũ.")
        return
    choices = t[~t.live & t.usable].snapshot_id.tolist()
    if not choices:
        st.caption("Không có bản nào khác để khôi phục.")
        return
    if done := st.session_state.pop("_rollback_done", None):
        st.success(done, icon=":material/check_circle:")
    if failed := st.session_state.pop("_rollback_failed", None):
        st.error(failed)
    target = st.selectbox("Bản dữ liệu", choices, key="rb_target", filter_mode=None)
    try:
        plan = history.rollback_plan(data, target)
    except snapshots.SnapshotError as exc:
        st.error(str(exc))
        return
    st.warning("  \n".join(formatting.md_escape(line) for line in plan.lines()))
    st.text_input("Lý do", key="rb_reason", max_chars=300, live=True)
    sure = st.checkbox("Tôi hiểu: các trang sẽ dùng bản này ngay; không bản nào bị xóa.", key="rb_sure")
    # base: the live version the plan above was drawn from; the rollback is refused if it changed
    st.button(
        "Khôi phục",
        disabled=not sure,
        key="rb_go",
        icon=":material/restore:",
        on_click=_rollback,
        args=(data, user, target, plan.base),
    )


def _rollback(data: snapshots.DataDir, user: auth.User, target: str, base: str | None) -> None:
    try:
        history.rollback(data, user, target, reason=st.session_state.get("rb_reason", ""), base=base)
    except (auth.AccessDenied, snapshots.SnapshotError) as exc:
        st.session_state["_rollback_failed"] = str(exc)
        return
    follow_writes()
    st.session_state["_rollback_done"] = f"Đã khôi phục bản {target}; các trang dùng bản này ngay."
    st.session_state.pop("rb_sure", None)  # the next rollback asks again
