"""Delivering reminders: e-mail over SMTP (smtplib) and a generic JSON webhook (urllib).

The accounts are in the secrets file (vlboard.intake.auth.load_secrets_file):

    [vlboard.smtp]      host, port, security (none | starttls | ssl), username, password, sender
    [vlboard.webhook]   url, token (optional: sent as «Authorization: Bearer <token>»)

Nothing here raises for a delivery: every failure (server down, refused recipient, timeout, HTTP
error) becomes a Vietnamese reason for the send log, and the message is retried on the next run.
"""

from __future__ import annotations

import contextlib
import json
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from vlboard.intake.reminders import Message

SECURITY_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
TIMEOUT = 15.0
MAX_WEBHOOK_DOWN = 3  # consecutive connection failures after which the rest of the run is not tried


class DeliveryConfigError(Exception):
    """Vietnamese message naming the secrets entry that is wrong."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str
    sender: str
    username: str = ""
    password: str = ""
    timeout: float = TIMEOUT


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    token: str = ""
    timeout: float = TIMEOUT


def _section(secrets: dict, name: str) -> dict | None:
    value = secrets.get("vlboard", {}).get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise DeliveryConfigError(f"Mục [vlboard.{name}] trong tệp bí mật phải là một bảng.")
    return value


def smtp_config(secrets: dict) -> SmtpConfig | None:
    """[vlboard.smtp] checked; None when the section is absent."""
    raw = _section(secrets, "smtp")
    if raw is None:
        return None
    security = str(raw.get("security", "starttls"))
    if security not in SECURITY_PORTS:
        raise DeliveryConfigError(
            f"[vlboard.smtp] security = «{security}» không hợp lệ (dùng none, starttls hoặc ssl)."
        )
    host, sender = str(raw.get("host", "")).strip(), str(raw.get("sender", "")).strip()
    if not host:
        raise DeliveryConfigError("[vlboard.smtp] thiếu host (máy chủ thư).")
    if "@" not in sender:
        raise DeliveryConfigError(f"[vlboard.smtp] sender = «{sender}» không phải địa chỉ thư điện tử.")
    port = raw.get("port", SECURITY_PORTS[security])
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise DeliveryConfigError(f"[vlboard.smtp] port = «{port}» phải là số cổng từ 1 đến 65535.")
    user, password = str(raw.get("username", "")), str(raw.get("password", ""))
    if bool(user) != bool(password):
        raise DeliveryConfigError("[vlboard.smtp] cần cả username và password (hoặc bỏ cả hai).")
    return SmtpConfig(host, port, security, sender, user, password, float(raw.get("timeout", TIMEOUT)))


def webhook_config(secrets: dict) -> WebhookConfig | None:
    """[vlboard.webhook] checked; None when the section is absent."""
    raw = _section(secrets, "webhook")
    if raw is None:
        return None
    url = str(raw.get("url", "")).strip()
    if not url.startswith(("http://", "https://")):
        raise DeliveryConfigError(f"[vlboard.webhook] url = «{url}» phải bắt đầu bằng http:// hoặc https://.")
    return WebhookConfig(url, str(raw.get("token", "")), float(raw.get("timeout", TIMEOUT)))


def email_message(m: Message, sender: str) -> EmailMessage:
    """The message with UTF-8 headers and body (the name is encoded, the address kept as is)."""
    msg = EmailMessage()
    msg["Subject"] = m.title
    msg["From"] = Address("Bảng điều hành CĐS Vĩnh Long", addr_spec=sender)
    msg["To"] = Address(m.name, addr_spec=m.address)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    msg["X-Vlboard-Key"] = m.key
    msg.set_content(m.body, charset="utf-8")
    return msg


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [
            f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
            for code, text in exc.recipients.values()
        ]
        return f"máy chủ thư từ chối người nhận ({'; '.join(codes)})"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"máy chủ thư trả lỗi {exc.smtp_code} ({text})"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "máy chủ thư ngắt kết nối"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "hết thời gian chờ máy chủ"
    if isinstance(exc, ConnectionRefusedError):
        return "không kết nối được máy chủ (bị từ chối kết nối)"
    if isinstance(exc, ssl.SSLError):
        return f"lỗi TLS/SSL ({exc.reason or exc})"
    if isinstance(exc, OSError):
        return f"lỗi mạng ({exc.strerror or exc})"
    return f"lỗi không xác định ({type(exc).__name__})"


def _connect(cfg: SmtpConfig) -> smtplib.SMTP:
    if cfg.security == "ssl":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(
            cfg.host, cfg.port, timeout=cfg.timeout, context=ssl.create_default_context()
        )
    else:
        conn = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        if cfg.security == "starttls":
            conn.starttls(context=ssl.create_default_context())
    if cfg.username:
        conn.login(cfg.username, cfg.password)
    return conn


def send_emails(cfg: SmtpConfig, messages: Iterable[Message]) -> dict[str, str | None]:
    """key → None (accepted by the server) or the reason it failed. One connection for the batch,
    opened again once if the server drops it; when it cannot be opened every message fails with why."""
    out: dict[str, str | None] = {}
    conn: smtplib.SMTP | None = None
    down: str | None = None
    for m in messages:
        if down:
            out[m.key] = down
            continue
        for attempt in (1, 2):
            try:
                if conn is None:
                    conn = _connect(cfg)
                conn.send_message(email_message(m, cfg.sender))
                out[m.key] = None
                break
            except smtplib.SMTPServerDisconnected as exc:
                conn = None
                out[m.key] = _reason(exc)
            except (smtplib.SMTPException, OSError) as exc:
                out[m.key] = _reason(exc)
                if conn is None:  # could not connect: the rest would fail the same way
                    down = out[m.key]
                break
            if attempt == 2:
                down = out[m.key]
    if conn is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            conn.quit()
    return out


def post_webhook(cfg: WebhookConfig, m: Message) -> str | None:
    """POST the message's JSON; None on a 2xx answer, else the reason."""
    body = json.dumps(m.payload(), ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "vlboard-remind"}
    if cfg.token:
        headers["Authorization"] = f"Bearer {cfg.token}"
    req = urllib.request.Request(cfg.url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=cfg.timeout) as resp:
            resp.read(4096)
            return None
    except urllib.error.HTTPError as exc:
        return f"webhook trả lỗi HTTP {exc.code}"
    except urllib.error.URLError as exc:
        return f"không gửi được tới webhook: {_reason(exc.reason) if isinstance(exc.reason, BaseException) else exc.reason}"
    except (OSError, ValueError) as exc:
        return f"không gửi được tới webhook: {_reason(exc)}"


def send_webhooks(cfg: WebhookConfig, messages: Iterable[Message]) -> dict[str, str | None]:
    """key → None or the reason; after MAX_WEBHOOK_DOWN connection failures in a row the rest fail
    with the same reason instead of each waiting for its timeout."""
    out: dict[str, str | None] = {}
    down_in_row, last = 0, ""
    for m in messages:
        if down_in_row >= MAX_WEBHOOK_DOWN:
            out[m.key] = last
            continue
        out[m.key] = why = post_webhook(cfg, m)
        down_in_row = down_in_row + 1 if why and "HTTP" not in why else 0
        last = why or last
    return out
