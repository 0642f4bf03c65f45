"""Reminders delivered for real: an aiosmtpd SMTP server on 127.0.0.1 (a random port) receives the
e-mails, read back with the standard ``email`` parser; a refusing and a down server make failures
that are logged and retried on the next run; a local http.server receives the webhook's JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import json
import socket
import threading
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest
from aiosmtpd.controller import Controller

from tests.support import reminders as rs
from vlboard.intake import delivery, dispatch, reminders, sendlog


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps every message; refuses every recipient while ``refuse`` is set."""

    def __init__(self):
        self.received: list[tuple[list[str], bytes]] = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 Hop thu khong ton tai"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, delivery.SmtpConfig("127.0.0.1", port, "none", "nhacbaocao@example.org", timeout=5)
    finally:
        controller.stop()


def _plan(now, log, board=None, events=None, channels=("email",)):
    state = sendlog.read(log)
    return reminders.plan(
        board if board is not None else rs.board(), rs.people(), rs.shipped_ladder(), now,
        done=state.done, failed=state.failed, names=rs.NAMES, base_url="http://localhost:8501",
        events=events, channels=channels,
    ).messages  # fmt: skip


def test_vietnamese_mail_arrives_intact_to_the_right_people(smtp_server, tmp_path):
    inbox, cfg = smtp_server
    log = tmp_path / "reminders.jsonl"
    messages = _plan(rs.at(3), log)
    summary = dispatch.run(messages, log, rs.at(3), quiet=False, smtp=cfg, webhook=None)
    assert (summary.sent, summary.failed) == (2, 0)
    assert sorted(rcpts[0] for rcpts, _ in inbox.received) == [
        "clerk.x2025-29857@example.org", "head.x2025-29857@example.org",
    ]  # fmt: skip
    for rcpts, raw in inbox.received:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        subject, body = str(parsed["Subject"]), parsed.get_content()
        assert subject == "Báo cáo Quý III/2026 trễ hạn 3 ngày – Xã Lục Sĩ Thành"
        assert unicodedata.is_normalized("NFC", subject) and unicodedata.is_normalized("NFC", body)
        assert (
            "IND-1: Tỷ lệ hồ sơ trực tuyến toàn trình" in body
            and "http://localhost:8501/nhap-so-lieu?period=2026-Q3" in body
        )
        assert "Ã" not in subject + body and "\ufffd" not in body  # no mojibake
        assert parsed["To"].addresses[0].addr_spec == rcpts[0]
        assert parsed["To"].addresses[0].display_name.startswith("Nguyễn Văn")
        assert parsed["From"].addresses[0].display_name == "Bảng điều hành CĐS Vĩnh Long"
        assert parsed.get_content_charset() == "utf-8"
    assert _plan(rs.at(3), log) == []  # a second run sends nothing again
    assert [r["status"] for r in sendlog.records(log)] == ["sent", "sent"]


def test_refused_then_retried_and_sent(smtp_server, tmp_path):
    inbox, cfg = smtp_server
    log = tmp_path / "reminders.jsonl"
    inbox.refuse = True
    first = dispatch.run(_plan(rs.at(0), log), log, rs.at(0), quiet=False, smtp=cfg, webhook=None)
    assert (first.sent, first.failed) == (0, 1) and inbox.received == []
    (rec,) = sendlog.records(log)
    assert rec["status"] == "failed" and "550" in rec["reason"] and "từ chối người nhận" in rec["reason"]
    assert "Tin lỗi sẽ được gửi lại ở lần chạy sau" in first.text()
    inbox.refuse = False
    again = _plan(rs.at(1), log)
    assert [m.retry for m in again] == [True]
    second = dispatch.run(again, log, rs.at(1), quiet=False, smtp=cfg, webhook=None)
    assert (second.sent, second.failed, second.retried_ok) == (1, 0, 1) and len(inbox.received) == 1
    assert "1 tin lỗi ở lần trước nay đã gửi được" in second.text()
    assert _plan(rs.at(2), log) == []


def test_down_server_fails_fast_then_sent_when_back(tmp_path):
    log = tmp_path / "reminders.jsonl"
    port = _free_port()  # nothing listens there
    down = delivery.SmtpConfig("127.0.0.1", port, "none", "nhacbaocao@example.org", timeout=3)
    messages = _plan(rs.at(3), log)
    summary = dispatch.run(messages, log, rs.at(3), quiet=False, smtp=down, webhook=None)
    assert (summary.sent, summary.failed) == (0, 2)
    assert {r["reason"] for r in sendlog.records(log)} == {"không kết nối được máy chủ (bị từ chối kết nối)"}
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        retry = _plan(rs.at(4), log)
        assert len(retry) == 2 and all(m.retry for m in retry)
        assert dispatch.run(retry, log, rs.at(4), quiet=False, smtp=down, webhook=None).sent == 2
    finally:
        controller.stop()
    assert len(inbox.received) == 2 and _plan(rs.at(4), log) == []


