"""«Kỳ báo cáo» in a real headless Chromium against the served app on the shipped catalogue: a
ward clerk signs in and submits its Quý III/2026 report, a reviewer signs in and approves it, the
board then counts it approved; both pages photographed at three screen sizes (artifacts/)."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from playwright.sync_api import expect

from tests.support.intake import FAST, report_one
from tests.support.served import ARTIFACTS, CHROMIUM, browser_page, served_process
from vlboard.intake import auth, cycle
from vlboard.store import build, snapshots
from vlboard.store.source import Snapshot

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
    reason="Debian chromium not installed (make setup installs it)",
)
PASSWORD = "mat-khau-thu-nghiem"
P = "2026-Q3"
SIZES = [(1920, 1080), (1366, 768), (390, 844)]


@pytest.fixture
def data(shipped_data, tmp_path, monkeypatch):
    d = snapshots.DataDir(tmp_path / "data")
    for sub in ("source", "documents", "geo"):
        shutil.copytree(shipped_data.root / sub, d.root / sub)
    build.build(d)
    row = cycle.board(Snapshot.current(d), P).set_index("subject_code").loc["x2025-29551"]
    subject = ("unit", "x2025-29551", row.subject_name)  # one value: a subject with none may not submit
    report_one(d, subject, P, row.missing.split(", ")[0], 1, dt.date(2026, 10, 20))
    h = auth.hash_password(PASSWORD, _hasher=FAST)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        f'[vlboard.accounts.lc]\nname = "Phường Long Châu"\nrole = "editor"\nunit = "x2025-29551"\npassword_hash = "{h}"\n'
        f'[vlboard.accounts.td]\nname = "Sở KH&CN"\nrole = "reviewer"\npassword_hash = "{h}"\n'
        f'[vlboard.accounts.qt]\nname = "Quản trị"\nrole = "admin"\npassword_hash = "{h}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("VLBOARD_SECRETS", str(secrets))
    return d


def sign_in(
    page, url: str, user: str, path: str = f"ky-bao-cao?ky={P}", wait: str = "Nộp, duyệt, trả lại, mở lại"
) -> None:
    page.goto(f"{url}/{path}")
    page.get_by_text("Tài khoản: Khách").click(timeout=120_000)
    page.get_by_label("Tên đăng nhập").fill(user)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text(wait, exact=True).first.wait_for(timeout=120_000)


def metric(page, label: str):
    return (
        page.locator('[data-testid="stMetric"]').filter(has_text=label).first.locator('[data-testid="stMetricValue"]')
    )


def state(data) -> str:
    b = cycle.board(Snapshot.current(data), P)
    return b[b.subject_code == "x2025-29551"].state.iloc[0]


def test_clerk_submits_and_reviewer_approves(data):
    out = ARTIFACTS / "cycle"
    out.mkdir(parents=True, exist_ok=True)
    with served_process(data.root) as (url, _):
        with browser_page(1440, 1000) as page:
            sign_in(page, url, "lc")
            expect(metric(page, "Phải báo cáo")).to_have_text("6", timeout=60_000)
            page.get_by_role("button", name="Nộp", exact=True).click()
            page.get_by_text("Nộp báo cáo Quý III/2026 của Phường Long Châu: đã ghi.").wait_for(timeout=90_000)
            assert state(data) == "da_nop"
            expect(metric(page, "Chờ duyệt")).to_have_text("1", timeout=60_000)
        with browser_page(1440, 1000) as page:
            sign_in(page, url, "td")
            page.get_by_role("button", name="Duyệt", exact=True).click()
            page.get_by_text("Duyệt báo cáo Quý III/2026 của Phường Long Châu: đã ghi.").wait_for(timeout=90_000)
            expect(metric(page, "Đã duyệt")).to_have_text("1", timeout=60_000)
            expect(metric(page, "Tỷ lệ nộp báo cáo")).to_have_text("16,7%")
            assert state(data) == "da_duyet"
            shoot(page, out, "ky-bao-cao-tham-dinh")  # signed in: the board and the action form
        with browser_page(1440, 1000) as page:
            for real in ("", "&source=real"):
                for w, h in SIZES:
                    page.set_viewport_size({"width": w, "height": h})
                    page.goto(f"{url}/ky-bao-cao?ky={P}{real}")
                    page.get_by_text("Nộp, duyệt, trả lại, mở lại").wait_for(timeout=120_000)
                    page.wait_for_timeout(1500)
                    page.screenshot(
                        path=str(out / f"ky-bao-cao-{'real' if real else 'all'}-{w}x{h}.png"), full_page=True
                    )
        for who in ("td", "lc"):
            with browser_page(1440, 1000) as page:
                label = {"td": "Báo cáo chờ duyệt", "lc": "Báo cáo phải nộp"}[who]
                sign_in(page, url, who, "viec-cua-toi?source=real", label)
                shoot(page, out, f"viec-cua-toi-{who}")


def act(url: str, user: str, button: str, done: str, reason: str | None = None) -> None:
    """Sign in as ``user`` on «Kỳ báo cáo», (type the reason,) press ``button``, wait for ``done``."""
    with browser_page(1440, 1000) as page:
        sign_in(page, url, user)
        if reason is not None:
            page.get_by_label("Lý do (bắt buộc khi trả lại hoặc mở lại)").fill(reason)
        page.get_by_role("button", name=button, exact=True).click()
        page.get_by_text(done).wait_for(timeout=90_000)


def marked(page, url: str, path: str, wait: str) -> bool:
    """Whether the page at ``path`` says «chưa duyệt» anywhere once ``wait`` is shown."""
    page.goto(f"{url}/{path}")
    page.get_by_text(wait).first.wait_for(timeout=120_000)
    page.wait_for_timeout(2500)
    return "chưa duyệt" in page.inner_text("body")


def test_the_whole_loop_return_resubmit_approve_reopen(data):
    """Issue 19's loop as its users meet it: the clerk submits, the reviewer returns it with a reason,
    the clerk corrects the value and submits again, the reviewer approves (the indicator page and the
    wall, real figures only, drop their «chưa duyệt» mark), an admin reopens it with a reason, the
    clerk changes the value and the board counts the change since approval."""
    b = cycle.board(Snapshot.current(data), P).set_index("subject_code").loc["x2025-29551"]
    src = Snapshot.current(data)
    code = src.con.sql(
        "select indicator_code from results where source = 'report' and unit_code = 'x2025-29551'"
    ).fetchall()[0][0]
    subject = ("unit", "x2025-29551", b.subject_name)
    who = f"Quý III/2026 của {b.subject_name}: đã ghi."
    with served_process(data.root) as (url, _):
        act(url, "lc", "Nộp", f"Nộp báo cáo {who}")
        with browser_page(1920, 1080) as page:
            assert marked(page, url, f"chi-tiet?code={code}&source=real&period={P}", "Triển vọng đến hạn")
            assert marked(page, url, "ioc?source=real&rotate=600", "Chuyển đổi số tỉnh Vĩnh Long")
        act(url, "td", "Trả lại", f"Trả lại báo cáo {who}", reason="Số liệu <b>chưa</b> khớp biên bản")
        assert state(data) == "tra_lai"
        with browser_page(1440, 1000) as page:
            sign_in(page, url, "lc")
            expect(page.get_by_text("Trả lại").first).to_be_visible()
        report_one(data, subject, P, code, 2, dt.date(2026, 10, 25))  # the clerk's corrected file
        act(url, "lc", "Nộp", f"Nộp báo cáo {who}")
        act(url, "td", "Duyệt", f"Duyệt báo cáo {who}")
        assert state(data) == "da_duyet"
        with browser_page(1920, 1080) as page:
            assert not marked(page, url, f"chi-tiet?code={code}&source=real&period={P}", "Triển vọng đến hạn")
            assert not marked(page, url, "ioc?source=real&rotate=600", "Chuyển đổi số tỉnh Vĩnh Long")
        act(url, "qt", "Mở lại", f"Mở lại báo cáo {who}", reason="Sở Tài chính đề nghị điều chỉnh")
        report_one(data, subject, P, code, 3, dt.date(2026, 11, 2))
        with browser_page(1440, 1000) as page:
            page.goto(f"{url}/ky-bao-cao?ky={P}")
            page.get_by_text("1 giá trị đã thay đổi từ khi duyệt").wait_for(timeout=120_000)
    assert state(data) == "mo_lai"


def shoot(page, out, name: str) -> None:
    for w, h in SIZES:
        page.set_viewport_size({"width": w, "height": h})
        page.wait_for_timeout(1500)
        page.screenshot(path=str(out / f"{name}-{w}x{h}.png"), full_page=True)
