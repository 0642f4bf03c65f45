"""AppTest for the data pages (Nhập số liệu, Lịch sử dữ liệu) and sign-in: rendering, permissions,
template download, upload → preview → write, rollback, allow_anonymous = false, escaping of names."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import types

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from tests.support.fixtures import tiny_tables
from tests.support.pages import (
    ACCOUNTS,
    APP,
    HISTORY,
    HOSTILE,
    INTAKE,
    PASSWORD,
    XLSX,
    filled_template,
    open_page,
    sign_in,
    submit_login,
)
from vlboard.domain.formatting import md_escape
from vlboard.intake import auth, template
from vlboard.intake.workbook import DATA_SHEET, META_SHEET
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches", "frozen_today")


# ------------------------------------------------------------------------------------ helpers


@pytest.fixture
def frozen_today(monkeypatch):
    """The template section lists vlboard.domain.periods.recent(today); pin today to 2026-11-23 so that
    2025-Q3 is always among the periods (the import layer keeps the real clock)."""
    from vlboard.ui import intake as ui_intake

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2026, 11, 23, 9, 30, tzinfo=tz) if tz else cls(2026, 11, 23, 9, 30)

    monkeypatch.setattr(ui_intake, "dt", types.SimpleNamespace(**{**vars(dt), "datetime": Frozen}))


@pytest.fixture
def downloads(monkeypatch) -> list:
    """The MediaFileManager of every AppTest run, so a deferred st.download_button can be called."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.testing.v1 import app_test

    managers = []

    class Recording(MediaFileManager):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            managers.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)
    return managers


def download_bytes(at: AppTest, managers: list, key: str) -> bytes:
    fid = at.download_button(key=key).proto.deferred_file_id
    assert fid, "the template is generated on click (deferred download)"
    entry = managers[-1]._deferred_callables[fid]
    data = entry["callable"]()
    assert entry["filename"].endswith(".xlsx") and entry["mimetype"] == XLSX
    return data


@pytest.fixture(scope="module")
def shipped_copy(shipped_data, tmp_path_factory) -> snapshots.DataDir:
    """The shipped catalogue, copied so nothing here can touch the session-wide build."""
    root = tmp_path_factory.mktemp("shipped_copy") / "data"
    shutil.copytree(shipped_data.root, root)
    return snapshots.DataDir(root)


@pytest.fixture
def empty_data(tmp_path) -> snapshots.DataDir:
    data = snapshots.DataDir(tmp_path / "empty")
    data.root.mkdir()
    (data.root / "geo").mkdir()
    snapshots.write_snapshot(data, tiny_tables(results=[]), author="t", note="empty")
    return data


def keys(at: AppTest, kind: str) -> set[str]:
    return {w.key for w in at.get(kind)}


def account_label(at: AppTest) -> str:
    [box] = [e for e in at.sidebar.expander if e.label.startswith("Tài khoản: ")]
    return box.label


def subject_codes(at: AppTest) -> set[str]:
    return {option.rsplit(" ", 1)[-1].rstrip(")") for option in at.selectbox(key="tpl_subject").options}


def choose_period(at: AppTest, period: str) -> AppTest:
    box = at.selectbox(key="tpl_period")
    assert any(o.endswith(f"({period})") for o in box.options), box.options
    box.set_value(period).run()
    assert not at.exception, at.exception
    return at


def raw_markup(text: str) -> bool:
    """HTML tag, bold or link markup of HOSTILE that is not backslash-escaped."""
    return bool(re.search(r"(?<!\\)<img|(?<!\\)\*\*đậm|(?<!\\)\]\(javascript", text))


def markdown_texts(at: AppTest) -> list[str]:
    """Every element value Streamlit renders through Markdown."""
    out = [e.label for e in at.expander]
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "subheader"):
        out += [e.value for e in at.get(kind)]
    return out


# ------------------------------------------------------------------- 1. anonymous rendering


