"""``python -m vlboard remind`` on a copy of the shipped data: configuration errors exit 1 with a
Vietnamese message, --dry-run prints the messages and sends nothing, a real run delivers to an
aiosmtpd server once. The reporting cycle (vlboard.intake.cycle, built in parallel) is stood in for by
a module returning a board frame of the contract's columns."""

from __future__ import annotations

import json
import shutil
import socket
import sys
import threading
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest
from aiosmtpd.controller import Controller

from tests.support import reminders as rs
from vlboard.cli import main
from vlboard.intake import sendlog
from vlboard.store import snapshots

NOW = "2026-10-13T08:00"  # 3 days after the 2026-Q3 due date: the clerk and the head


@pytest.fixture
def data(shipped_data, tmp_path):
    root = tmp_path / "data"
    shutil.copytree(shipped_data.root, root)
    return snapshots.DataDir(root)


@pytest.fixture
def cycle(monkeypatch):
    fake = types.ModuleType("vlboard.intake.cycle")
    calls: list[str] = []

    def board(src, period):
        calls.append(period)
        codes = src.q("indicator_list").code.tolist()[:2]
        return rs.board(rs.board_row(missing=", ".join(codes))) if period == "2026-Q3" else pd.DataFrame()

    fake.board = board  # type: ignore[attr-defined]
    fake.events = lambda src, period=None: pd.DataFrame()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vlboard.intake.cycle", fake)
    return calls


def _secrets(tmp_path, monkeypatch, text: str) -> None:
    path = tmp_path / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("VLBOARD_SECRETS", str(path))


def test_no_account_is_a_configuration_error(data, cycle, tmp_path, monkeypatch, capsys):
    _secrets(tmp_path, monkeypatch, "")
    assert main(["--data", str(data.root), "remind", "--now", NOW]) == 1
    err = capsys.readouterr().err
    assert "Chưa cấu hình cách gửi" in err and "[vlboard.smtp]" in err and "Traceback" not in err


def test_dry_run_prints_and_sends_nothing(data, cycle, tmp_path, monkeypatch, capsys):
    _secrets(tmp_path, monkeypatch, "")
    monkeypatch.setenv("VLBOARD_PUBLIC_URL", "https://cds.example.org/")
    assert main(["--data", str(data.root), "remind", "--dry-run", "--now", NOW]) == 0
    out = capsys.readouterr().out
    assert cycle == ["2026-Q4", "2026-Q3", "2026", "2025"]  # current and previous quarter and year
    assert "tới Nguyễn" not in out  # the shipped contacts, not the test's
    assert "tới Cán bộ đầu mối báo cáo – Xã Lục Sĩ Thành <clerk.x2025-29857@example.org>" in out
    assert "Tiêu đề: Báo cáo Quý III/2026 trễ hạn 3 ngày – Xã Lục Sĩ Thành" in out
    assert "https://cds.example.org/nhap-so-lieu?period=2026-Q3" in out
    assert "chưa có tên trong danh mục" not in out  # indicator names from the snapshot
    assert out.rstrip().endswith("Chạy thử (--dry-run): 2 tin sẽ được gửi; chưa gửi gì, chưa ghi nhật ký.")
    assert not sendlog.log_path(data.root).exists()


