"""The import page in a real headless Chromium against the served app: a clerk signs in, downloads
the template, uploads it with mistakes (problems shown, nothing written), fixes it and writes it;
a clerk of another ward uploading the same file is refused through the same UI path."""

from __future__ import annotations

import datetime
import os
import shutil
import time

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from playwright.sync_api import expect

from tests.support.intake import FAST, fingerprint
from tests.support.served import ARTIFACTS, CHROMIUM, browser_page, served_process
from vlboard.domain.periods import parse_period, recent
from vlboard.intake import auth, imports, template
from vlboard.intake.template import TEMPLATE_KEYS
from vlboard.store import build, snapshots
from vlboard.store.source import Snapshot

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
    reason="Debian chromium not installed (make setup installs it)",
)
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def data(shipped_data, tmp_path, monkeypatch):
    d = snapshots.DataDir(tmp_path / "data")
    for sub in ("source", "documents", "geo"):
        shutil.copytree(shipped_data.root / sub, d.root / sub)
    build.build(d)
    h = auth.hash_password(PASSWORD, _hasher=FAST)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        f'[vlboard.accounts.lc]\nname = "Phường Long Châu"\nrole = "editor"\nunit = "x2025-29551"\npassword_hash = "{h}"\n'
        f'[vlboard.accounts.ph]\nname = "Phường Phước Hậu"\nrole = "editor"\nunit = "x2025-29557"\npassword_hash = "{h}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("VLBOARD_SECRETS", str(secrets))
    return d


def closed_quarter() -> str:
    today = datetime.datetime.now(imports.VN).date()
    return next(p for p in recent(today) if parse_period(p).end < today)


def default_period(data, user: auth.User) -> str:
    """What the page offers first to ``user``: the report due now (template.offered)."""
    today = datetime.datetime.now(imports.VN).date()
    return template.offered(Snapshot.current(data), today, user.may_import)[1]


def uploader_speaks_vietnamese(page) -> None:
    """Streamlit 1.67 writes «Upload» and «5MB per file» in English; the page's CSS hides them and
    shows Vietnamese instead (checked here, in Chromium, where the CSS really applies)."""
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    zone.wait_for(timeout=60_000)
    shown = zone.inner_text()  # rendered text: display:none is left out
    assert "Upload" not in shown, shown
    after = page.evaluate("""() => {
        const z = document.querySelector('[data-testid="stFileUploaderDropzone"]');
        const b = z.querySelector('button');
        const i = z.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span');
        return [getComputedStyle(b, '::after').content, getComputedStyle(i, '::after').content,
                getComputedStyle(i).fontSize];
    }""")
    assert after == ['"Chọn tệp"', '"Tối đa 5 MB mỗi tệp • XLSX, CSV"', "0px"], after


def sign_in(page, url, user):
    page.goto(f"{url}/nhap-so-lieu")
    page.wait_for_selector("text=Cần đăng nhập bằng tài khoản", timeout=90_000)
    page.get_by_text("Tài khoản: Khách").click()
    page.get_by_label("Tên đăng nhập").fill(user)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def click_for_download(page, button, tries: int = 3):
    """Click a download button until the browser gets the file: a click that lands while the run
    that drew the button is still finishing can hit a button not yet wired (seen once in 900
    tests on a busy machine); a user would click again, and so does the test, at most ``tries`` times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(tries):
        try:
            with page.expect_download(timeout=40_000) as dl:
                button.click()
            return dl
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            time.sleep(2)


def test_clerk_imports_through_the_page(data, tmp_path):
    with served_process(data.root) as (url, _), browser_page(1440, 1000) as page:
        sign_in(page, url, "lc")
        page.wait_for_selector("text=Tải mẫu Excel", timeout=120_000)  # default: the report due now
        time.sleep(1)
        uploader_speaks_vietnamese(page)
        button = page.get_by_role("button", name="Tải mẫu Excel")
        expect(button).to_be_enabled(timeout=60_000)
        time.sleep(2)  # the download button is wired once the run that drew it has finished
        dl = click_for_download(page, button)
        period = default_period(data, auth.User("lc", "Phường Long Châu", "editor", unit="x2025-29551"))
        assert dl.value.suggested_filename == f"mau-bao-cao-x2025-29551-{period}.xlsx"
        template = tmp_path / "mau.xlsx"
        dl.value.save_as(template)
        wb = load_workbook(template)
        ws = wb["Số liệu"]
        url_cell = get_column_letter(TEMPLATE_KEYS.index("evidence_url") + 1) + "7"  # after the explanation columns
        ws["F6"], ws["F7"], ws[url_cell] = 140, 88.5, "<script>alert(1)</script>"
        wb.save(tmp_path / "sai.xlsx")
        before = fingerprint(data)
        page.set_input_files("input[type=file]", str(tmp_path / "sai.xlsx"))
        page.wait_for_selector("text=Tệp có 2 lỗi; chưa ghi gì", timeout=90_000)
        expect(page.get_by_text("140 nằm ngoài 0–100 (chỉ tiêu tỷ lệ %)")).to_have_count(1, timeout=90_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "intake-problems.png"), full_page=True)
        assert fingerprint(data) == before
        ws["F6"], ws[url_cell] = 95, "https://vinhlong.gov.vn/bao-cao"
        wb.save(tmp_path / "dung.xlsx")
        page.set_input_files("input[type=file]", str(tmp_path / "dung.xlsx"))
        page.get_by_role("button", name="Ghi vào dữ liệu").click()
        page.wait_for_selector("text=Đã ghi tệp «dung.xlsx»", timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "intake-written.png"), full_page=True)
    sid, path, manifest = snapshots.current(data)
    assert manifest["action"] == "import" and manifest["author"] == "lc"
    import duckdb

    got = (
        duckdb.connect()
        .execute(
            "select indicator_code, value, source from read_parquet(?) where source = 'report' order by 1",
            [[str(f) for f in snapshots.data_files(path, "results")]],
        )
        .fetchall()
    )
    assert [(v, s) for _, v, s in got] == [(95.0, "report"), (88.5, "report")]


def test_clerk_of_another_ward_is_refused_in_the_page(data, tmp_path):
    from tests.support.intake import make_template

    content = make_template(data, ("unit", "x2025-29551", "Phường Long Châu"), closed_quarter())
    path = tmp_path / "long-chau.xlsx"
    path.write_bytes(content)
    wb = load_workbook(path)
    wb["Số liệu"]["F6"] = 91
    wb.save(path)
    before = fingerprint(data)
    with served_process(data.root) as (url, _), browser_page(1440, 1000) as page:
        sign_in(page, url, "ph")
        page.wait_for_selector("text=2. Tải tệp đã điền lên", timeout=90_000)
        page.set_input_files("input[type=file]", str(path))
        page.wait_for_selector("text=không được nhập số liệu của địa bàn x2025-29551", timeout=90_000)
        assert page.get_by_role("button", name="Ghi vào dữ liệu").count() == 0
    assert fingerprint(data) == before