@pytest.mark.parametrize("which", ["shipped", "empty"])
def test_intake_page_anonymous_asks_to_sign_in(monkeypatch, request, which):
    data = request.getfixturevalue("shipped_copy" if which == "shipped" else "empty_data")
    at = open_page(monkeypatch, data, INTAKE)
    assert [t.value for t in at.title] == ["Nhập số liệu"]
    assert any(i.value.startswith("Cần đăng nhập") for i in at.info)
    assert "tpl_period" not in keys(at, "selectbox")
    assert not at.download_button and not at.file_uploader
    assert "import_commit" not in keys(at, "button")
    assert snapshots.current_id(data) in " ".join(c.value for c in at.caption)
    assert account_label(at) == f"Tài khoản: {md_escape('Khách (chỉ xem)')}"


@pytest.mark.parametrize("which", ["shipped", "empty"])
def test_history_page_anonymous_lists_snapshots_without_rollback(monkeypatch, request, which):
    data = request.getfixturevalue("shipped_copy" if which == "shipped" else "empty_data")
    at = open_page(monkeypatch, data, HISTORY)
    assert [t.value for t in at.title] == ["Lịch sử dữ liệu"]
    listing = [d.value for d in at.dataframe if "Bản dữ liệu" in d.value.columns][0]
    assert snapshots.current_id(data) in set(listing["Bản dữ liệu"])
    assert (listing[""] == "● hiện hành").sum() == 1
    assert any("Chỉ quản trị viên được khôi phục" in c.value for c in at.caption)
    assert "rb_go" not in keys(at, "button")
    assert not {"rb_target", "cmp_new"} & keys(at, "selectbox")  # one snapshot: nothing to compare
    assert not at.error


def test_both_pages_without_any_snapshot(monkeypatch, tmp_path):
    data = snapshots.DataDir(tmp_path / "nothing")
    data.root.mkdir()
    at = open_page(monkeypatch, data, INTAKE)
    assert "Chưa có bản dữ liệu nào" in at.error[0].value
    at.switch_page(HISTORY).run()
    sign_in(at, "boss")
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    assert "Cần ít nhất hai bản dữ liệu." in captions and "Không có bản nào khác để khôi phục." in captions
    assert "rb_go" not in keys(at, "button")


# ---------------------------------------------------------------------------------- 2. sign-in


def test_wrong_password_is_refused_and_stays_anonymous(monkeypatch, tiny_data):
    at = open_page(monkeypatch, tiny_data, INTAKE)
    submit_login(at, "ed", "không-phải-mật-khẩu")
    assert [e.value for e in at.sidebar.error] == ["Sai tên đăng nhập hoặc mật khẩu."]
    assert "_user" not in at.session_state
    assert account_label(at) == f"Tài khoản: {md_escape('Khách (chỉ xem)')}"
    assert "tpl_period" not in keys(at, "selectbox")
    at.run()  # the message is shown once
    assert not at.sidebar.error


def test_five_failures_lock_out_even_the_right_password(monkeypatch, tiny_data):
    at = open_page(monkeypatch, tiny_data, INTAKE)
    for _ in range(5):
        submit_login(at, "ed", "sai-mật-khẩu-rồi")
        assert [e.value for e in at.sidebar.error] == ["Sai tên đăng nhập hoặc mật khẩu."]
    submit_login(at, "ed", PASSWORD["ed"])
    assert "Đăng nhập sai quá nhiều lần" in at.sidebar.error[0].value
    assert "_user" not in at.session_state and "tpl_period" not in keys(at, "selectbox")
    clock = auth.THROTTLE.clock  # the lock is process-wide now (vlboard.intake.auth.Throttle), not per session
    monkeypatch.setattr(auth.THROTTLE, "clock", lambda: clock() + auth.LOCKOUT_SECONDS + 1)  # a minute later
    sign_in(at, "ed")
    assert "tpl_period" in keys(at, "selectbox")