def test_the_offices_get_one_digest_mail_each(smtp_server, tmp_path):
    inbox, cfg = smtp_server
    log = tmp_path / "reminders.jsonl"
    late = rs.board(*[rs.board_row(f"x2025-0000{n}", f"Xã Số {n}") for n in range(1, 6)])
    messages = _plan(rs.at(7), log, board=late)
    assert [m.role for m in messages] == ["reviewer", "leader_office"]  # not 5 × 2
    summary = dispatch.run(messages, log, rs.at(7), quiet=False, smtp=cfg, webhook=None)
    assert (summary.sent, summary.failed) == (2, 0)
    assert sorted(r[0] for r, _ in inbox.received) == ["leader.vp@example.org", "reviewer.s-khcn@example.org"]
    for _, raw in inbox.received:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body = parsed.get_content()
        assert str(parsed["Subject"]) == "Tổng hợp báo cáo Quý III/2026: 5 đơn vị chưa nộp, trễ đến 7 ngày"
        assert all(
            f"  - Xã Số {n} (x2025-0000{n}): trễ 7 ngày, chưa nộp, còn thiếu 2/2 chỉ tiêu" in body for n in range(1, 6)
        )
        assert "http://localhost:8501/ky-bao-cao?ky=2026-Q3" in body
    assert _plan(rs.at(8), log, board=late) == []  # once per step, period and recipient
    assert sendlog.last_sent(log, "2026-Q3").keys() == {f"unit:x2025-0000{n}" for n in range(1, 6)}


class Hook(BaseHTTPRequestHandler):
    got: list[tuple[dict, str | None]] = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.got.append((json.loads(body.decode("utf-8")), self.headers.get("Authorization")))
        self.send_response(Hook.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook_server():
    Hook.got, Hook.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_receives_json(hook_server, tmp_path):
    log = tmp_path / "reminders.jsonl"
    book = rs.people()
    book[0] = dataclasses.replace(book[0], webhook_id="zalo-123")  # the clerk, with a messaging id
    state = sendlog.read(log)
    now = dt.datetime(2026, 10, 12, 9)
    evs = pd.DataFrame([rs.event("cyc-9", "return", now - dt.timedelta(hours=1), reason="Thiếu IND-2")])
    messages = reminders.plan(
        rs.board(rs.board_row(state="tra_lai")), book, rs.shipped_ladder(), now, done=state.done,
        failed=state.failed, names=rs.NAMES, base_url="http://localhost:8501", events=evs, channels=("webhook",),
    ).messages  # fmt: skip
    cfg = delivery.WebhookConfig(hook_server, token="bi-mat", timeout=5)
    summary = dispatch.run(messages, log, now, quiet=False, smtp=None, webhook=cfg)
    assert (summary.sent, summary.failed) == (2, 0)
    bodies = {p["rule"]: (p, auth) for p, auth in Hook.got}
    ret, auth = bodies["su-kien-return"]
    assert auth == "Bearer bi-mat" and ret["recipient"] == "zalo-123"
    assert ret["title"] == "Báo cáo Quý III/2026 của Xã Lục Sĩ Thành bị trả lại" and "Lý do: Thiếu IND-2" in ret["text"]
    assert bodies["den-han"][0]["link"] == "http://localhost:8501/nhap-so-lieu?period=2026-Q3"
    Hook.status = 500
    assert delivery.post_webhook(cfg, messages[0]) == "webhook trả lỗi HTTP 500"


def test_webhook_down_is_a_reason_not_a_crash(tmp_path):
    cfg = delivery.WebhookConfig(f"http://127.0.0.1:{_free_port()}/hook", timeout=3)
    (m,) = _plan(rs.at(0), tmp_path / "log.jsonl")
    why = delivery.post_webhook(cfg, m)
    assert why is not None and why.startswith("không gửi được tới webhook")


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"host": "mail", "security": "tls", "sender": "a@example.org"}, "security = «tls» không hợp lệ"),
        ({"host": "", "sender": "a@example.org"}, "thiếu host"),
        ({"host": "mail", "sender": "khong-co"}, "sender = «khong-co»"),
        ({"host": "mail", "sender": "a@example.org", "username": "u"}, "cần cả username và password"),
    ],
)
def test_bad_smtp_settings(section, message):
    with pytest.raises(delivery.DeliveryConfigError, match=message):
        delivery.smtp_config({"vlboard": {"smtp": section}})


def test_smtp_defaults_port_by_security():
    cfg = delivery.smtp_config({"vlboard": {"smtp": {"host": "mail", "security": "ssl", "sender": "a@example.org"}}})
    assert cfg is not None and cfg.port == 465
    assert delivery.smtp_config({}) is None and delivery.webhook_config({}) is None