def test_real_run_sends_once(data, cycle, tmp_path, monkeypatch, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    got = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            got.append(envelope.rcpt_tos)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        _secrets(
            tmp_path, monkeypatch,
            f'[vlboard.smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nsender = "nhac@example.org"\n',
        )  # fmt: skip
        args = ["--data", str(data.root), "remind", "--period", "2026-Q3", "--now", NOW]
        assert main(args) == 0
        assert capsys.readouterr().out.startswith("Nhắc báo cáo: đã gửi 2 tin, lỗi 0 tin.")
        assert main(args) == 0
        assert capsys.readouterr().out.startswith("Nhắc báo cáo: đã gửi 0 tin, lỗi 0 tin.")
    finally:
        controller.stop()
    assert sorted(r[0] for r in got) == ["clerk.x2025-29857@example.org", "head.x2025-29857@example.org"]
    assert [r["status"] for r in sendlog.records(sendlog.log_path(data.root))] == ["sent", "sent"]


def test_bad_contacts_and_bad_period(data, cycle, tmp_path, monkeypatch, capsys):
    _secrets(tmp_path, monkeypatch, "")
    assert main(["--data", str(data.root), "remind", "--dry-run", "--period", "2026-Q5"]) == 1
    assert "Kỳ báo cáo không hợp lệ" in capsys.readouterr().err
    path = data.source / "contacts.csv"
    path.write_text(path.read_text(encoding="utf-8") + "unit,x2025-29857,clerk,A,sai-dia-chi,,\n", encoding="utf-8")
    assert main(["--data", str(data.root), "remind", "--dry-run", "--now", NOW]) == 1
    err = capsys.readouterr().err
    assert "cột email: «sai-dia-chi» không phải địa chỉ thư điện tử hợp lệ" in err and "Traceback" not in err


def test_without_the_cycle_module(data, tmp_path, monkeypatch, capsys):
    _secrets(tmp_path, monkeypatch, "")
    monkeypatch.setitem(sys.modules, "vlboard.intake.cycle", None)  # import raises ImportError
    assert main(["--data", str(data.root), "remind", "--dry-run", "--now", NOW]) == 1
    assert "thiếu mô-đun chu trình báo cáo" in capsys.readouterr().err


def test_a_second_run_while_one_sends_does_nothing(data, cycle, tmp_path, monkeypatch, capsys):
    _secrets(tmp_path, monkeypatch, '[vlboard.smtp]\nhost = "127.0.0.1"\nport = 9\nsender = "nhac@example.org"\n')
    log = sendlog.log_path(data.root)
    with sendlog.run_lock(log):
        assert main(["--data", str(data.root), "remind", "--period", "2026-Q3", "--now", NOW]) == 0
    assert "Một lần chạy nhắc báo cáo khác đang gửi" in capsys.readouterr().err
    assert not log.exists()


def test_a_contact_with_a_webhook_id_gets_a_post(data, cycle, tmp_path, monkeypatch, capsys):
    """The whole path: contacts.csv (webhook_id) → plan → dispatch → a real local HTTP server."""
    got: list[tuple[str, dict]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
            got.append((self.headers.get("Authorization"), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    path = data.source / "contacts.csv"
    text = path.read_text(encoding="utf-8")
    assert "clerk.x2025-29857@example.org,," in text
    path.write_text(text.replace("clerk.x2025-29857@example.org,,", "clerk.x2025-29857@example.org,zalo-29857,"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/nhac"
        _secrets(tmp_path, monkeypatch, f'[vlboard.webhook]\nurl = "{url}"\ntoken = "bi-mat"\n')
        args = ["--data", str(data.root), "remind", "--period", "2026-Q3", "--now", NOW]
        assert main(args) == 0
        assert capsys.readouterr().out.startswith("Nhắc báo cáo: đã gửi 1 tin, lỗi 0 tin.")
        assert main(args) == 0 and len(got) == 1  # once
    finally:
        server.shutdown()
        server.server_close()
    ((auth, body),) = got
    assert auth == "Bearer bi-mat" and body["recipient"] == "zalo-29857" and body["role"] == "clerk"
    assert body["title"] == "Báo cáo Quý III/2026 trễ hạn 3 ngày – Xã Lục Sĩ Thành"
    assert body["rule"] == "tre-han-3" and body["period"] == "2026-Q3" and body["subjects"] == []
    assert body["key"] == "tre-han-3|unit:x2025-29857|2026-Q3|webhook:zalo-29857"
    (rec,) = sendlog.records(sendlog.log_path(data.root))
    assert (rec["status"], rec["channel"], rec["to"]) == ("sent", "webhook", "zalo-29857")