def test_editor_of_a_ward_only_gets_its_own_template(monkeypatch, tiny_data):
    at = open_page(monkeypatch, tiny_data, INTAKE)
    sign_in(at, "ed")
    assert account_label(at) == f"Tài khoản: {md_escape('Cán bộ Phường 1')}"
    assert [t.value for t in at.sidebar.text] == ["Cán bộ Phường 1 (Cán bộ nhập liệu, địa bàn w1)"]
    assert not any(i.value.startswith("Cần đăng nhập") for i in at.info)
    choose_period(at, "2025-Q3")
    assert at.selectbox(key="tpl_period").value == "2025-Q3"
    assert subject_codes(at) == {"w1"}
    assert at.selectbox(key="tpl_subject").value == template.Subject("unit", "w1", "Phường 1")
    assert "upload_file" in keys(at, "file_uploader")


def test_editor_of_an_agency_only_gets_its_agency(monkeypatch, tiny_data):
    at = open_page(monkeypatch, tiny_data, INTAKE)
    sign_in(at, "vh")
    choose_period(at, "2025-Q3")
    assert subject_codes(at) == {"A-1"}


def test_admin_gets_every_subject(monkeypatch, tiny_data):
    at = open_page(monkeypatch, tiny_data, INTAKE)
    sign_in(at, "boss")
    choose_period(at, "2025-Q3")
    assert subject_codes(at) == {"w1", "w2", "A-1"}


def test_sign_out_drops_the_user(monkeypatch, tiny_data):
    at = open_page(monkeypatch, tiny_data, INTAKE)
    sign_in(at, "ed")
    at.sidebar.button(key="logout").click().run()
    assert "_user" not in at.session_state
    assert "tpl_period" not in keys(at, "selectbox")
    assert any(i.value.startswith("Cần đăng nhập") for i in at.info)


# ------------------------------------------------------------------------ 3. template download


def test_template_download_is_a_workbook_for_the_chosen_subject(monkeypatch, tiny_data, downloads):
    at = open_page(monkeypatch, tiny_data, INTAKE)
    sign_in(at, "ed")
    choose_period(at, "2025-Q3")
    button = at.download_button(key="tpl_download")
    assert button.label == "Tải mẫu Excel (1 chỉ tiêu)"
    wb = load_workbook(io.BytesIO(download_bytes(at, downloads, "tpl_download")))
    assert DATA_SHEET == "Số liệu" and DATA_SHEET in wb.sheetnames
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r[0]}
    assert (meta["scope_type"], meta["scope_code"], meta["period"]) == ("unit", "w1", "2025-Q3")
    codes = [r[0] for r in wb[DATA_SHEET].iter_rows(min_row=template.HEADER_ROW + 1, values_only=True) if r[0]]
    assert codes == ["C-01"]


# ------------------------------------------------- upload → preview → write (AppTest supports it)


