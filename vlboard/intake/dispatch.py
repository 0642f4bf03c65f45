"""One run of the reminders after planning: deliver each message (or hold it in quiet hours), write
every attempt to the send log, and count what happened for the summary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from vlboard.intake import delivery, sendlog
from vlboard.intake.reminders import Message


@dataclass
class Summary:
    sent: int = 0
    failed: int = 0
    quiet: int = 0
    retried_ok: int = 0  # failed on an earlier run, sent now
    failures: list[str] = field(default_factory=list)  # Vietnamese: recipient, title, why

    def text(self) -> str:
        parts = [f"đã gửi {self.sent} tin", f"lỗi {self.failed} tin"]
        if self.quiet:
            parts.append(f"hoãn {self.quiet} tin vì đang trong giờ yên lặng (gửi ở lần chạy sau)")
        head = "Nhắc báo cáo: " + ", ".join(parts) + "."
        if self.retried_ok:
            head += f" Trong đó {self.retried_ok} tin lỗi ở lần trước nay đã gửi được."
        if self.failures:
            head += " Tin lỗi sẽ được gửi lại ở lần chạy sau:\n" + "\n".join(f"- {f}" for f in self.failures)
        return head


def _record(m: Message, status: str, at: dt.datetime, reason: str | None = None) -> dict:
    rec = {
        "at": at.isoformat(timespec="seconds"),
        "key": m.key,
        "status": status,
        "rule": m.rule,
        "subject": f"{m.subject_type}:{m.subject_code}",
        "period": m.period,
        "channel": m.channel,
        "to": m.address,
        "title": m.title,
    }
    if m.subjects:  # a digest: the subjects it named
        rec["subjects"] = m.subject_keys()
    return rec | ({"reason": reason} if reason else {})


def run(
    messages: list[Message],
    log: Path,
    now: dt.datetime,
    *,
    quiet: bool,
    smtp: delivery.SmtpConfig | None,
    webhook: delivery.WebhookConfig | None,
) -> Summary:
    """Deliver (unless ``quiet``) and log every message; never raises for a delivery."""
    summary = Summary()
    if quiet:
        sendlog.append(log, [_record(m, "skipped_quiet", now) for m in messages])
        summary.quiet = len(messages)
        return summary
    results: dict[str, str | None] = {}
    emails = [m for m in messages if m.channel == "email"]
    hooks = [m for m in messages if m.channel == "webhook"]
    if emails:
        results |= (
            delivery.send_emails(smtp, emails)
            if smtp
            else dict.fromkeys([m.key for m in emails], "chưa cấu hình máy chủ thư ([vlboard.smtp])")
        )
    if hooks:
        results |= (
            delivery.send_webhooks(webhook, hooks)
            if webhook
            else dict.fromkeys([m.key for m in hooks], "chưa cấu hình webhook ([vlboard.webhook])")
        )
    recs = []
    for m in messages:
        why = results.get(m.key, "không gửi được")
        recs.append(_record(m, "failed" if why else "sent", now, why))
        if why:
            summary.failed += 1
            summary.failures.append(f"{m.name} <{m.address}> ({m.channel}): «{m.title}»: {why}")
        else:
            summary.sent += 1
            summary.retried_ok += m.retry
    sendlog.append(log, recs)
    return summary


def dry_run_text(messages: list[Message], quiet: bool) -> str:
    """What --dry-run prints: every message exactly as it would be sent, then the count."""
    blocks = []
    for n, m in enumerate(messages, start=1):
        how = "thư điện tử" if m.channel == "email" else "webhook"
        again = " (gửi lại: lần trước lỗi)" if m.retry else ""
        blocks.append(
            f"--- Tin {n}/{len(messages)}{again}: {how} tới {m.name} <{m.address}> [{m.rule}, {m.period}]\n"
            f"Tiêu đề: {m.title}\n\n{m.body}\n"
        )
    tail = f"Chạy thử (--dry-run): {len(messages)} tin sẽ được gửi; chưa gửi gì, chưa ghi nhật ký."
    if quiet and messages:
        tail += " Lưu ý: lúc này đang trong giờ yên lặng, lần chạy thật sẽ hoãn các tin này."
    return "\n".join(blocks + [tail])
