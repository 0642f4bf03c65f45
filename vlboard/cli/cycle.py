"""``python -m vlboard submit | approve | return | reopen | cycle``: the reporting cycle (issue 19).

The actions run as a signed-in account (as ``import`` does: vlboard.cli.intake._user) and are
checked by vlboard.intake.cycle, the same layer the pages use. Exit codes: 0 done, 1 refused,
2 unknown period or subject, 3 not signed in.
"""

from __future__ import annotations

import sys

from vlboard.cli import ahead
from vlboard.cli.intake import _user
from vlboard.domain import cycle as rules
from vlboard.domain import formatting
from vlboard.domain.periods import label_vi, parse_period
from vlboard.intake import cycle
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

KINDS = {"unit": "địa bàn", "agency": "cơ quan"}


def _board(data: snapshots.DataDir, period: str):
    """(source, board) of the live snapshot for ``period``; prints why and returns None when the
    period is not a period or nobody reports for it."""
    try:
        parse_period(period)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return None
    try:
        src = Snapshot.current(data)
    except snapshots.SnapshotError as exc:
        print(exc, file=sys.stderr)
        return None
    b = cycle.board(src, period)
    if b.empty:
        print(f"Không có cơ quan hay địa bàn nào phải báo cáo {label_vi(period)} ({period}).", file=sys.stderr)
        return None
    return src, b


def cmd_act(args, data: snapshots.DataDir) -> int:
    kind, _, code = args.subject.partition(":")
    if kind not in KINDS or not code:
        print(f"Đối tượng «{args.subject}» không hợp lệ: dùng unit:MÃ_ĐỊA_BÀN hoặc agency:MÃ_CƠ_QUAN.", file=sys.stderr)
        return 2
    found = _board(data, args.period)
    if found is None:
        return 2
    src, b = found
    src.con.close()
    row = b[(b.subject_type == kind) & (b.subject_code == code)]
    if row.empty:
        print(
            f"{KINDS[kind].capitalize()} «{code}» không phải báo cáo {label_vi(args.period)} ({args.period}).",
            file=sys.stderr,
        )
        return 2
    user = _user(args)
    if user is None:
        return 3
    try:
        sid = cycle.act(
            data,
            user,
            args.action,
            kind,
            code,
            args.period,
            expected_state=row.state.iloc[0],
            reason=args.reason or "",
        )
    except (cycle.CycleRefused, snapshots.SnapshotError) as exc:
        print(exc, file=sys.stderr)
        return 1
    name = row.subject_name.iloc[0]
    to = rules.TRANSITIONS[(row.state.iloc[0], args.action)]
    print(f"{cycle.describe(args.action, name, args.period)}: «{rules.STATES[to]}». Bản dữ liệu mới {sid}")
    ahead.prepare(data, sid)
    return 0


def cmd_cycle(args, data: snapshots.DataDir) -> int:
    found = _board(data, args.period)
    if found is None:
        return 2
    src, b = found
    src.con.close()
    if args.state:
        b = b[b.state == args.state]
    print(f"Kỳ báo cáo {label_vi(args.period)}: {len(b)} đối tượng phải báo cáo")
    print(f"{'Đối tượng':<60} {'Hạn nộp':<10} {'Đã nhận':>9} {'Trạng thái':<10} {'Trễ':>8}  Thao tác cuối")
    for r in b.itertuples(index=False):
        who = f"{r.subject_name} ({r.subject_type}:{r.subject_code})"
        late = f"{r.days_late} ngày" if r.days_late else ""
        last = ""
        if r.last_user:
            last = f"{r.last_user}, {r.last_event_at:%d/%m/%Y %H:%M}" + (f" — {r.last_reason}" if r.last_reason else "")
        got = f"{formatting.number(r.received, 0)}/{formatting.number(r.expected, 0)}"
        print(f"{who:<60} {r.due_date:%d/%m/%Y} {got:>9} {r.state_label:<10} {late:>8}  {last}")
    return 0


def add_commands(sub, run) -> None:
    """Register the cycle sub-commands; ``run(fn)`` wraps a command taking (args, data)."""
    helps = {
        "submit": "nộp báo cáo một kỳ của một địa bàn hoặc cơ quan (cán bộ nhập liệu)",
        "approve": "duyệt báo cáo đã nộp (cán bộ thẩm định); báo cáo đã duyệt bị khóa",
        "return": "trả lại báo cáo đã nộp, kèm lý do (cán bộ thẩm định)",
        "reopen": "mở lại báo cáo đã duyệt, kèm lý do (quản trị viên)",
    }
    for action, text in helps.items():
        p = sub.add_parser(action, help=text)
        p.add_argument("--user", required=True, help="tài khoản (mật khẩu: $VLBOARD_PASSWORD hoặc nhập khi hỏi)")
        p.add_argument("--subject", required=True, help="unit:MÃ_ĐỊA_BÀN hoặc agency:MÃ_CƠ_QUAN")
        p.add_argument("--period", required=True, help="kỳ báo cáo, ví dụ 2026-Q3, 2025 hoặc 2026-09")
        p.add_argument("--reason", help="lý do (bắt buộc khi trả lại hoặc mở lại)")
        p.set_defaults(func=run(cmd_act), action=action)
    c = sub.add_parser("cycle", help="bảng kỳ báo cáo: ai phải nộp, hạn, trạng thái, số ngày trễ")
    c.add_argument("--period", required=True)
    c.add_argument("--state", choices=list(rules.STATES), help="chỉ các đối tượng ở trạng thái này")
    c.set_defaults(func=run(cmd_cycle))