def test_upload_preview_and_write_a_new_snapshot(monkeypatch, tiny_data, downloads):
    before = snapshots.current_id(tiny_data)
    at = open_page(monkeypatch, tiny_data, INTAKE)
    sign_in(at, "ed")
    choose_period(at, "2025-Q3")
    wb = load_workbook(io.BytesIO(download_bytes(at, downloads, "tpl_download")))  # the page's own template
    wb[DATA_SHEET].cell(template.HEADER_ROW + 1, template.TEMPLATE_KEYS.index("value") + 1, 80)
    buf = io.BytesIO()
    wb.save(buf)
    at.file_uploader(key="upload_file").set_value(("mau-w1.xlsx", buf.getvalue(), XLSX)).run()
    assert not at.exception and not at.error, (at.exception, at.error)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Mới": "0", "Thay đổi": "1", "Không đổi": "0", "Để trống": "0"}
    changes = [d.value for d in at.dataframe if "Giá trị mới" in d.value.columns][0]
    assert changes[["Mã chỉ tiêu", "Cơ quan / địa bàn", "Kỳ"]].values.tolist() == [["C-01", "w1", "2025-Q3"]]
    assert snapshots.current_id(tiny_data) == before, "nothing is written by the preview"

    at.button(key="import_commit").click().run()
    assert not at.exception and not at.error, (at.exception, at.error)
    after = snapshots.current_id(tiny_data)
    assert after != before
    assert any(md_escape("mau-w1.xlsx") in s.value and after in s.value and "1 thay đổi" in s.value for s in at.success)
    results = pq.read_table(snapshots.snapshot_dir(tiny_data, after) / "results.parquet").to_pandas()
    mine = results[(results.unit_code == "w1") & (results.period == "2025-Q3")]
    assert mine[["source", "value", "reported_by"]].values.tolist() == [["report", 80.0, "Cán bộ Phường 1"]]
    event = snapshots.events(tiny_data)[-1]
    assert (event["action"], event["user"], event["snapshot"], event["from"]) == ("import", "ed", after, before)
    imports = [d.value for d in at.dataframe if "Tài khoản" in d.value.columns][0]
    assert imports[["Tài khoản", "Tệp", "Thay đổi"]].values.tolist() == [["ed", "mau-w1.xlsx", 1]]

    # after a write the uploader is empty: no preview, no second write of the same file
    assert [u.value for u in at.file_uploader] == [None]
    assert not at.metric and "import_commit" not in keys(at, "button")
    at.run()
    assert not at.exception and snapshots.current_id(tiny_data) == after
    assert not at.success, "the confirmation is shown once"


def test_upload_for_another_ward_is_refused(monkeypatch, tiny_data):
    before = snapshots.current_id(tiny_data)
    content = filled_template(tiny_data, template.Subject("unit", "w2", "Phường 2"), "2025-Q3", 90)
    at = open_page(monkeypatch, tiny_data, INTAKE)
    sign_in(at, "ed")
    at.file_uploader(key="upload_file").set_value(("mau-w2.xlsx", content, XLSX)).run()
    assert not at.exception
    assert "chưa ghi gì" in at.error[0].value
    [problems] = [t.value for t in at.table if "Lỗi" in t.value.columns]
    assert len(problems) == 1 and "không được nhập số liệu của địa bàn w2" in problems["Lỗi"].iloc[0]
    assert not at.metric
    assert "import_commit" not in keys(at, "button")
    assert snapshots.current_id(tiny_data) == before


# ------------------------------------------------------------------------------- 4. history


def test_admin_compares_and_rolls_back(monkeypatch, two_snapshots):
    data, older, newer = two_snapshots
    at = open_page(monkeypatch, data, HISTORY)
    sign_in(at, "boss")
    assert at.selectbox(key="cmp_new").value == newer and at.selectbox(key="cmp_old").value == older
    assert any(c.value == "Thêm: 0 · Đổi: 1 · Bỏ: 0" for c in at.caption)
    target = at.selectbox(key="rb_target")
    assert target.options == [older], "only snapshots that are not live"
    target.set_value(older)
    at.text_input(key="rb_reason").set_value("số liệu nhập nhầm")
    at.run()
    assert at.button(key="rb_go").disabled, "nothing happens before the box is ticked"
    at.checkbox(key="rb_sure").check().run()
    assert not at.button(key="rb_go").disabled
    assert snapshots.current_id(data) == newer
    at.button(key="rb_go").click().run()
    assert not at.exception and not at.error, (at.exception, at.error)
    assert snapshots.current_id(data) == older
    rollbacks = [e for e in snapshots.events(data) if e.get("action") == "rollback"]
    assert [(e["user"], e["snapshot"], e["from"], e["summary"]) for e in rollbacks] == [
        ("boss", older, newer, "số liệu nhập nhầm")
    ]
    listing = [d.value for d in at.dataframe if "Bản dữ liệu" in d.value.columns][0]
    assert listing.loc[listing[""] == "● hiện hành", "Bản dữ liệu"].tolist() == [older]
    assert at.selectbox(key="rb_target").options == [newer], "the rollback can itself be undone"
    log = [
        d.value
        for d in at.dataframe
        if "Thao tác" in d.value.columns and "Người thực hiện" in d.value.columns and "Từ bản" in d.value.columns
    ][0]
    assert log.iloc[0]["Thao tác"] == "Khôi phục" and log.iloc[0]["Người thực hiện"] == "boss"
    assert [s.value for s in at.success] == [f"Đã khôi phục bản {older}; các trang dùng bản này ngay."]
    assert at.checkbox(key="rb_sure").value is False and at.button(key="rb_go").disabled, (
        "the next rollback asks for confirmation again"
    )


