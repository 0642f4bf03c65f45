"""``python -m vlboard directive issue | note | done | reopen | list``: leaders' directives (issue 20).

The actions run as a signed-in account (as ``import`` does: vlboard.cli.intake._user) and are
checked by vlboard.intake.directives, the same layer the page «Chỉ đạo» uses. Exit codes: 0 done,
1 refused, 2 bad input or unknown directive, 3 not signed in.
"""

from __future__ import annotations

import datetime as dt
import sys

from vlboard.board import directives as frames
from vlboard.cli.intake import _user
from vlboard.domain import directives as rules
from vlboard.intake import directives as dirs
from vlboard.intake.imports import VN
from vlboard.store import snapshots
from vlboard.store.source import Snapshot


def _date(text: str) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def cmd_issue(args, data: snapshots.DataDir) -> int:
    kind, _, code = args.target.partition(":")
    if kind not in rules.TARGETS or not code:
        print(
            f"Đối tượng «{args.target}» không hợp lệ: dùng indicator:MÃ_CHỈ_TIÊU, agency:MÃ_CƠ_QUAN hoặc unit:MÃ_ĐỊA_BÀN.",
            file=sys.stderr,
        )
        return 2
    deadline = _date(args.deadline)
    if deadline is None:
        print(f"Hạn xử lý «{args.deadline}» không phải ngày (dd/mm/yyyy).", file=sys.stderr)
        return 2
    user = _user(args)
    if user is None:
        return 3
    try:
        sid, did = dirs.issue(
            data,
            user,
            target_type=kind,
            target_code=code,
            owner_agency=args.owner,
            deadline=deadline,
            text=args.text,
            meeting=args.meeting or "",
        )
    except (dirs.DirectiveRefused, snapshots.SnapshotError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Đã ban hành chỉ đạo {did}. Bản dữ liệu mới {sid}")
    return 0


def cmd_act(args, data: snapshots.DataDir) -> int:
    try:
        src = Snapshot.current(data)
        d = dirs.of(src, args.id)
    except (dirs.DirectiveRefused, snapshots.SnapshotError) as exc:
        print(exc, file=sys.stderr)
        return 2
    src.con.close()
    user = _user(args)
    if user is None:
        return 3
    try:
        sid = dirs.act(data, user, args.action, args.id, expected_state=d.state, text=args.text or "")
    except (dirs.DirectiveRefused, snapshots.SnapshotError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{rules.ACTIONS[args.action]} chỉ đạo {args.id}: đã ghi. Bản dữ liệu mới {sid}")
    return 0


def cmd_list(args, data: snapshots.DataDir) -> int:
    try:
        src = Snapshot.current(data)
    except snapshots.SnapshotError as exc:
        print(exc, file=sys.stderr)
        return 2
    df = frames.listing(src, dt.datetime.now(VN).date())
    if args.owner:
        df = df[df.owner_agency == args.owner]
    if args.overdue:
        df = df.loc[df.overdue.astype(bool)]
    print(f"{len(df)} chỉ đạo" + (" quá hạn" if args.overdue else ""))
    for d in df.itertuples(index=False):
        late = f" — trễ {d.days_late} ngày" if d.days_late else ""
        ev = dirs.follow_up(src, d, args.demo)
        print(
            f"{d.directive_id}  {d.state_label}{late} · hạn {d.deadline:%d/%m/%Y} · {d.owner_name} · {d.target_label}"
        )
        print(f"    {d.text}")
        print(f"    {ev.text}")
    src.con.close()
    return 0


def add_commands(sub, run) -> None:
    """Register ``directive``; ``run(fn)`` wraps a command taking (args, data)."""
    top = sub.add_parser("directive", help="chỉ đạo của lãnh đạo: ban hành, báo cáo tiến độ, hoàn thành, danh sách")
    verbs = top.add_subparsers(dest="verb", required=True)
    i = verbs.add_parser("issue", help="ban hành chỉ đạo (lãnh đạo, quản trị viên)")
    i.add_argument("--target", required=True, help="indicator:MÃ, agency:MÃ hoặc unit:MÃ")
    i.add_argument("--owner", required=True, help="mã cơ quan chủ trì")
    i.add_argument("--deadline", required=True, help="hạn xử lý, dd/mm/yyyy")
    i.add_argument("--text", required=True, help="nội dung chỉ đạo")
    i.add_argument("--meeting", help="cuộc họp ban hành chỉ đạo")
    i.set_defaults(func=run(cmd_issue))
    helps = {
        "note": "báo cáo tiến độ (cán bộ cơ quan chủ trì)",
        "done": "đánh dấu hoàn thành (lãnh đạo): cần số liệu chuyển biến hoặc lý do",
        "reopen": "mở lại chỉ đạo đã hoàn thành, kèm lý do",
    }
    for action, text in helps.items():
        p = verbs.add_parser(action, help=text)
        p.add_argument("--id", required=True, help="mã chỉ đạo, ví dụ cd-20261205-a1b2c3")
        p.add_argument("--text", help="nội dung tiến độ, hoặc lý do")
        p.set_defaults(func=run(cmd_act), action=action)
    for p in (i, *[verbs.choices[a] for a in helps]):
        p.add_argument("--user", required=True, help="tài khoản (mật khẩu: $VLBOARD_PASSWORD hoặc nhập khi hỏi)")
    lst = verbs.add_parser("list", help="danh sách chỉ đạo, quá hạn lên đầu, kèm số liệu chuyển biến")
    lst.add_argument("--owner", help="chỉ chỉ đạo giao cơ quan này")
    lst.add_argument("--overdue", action="store_true", help="chỉ chỉ đạo quá hạn")
    lst.set_defaults(func=run(cmd_list))
    lst.add_argument("--demo", action="store_true", help="tính cả số liệu minh họa khi so sánh (chỉ để xem)")
