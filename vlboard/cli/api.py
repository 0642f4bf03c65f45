"""``python -m vlboard api-token add|list|revoke``: the data API's client tokens (vlboard.api.tokens).

``add`` checks the scope's code against the live snapshot's catalogue (the values the API's filters
accept) and prints the token once; only its sha256 is kept in data/api_tokens.json.
"""

from __future__ import annotations

import sys

from vlboard.api import tokens
from vlboard.intake.history import local_time
from vlboard.store import snapshots


def _known(data: snapshots.DataDir, scope: tokens.Scope) -> bool:
    from vlboard.api import frames

    lv = frames.live(data)
    known = {"plan": lv.catalogue.plans, "agency": lv.catalogue.agencies, "unit": lv.catalogue.units}
    return scope.kind is None or scope.code in known[scope.kind]


def cmd_api_token(args, data: snapshots.DataDir) -> int:
    try:
        if args.verb == "add":
            scope = tokens.Scope.parse(args.scope)
            try:
                if not _known(data, scope):
                    print(f"Không có mã «{scope.code}» ({scope.kind}) trong dữ liệu hiện hành.", file=sys.stderr)
                    return 2
            except snapshots.SnapshotError as exc:
                print(f"Không kiểm tra được phạm vi: {exc}", file=sys.stderr)
                return 2
            token, c = tokens.add(data, args.client, scope)
            print(f"Đã tạo khóa API {c.key_id} cho «{c.client}», phạm vi {c.scope}.")
            print("Khóa (chỉ hiện một lần, hãy lưu ngay):")
            print(token)
        elif args.verb == "list":
            clients = tokens.list_clients(data)
            if not clients:
                print("Chưa có khóa API nào.")
            for c in clients:
                state = f"thu hồi {local_time(c.revoked_at)}" if c.revoked_at else "đang dùng"
                print(f"{c.key_id}  {c.client:<24} {str(c.scope):<28} tạo {local_time(c.created_at)}  {state}")
        else:
            c = tokens.revoke(data, args.key_id)
            print(f"Đã thu hồi khóa {c.key_id} của «{c.client}».")
    except (tokens.TokenError, snapshots.SnapshotError) as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def add_commands(sub, with_data) -> None:
    p = sub.add_parser("api-token", help="khóa truy cập API dữ liệu chỉ đọc: tạo, liệt kê, thu hồi")
    verbs = p.add_subparsers(dest="verb", required=True)
    a = verbs.add_parser("add", help="tạo khóa mới (in ra một lần)")
    a.add_argument("--client", required=True, help="tên hệ thống dùng khóa, ví dụ LGSP")
    a.add_argument("--scope", required=True, help="all, plan:<mã>, agency:<mã> hoặc unit:<mã>")
    verbs.add_parser("list", help="liệt kê khóa (không có khóa, chỉ mã, tên, phạm vi)")
    r = verbs.add_parser("revoke", help="thu hồi một khóa theo mã")
    r.add_argument("key_id", help="mã khóa in ở lệnh list")
    p.set_defaults(func=with_data(cmd_api_token))