@pytest.mark.parametrize("who", ["ed", "vh"])
def test_editors_cannot_roll_back(monkeypatch, two_snapshots, who):
    data, older, newer = two_snapshots
    at = open_page(monkeypatch, data, HISTORY)
    sign_in(at, who)
    assert "rb_go" not in keys(at, "button") and "rb_target" not in keys(at, "selectbox")
    assert any("Chỉ quản trị viên được khôi phục" in c.value for c in at.caption)
    assert {"cmp_new", "cmp_old"} <= keys(at, "selectbox"), "comparing is open to everyone"
    assert snapshots.current_id(data) == newer


# ------------------------------------------------------------------- 5. allow_anonymous = false


@pytest.mark.parametrize("page", [None, INTAKE, HISTORY])
def test_closed_deployment_shows_nothing_to_anonymous_users(monkeypatch, tiny_data, page):
    """The data stays hidden whatever else happens."""
    monkeypatch.setenv("VLBOARD_DATA", str(tiny_data.root))
    monkeypatch.setenv("VLBOARD_SECRETS", str(tiny_data.root / "no-secrets.toml"))
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["vlboard"] = {"allow_anonymous": False, "accounts": ACCOUNTS}
    at.run()
    if page:
        at.switch_page(page).run()
    assert "Cần đăng nhập để xem bảng điều hành." in [i.value for i in at.info]
    assert not at.get("plotly_chart") and not at.dataframe and not at.metric
    assert "tpl_period" not in keys(at, "selectbox") and not at.file_uploader
    assert [t.value for t in at.title] == ["Chuyển đổi số Vĩnh Long"]


def test_closed_deployment_without_local_accounts(monkeypatch, tiny_data):
    at = open_page(monkeypatch, tiny_data, allow_anonymous=False, accounts={})
    assert "Cần đăng nhập để xem bảng điều hành." in [i.value for i in at.info]
    assert not at.get("plotly_chart") and not at.dataframe
    at.switch_page(HISTORY).run()
    assert not at.exception and not at.dataframe and "rb_go" not in keys(at, "button")


def test_closed_deployment_signs_in_from_the_sign_in_screen(monkeypatch, tiny_data):
    at = open_page(monkeypatch, tiny_data, allow_anonymous=False)
    assert "Cần đăng nhập để xem bảng điều hành." in [i.value for i in at.info]
    assert not at.get("plotly_chart")
    # wherever the fixed app draws the form (main area and/or sidebar): use the first one
    [user_box, *_] = [w for w in at.text_input if w.key and "login_user" in w.key]
    [password_box, *_] = [w for w in at.text_input if w.key and "login_password" in w.key]
    user_box.set_value("ed")
    password_box.set_value(PASSWORD["ed"])
    [button, *_] = [b for b in at.button if b.label == "Đăng nhập"]
    button.click().run()
    assert not at.exception, at.exception
    assert at.session_state["_user"].username == "ed"
    assert at.get("plotly_chart"), "the overview once signed in"
    assert "Cần đăng nhập để xem bảng điều hành." not in [i.value for i in at.info]


