"""The Vietnamese subject line and body of each reminder and event notification (pure, NFC)."""

from __future__ import annotations

import datetime as dt

from vlboard.domain import formatting
from vlboard.domain.periods import label_vi
from vlboard.domain.textnorm import nfc

MAX_LISTED = 40  # missing indicators listed one per line; the rest are counted
FOOTER = (
    "Thư này do bảng điều hành chuyển đổi số tỉnh Vĩnh Long gửi tự động; xin không trả lời thư này. "
    "Cần hỗ trợ, liên hệ cán bộ thẩm định của Sở Khoa học và Công nghệ."
)


def template_link(base_url: str, period: str) -> str:
    """The intake page for the period, where the clerk downloads the template and uploads it."""
    return f"{base_url.rstrip('/')}/nhap-so-lieu?period={period}"


def board_link(base_url: str, period: str) -> str:
    """The page «Kỳ báo cáo» of the period, where the reviewer sees the board."""
    return f"{base_url.rstrip('/')}/ky-bao-cao?ky={period}"


def _when(offset: int, due: dt.date) -> str:
    day = formatting.date(due)
    if offset < 0:
        return f"còn {-offset} ngày đến hạn nộp {day}"
    if offset == 0:
        return f"hôm nay ({day}) là hạn nộp"
    return f"đã trễ hạn {offset} ngày (hạn nộp {day})"


def _missing_lines(missing: str, names: dict[str, str]) -> list[str]:
    codes = [c.strip() for c in (missing or "").split(",") if c.strip()]
    lines = [f"  - {c}: {names.get(c, 'chưa có tên trong danh mục')}" for c in codes[:MAX_LISTED]]
    if len(codes) > MAX_LISTED:
        lines.append(f"  … và {len(codes) - MAX_LISTED} chỉ tiêu khác (xem trên trang nhập số liệu).")
    return lines


def step(row: dict, offset: int, recipient: str, names: dict[str, str], link: str) -> tuple[str, str]:
    """(subject line, body) of a ladder reminder about one subject × period not yet submitted."""
    label, subject = label_vi(row["period"]), row["subject_name"]
    when = _when(offset, row["due_date"])
    if offset <= 0:
        title = f"Nhắc báo cáo {label}: {when} – {subject}"
    else:
        title = f"Báo cáo {label} trễ hạn {offset} ngày – {subject}"
    expected, received = int(row["expected"]), int(row["received"])
    lines = [f"Kính gửi {recipient},", "", f"{subject} chưa nộp báo cáo {label}: {when}."]
    lines.append(f"Trạng thái hiện tại: {row.get('state_label') or 'Chưa nộp'}.")
    if row.get("state") == "tra_lai" and row.get("last_reason"):
        lines.append(f"Báo cáo đã bị trả lại với lý do: {row['last_reason']}")
    missing = _missing_lines(row.get("missing") or "", names)
    if missing:
        lines += [
            "",
            f"Đã có số liệu {formatting.number(received, 0)}/{formatting.number(expected, 0)} chỉ tiêu; "
            f"còn thiếu {formatting.number(expected - received, 0)} chỉ tiêu:",
            *missing,
        ]
    else:
        lines += ["", "Đã có đủ số liệu các chỉ tiêu; chỉ còn bước nộp báo cáo trên trang nhập số liệu."]
    lines += ["", f"Tải biểu mẫu và nộp số liệu tại: {link}", "", FOOTER]
    return nfc(title), nfc("\n".join(lines))


def event(row: dict, subject: str, recipient: str, link: str) -> tuple[str, str]:
    """(subject line, body) of a notification about one cycle event (submit, return, approve)."""
    label, action = label_vi(row["period"]), row["action"]
    at = row.get("at")
    when = f" lúc {at:%H:%M} ngày {formatting.date(at)}" if isinstance(at, dt.datetime) else ""
    who = row.get("username") or "không rõ"
    if action == "submit":
        title = f"{subject} đã nộp báo cáo {label}: chờ thẩm định"
        text = f"{subject} đã nộp báo cáo {label}{when} (người nộp: {who}). Đề nghị thẩm định và duyệt hoặc trả lại."
    elif action == "return":
        title = f"Báo cáo {label} của {subject} bị trả lại"
        reason = row.get("reason") or "không ghi lý do"
        text = (
            f"Báo cáo {label} của {subject} đã bị trả lại{when} (người thẩm định: {who}).\n"
            f"Lý do: {reason}\nĐề nghị chỉnh sửa số liệu và nộp lại."
        )
    else:
        title = f"Báo cáo {label} của {subject} đã được duyệt"
        text = f"Báo cáo {label} của {subject} đã được duyệt{when} (người duyệt: {who}). Số liệu kỳ này đã khóa."
    body = "\n".join([f"Kính gửi {recipient},", "", text, "", f"Xem tại: {link}", "", FOOTER])
    return nfc(title), nfc(body)


def digest(items: list[tuple[dict, int]], period: str, recipient: str, link: str) -> tuple[str, str]:
    """(subject line, body) of the digest to an office (reviewer, leader's office): every subject of
    ``items`` (board row, days from the due date), one line each, with days late and values missing."""
    label, n = label_vi(period), len(items)
    worst = max(offset for _, offset in items)
    title = f"Tổng hợp báo cáo {label}: {formatting.number(n, 0)} đơn vị chưa nộp, trễ đến {worst} ngày"
    dues = {row["due_date"] for row, _ in items}
    due = f" (hạn nộp {formatting.date(next(iter(dues)))})" if len(dues) == 1 else ""
    lines = [f"Kính gửi {recipient},", "", f"{formatting.number(n, 0)} đơn vị chưa nộp báo cáo {label}{due}:"]
    for row, offset in items:
        expected, received = int(row["expected"]), int(row["received"])
        late = f"trễ {offset} ngày" if offset > 0 else ("đến hạn hôm nay" if offset == 0 else f"còn {-offset} ngày")
        state = row.get("state_label") or "Chưa nộp"
        lines.append(
            f"  - {row['subject_name']} ({row['subject_code']}): {late}, {state.lower()}, "
            f"còn thiếu {formatting.number(expected - received, 0)}/{formatting.number(expected, 0)} chỉ tiêu"
        )
    lines += ["", f"Xem và đôn đốc tại: {link}", "", FOOTER]
    return nfc(title), nfc("\n".join(lines))