# ----------------------------------------------------------------------- 6. hostile names


def test_hostile_display_name_is_shown_literally(monkeypatch, tiny_data):
    at = open_page(monkeypatch, tiny_data, INTAKE)
    sign_in(at, "xss")
    label = account_label(at)
    assert label == f"Tài khoản: {md_escape(HOSTILE)}"
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in label and "\\*\\*đậm\\*\\*" in label
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in label
    assert [t.value for t in at.sidebar.text] == [f"{HOSTILE} (Cán bộ nhập liệu, địa bàn w1)"]  # st.text: no Markdown
    choose_period(at, "2025-Q3")
    assert not [t for t in markdown_texts(at) if raw_markup(t)]


def test_hostile_display_name_in_the_nothing_to_report_note(monkeypatch, tiny_data):
    accounts = {**ACCOUNTS, "xss": {**ACCOUNTS["xss"], "unit": "tp"}}  # the city reports nothing itself
    at = open_page(monkeypatch, tiny_data, INTAKE, accounts=accounts)
    sign_in(at, "xss")
    choose_period(at, "2025-Q3")
    notes = [i.value for i in at.info if i.value.startswith("Không có chỉ tiêu nào")]
    assert notes and "tpl_subject" not in keys(at, "selectbox")
    assert not [t for t in markdown_texts(at) if raw_markup(t)]


# ------------------------------------------------------------- the clerk's path, in Vietnamese


def test_search_without_diacritics_filters_the_subjects(monkeypatch, shipped_copy):
    at = open_page(monkeypatch, shipped_copy, INTAKE)
    sign_in(at, "boss")
    choose_period(at, "2026")
    everyone = subject_codes(at)
    from streamlit.proto.Selectbox_pb2 import Selectbox

    none = Selectbox.DESCRIPTOR.fields_by_name["filter_mode"].enum_type.values_by_name["FILTER_MODE_NONE"].number
    for key in ("tpl_period", "tpl_subject"):  # no typing in the pickers: no English «No results»
        assert at.selectbox(key=key).proto.filter_mode == none
    at.text_input(key="tpl_search").set_value("long chau").run()
    assert subject_codes(at) == {"x2025-29551"}  # «Phường Long Châu» typed without diacritics
    at.text_input(key="tpl_search").set_value("chu ky so").run()  # subjects reporting a «chữ ký số» indicator
    found = subject_codes(at)
    assert found and found < everyone
    src = Snapshot.current(shipped_copy)
    exp = src.q("expected_reports", period_type="year", period_end=dt.date(2026, 12, 31))
    names = dict(zip(src.q("indicator_list").code, src.q("indicator_list").name_vi))
    signing = {c for c, i in zip(exp.subject_code, exp.indicator_code) if "chữ ký số" in names[i].lower()}
    assert found == signing
    at.text_input(key="tpl_search").set_value("khong co noi nao nhu vay").run()
    assert "tpl_subject" not in keys(at, "selectbox")
    assert any("Không có cơ quan, phường/xã hay chỉ tiêu nào khớp" in w.value for w in at.warning)


def test_default_period_is_the_report_due_now_and_assumptions_are_said(monkeypatch, shipped_copy):
    monkeypatch.setattr(dt, "datetime", dt.datetime)  # the frozen clock of this module: 23/11/2026
    at = open_page(monkeypatch, shipped_copy, INTAKE)
    sign_in(at, "boss")
    assert at.selectbox(key="tpl_period").value in ("2026-Q3", "2025")  # before 01/12 the yearly 2026 is not open
    choose_period(at, "2026")
    at.text_input(key="tpl_search").set_value("long chau").run()
    assert any("giả định của bảng điều hành" in i.value for i in at.info)


def test_problem_table_names_the_indicator_and_preview_says_computed(monkeypatch, tiny_data, downloads):
    at = open_page(monkeypatch, tiny_data, INTAKE)
    sign_in(at, "ed")
    choose_period(at, "2025-Q3")
    wb = load_workbook(io.BytesIO(download_bytes(at, downloads, "tpl_download")))
    ws = wb[DATA_SHEET]
    ws.cell(template.HEADER_ROW + 1, template.TEMPLATE_KEYS.index("value") + 1, 140)
    buf = io.BytesIO()
    wb.save(buf)
    at.file_uploader(key="upload_file").set_value(("sai.xlsx", buf.getvalue(), XLSX)).run()
    [table] = at.table
    problems = table.value.reset_index()
    assert problems[["Dòng", "Mã chỉ tiêu", "Chỉ tiêu"]].values.tolist() == [
        ["6", md_escape("C-01"), md_escape("Tỷ lệ người dân có tài khoản")]
    ]
    ws.cell(template.HEADER_ROW + 1, template.TEMPLATE_KEYS.index("value") + 1).value = None
    ws.cell(template.HEADER_ROW + 1, template.TEMPLATE_KEYS.index("numerator") + 1, 45)
    ws.cell(template.HEADER_ROW + 1, template.TEMPLATE_KEYS.index("denominator") + 1, 60)
    buf = io.BytesIO()
    wb.save(buf)
    at.file_uploader(key="upload_file").set_value(("dung.xlsx", buf.getvalue(), XLSX)).run()
    assert not at.error, [e.value for e in at.error] + [t.value.to_string() for t in at.table]
    changes = [d.value for d in at.dataframe if "Giá trị mới" in d.value.columns][0]
    assert changes["Giá trị mới"].tolist() == ["75 (tính từ tử số / mẫu số)"]
    assert changes["Ghi chú lưu"].tolist() == ["Giá trị tính từ tử số / mẫu số (45 / 60)"]


def test_history_after_an_import_matches_the_preview(monkeypatch, shipped_copy):
    data = shipped_copy
    subject = template.Subject("unit", "x2025-29551", "Phường Long Châu")
    src = Snapshot.current(data)
    raw = template.write(subject, "2025", template.rows(src, subject, "2025"), snapshot_id=src.snapshot_id)
    wb = load_workbook(io.BytesIO(raw))
    ws = wb[DATA_SHEET]
    for r, v in ((6, 12.5), (7, 72.5)):
        ws.cell(r, template.TEMPLATE_KEYS.index("value") + 1, v)
    buf = io.BytesIO()
    wb.save(buf)
    from vlboard.intake import imports

    boss = auth.User("boss", "Quản trị hệ thống", "admin")
    pv = imports.preview(data, boss, "lc.xlsx", buf.getvalue(), today=dt.date(2026, 12, 5))
    assert not pv.problems and pv.counts()["changed"] == 2  # demo values replaced
    imports.commit(data, boss, pv)
    at = open_page(monkeypatch, data, HISTORY)
    assert not at.exception
    assert any(c.value == "Thêm: 0 · Đổi: 2 · Bỏ: 0" for c in at.caption)  # the preview's «2 thay đổi»
    diff = [d.value for d in at.dataframe if "Giá trị mới" in d.value.columns][0]
    assert sorted(diff["Giá trị mới"]) == ["12,5", "72,5"] and set(diff["Nguồn"]) == {"Minh họa → Báo cáo"}
    listing = [d.value for d in at.dataframe if "Số kết quả" in d.value.columns][0]
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*", v) for v in listing["Số kết quả"])  # 12.725, never 12725
    log = [d.value for d in at.dataframe if "Từ bản" in d.value.columns][0]
    assert not log.isin(["nan", "NaN", "None"]).any().any()


def test_login_form_has_no_english_enter_hint(monkeypatch, tiny_data):
    at = open_page(monkeypatch, tiny_data, INTAKE)
    [form] = list(at.sidebar.get("form"))
    assert form.proto.form.enter_to_submit is False
