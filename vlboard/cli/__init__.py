"""Command line: ``python -m vlboard build | check | status | health | export | bench | backtest |
backup | restore | migrate | vacuum`` and the intake commands of vlboard.cli.intake (template, import,
history, rollback, hash-password), the reporting cycle of vlboard.cli.cycle (submit, approve, return,
reopen, cycle), ``api-token`` (vlboard.cli.api) and the drafted report (vlboard.cli.report)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vlboard.store import build, catalogue, checks, snapshots


def _data(args) -> snapshots.DataDir:
    return snapshots.DataDir(Path(args.data)) if args.data else snapshots.default_data_dir()


def cmd_build(args) -> int:
    data = _data(args)
    if args.if_missing and snapshots.current_id(data):
        try:
            snapshots.current(data)
            print(f"Đã có bản dữ liệu: {snapshots.current_id(data)}")
            return 0
        except snapshots.SnapshotError as exc:
            print(f"Bản dữ liệu hiện tại không dùng được ({exc}); dựng lại.", file=sys.stderr)
    try:
        sid = build.build(data, author=args.author)
    except (catalogue.CatalogueError, snapshots.SnapshotError) as exc:
        print(exc, file=sys.stderr)
        return 2
    _, _, manifest = snapshots.current(data)
    rows = ", ".join(f"{t}={v['rows']}" for t, v in manifest["tables"].items())
    print(f"Bản dữ liệu mới: {sid} (cha: {manifest['parent']})\n{rows}")
    return 0


def cmd_check(args) -> int:
    data = _data(args)
    tables, problems = catalogue.load_sources(data.source)
    if not problems:
        problems = checks.check(tables, catalogue.load_documents(data.documents, tables["plans"]))
    for p in problems:
        print(f"- {p}", file=sys.stderr)
    print(f"{len(problems)} lỗi" if problems else "Dữ liệu nguồn hợp lệ.", flush=True)
    return 1 if problems else 0


def cmd_status(args) -> int:
    data = _data(args)
    try:
        sid, path, manifest = snapshots.current(data)
    except snapshots.SnapshotError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"CURRENT = {sid}\ntạo lúc {manifest['created_at']}, cha {manifest['parent']}")
    for t, v in manifest["tables"].items():
        print(f"  {t:<18} {v['rows']:>7} dòng")
    return 0


def cmd_health(args) -> int:
    import json

    from vlboard.store import health

    h = health.check(_data(args), max_age_days=args.max_age_days)
    print(json.dumps(h.as_json(), ensure_ascii=False) if args.json else h.summary())
    return 0 if h.healthy else 1


def cmd_bench(args) -> int:
    import json

    from vlboard import bench

    data = _data(args)
    if args.pages:
        from vlboard.bench.pages import page_times

        print(json.dumps(page_times(data.root, args.repeat, args.keep_going)))
        return 0
    if args.commit_path:
        from vlboard.bench import commit

        print(json.dumps(commit.run_path(data.root, args.commit_path, args.repeat, args.commit_from)))
        return 0
    if args.deadline_day:
        from vlboard.bench import deadline

        return deadline.main(data.root, Path(args.out) if args.out else None)
    if args.disk_imports:
        import tempfile

        from vlboard.bench import commit

        with tempfile.TemporaryDirectory(prefix="vlboard-disk-") as tmp:
            print(json.dumps(commit.disk_after(data, Path(tmp), args.disk_imports)))
        return 0
    if args.commit:
        from vlboard.bench import commit
        from vlboard.bench.run import _json_run

        sizes = [int(x) for x in args.commit.split(",") if x.strip()]
        print(commit.main(data, sizes, args.repeat, Path(args.out) if args.out else None, _json_run))
        return 0
    if args.make_data:
        from vlboard.bench.synthetic import make_data_dir

        print(json.dumps(make_data_dir(data, Path(args.into), args.make_data, args.synthetic_source)))
        return 0
    if args.rollups:
        from vlboard.bench.run import rollups_here

        print(json.dumps(rollups_here(data, args.repeat)))
        return 0
    if args.exports:
        print(json.dumps(bench.export_times(data, args.repeat)))
        return 0
    if args.one:
        print(json.dumps(bench.one_size(data, args.one, args.repeat)))
        return 0
    rows = [int(x) for x in args.rows.split(",") if x.strip()]
    bench.main(rows, Path(args.out) if args.out else None, args.repeat, data)
    return 0


def _progress_bar(i: int, n: int, label: str) -> None:
    done = int(30 * i / max(1, n))
    print(
        f"\r[{'#' * done}{' ' * (30 - done)}] {i}/{n} {label[:50]:<50}",
        end="" if i < n else "\n",
        file=sys.stderr,
        flush=True,
    )


def cmd_export(args) -> int:
    from vlboard.board import screens
    from vlboard.domain import filters
    from vlboard.export import pack
    from vlboard.store.source import Snapshot

    data = _data(args)
    try:
        src = Snapshot.current(data)
    except snapshots.SnapshotError as exc:
        print(exc, file=sys.stderr)
        return 1
    params = {
        k: v
        for k, v in {
            "plan": args.plan,
            "pillar": args.pillar,
            "agency": args.agency,
            "unit": args.unit,
            "period": args.period,
            "status": args.status,
            "source": args.source,
        }.items()
        if v is not None
    }
    options = screens.filter_options(src, params.get("source") != "real")
    f, notes = filters.parse(params, options)
    if notes:
        for note in notes:
            print(f"Lỗi: {note.replace(': dùng mặc định.', '.')}", file=sys.stderr)
        return 2
    content = pack.build(src, f, options, snapshot_id=src.snapshot_id)
    if not content.png_ok:
        print(f"Lưu ý: {content.png_reason} Bộ tài liệu chỉ có bảng.", file=sys.stderr)
    if args.format == "pdf":
        from vlboard.export import pdf as renderer
    else:
        from vlboard.export import pptx as renderer
    out = Path(args.out)
    renderer.write(content, out, progress=_progress_bar)
    print(f"Đã ghi {out} ({out.stat().st_size // 1024} KB, {renderer.count(out)} trang)")
    return 0


def cmd_backup(args) -> int:
    from vlboard.domain import formatting
    from vlboard.store import backup

    try:
        made = backup.backup(_data(args), Path(args.out))
    except snapshots.SnapshotError as exc:
        print(exc, file=sys.stderr)
        return 2
    for _, why in made.skipped:
        print(f"Lưu ý: không đưa vào bản sao lưu vì không kiểm tra được: {why}", file=sys.stderr)
    print(
        f"Đã ghi bản sao lưu {made.path} ({formatting.number(made.size / 2**20, 1)} MB, "
        f"{len(made.snapshots)} bản dữ liệu, {made.files} tệp, mã kiểm tra đều đúng); bản hiện hành {made.current}"
    )
    return 0


def cmd_restore(args) -> int:
    from vlboard.store import backup

    data = _data(args)
    try:
        done = backup.restore(Path(args.file), data)
    except snapshots.SnapshotError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(
        f"Đã khôi phục {args.file} vào {done.root}: {len(done.snapshots)} bản dữ liệu đều kiểm tra đúng, "
        f"bản hiện hành {done.current}. Chạy ứng dụng với VLBOARD_DATA={done.root}"
    )
    return 0


def cmd_backtest(args) -> int:
    """The outlook's backtest on the live snapshot (vlboard.bench.backtest), in Vietnamese."""
    from vlboard.bench import backtest
    from vlboard.store.source import Snapshot

    try:
        src = Snapshot.current(_data(args))
    except snapshots.SnapshotError as exc:
        print(exc, file=sys.stderr)
        return 1
    results = backtest.backtest(src)
    print(backtest.text(results))
    if args.out:
        out = Path(args.out)
        backtest.write(src, out, results)
        print(f"Đã ghi kết quả vào {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m vlboard", description="vlboard: dữ liệu chuyển đổi số Vĩnh Long")
    ap.add_argument("--data", help="thư mục dữ liệu (mặc định: data/ hoặc $VLBOARD_DATA)")
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="dựng bản dữ liệu mới từ data/source và chuyển CURRENT")
    b.add_argument("--author", default="build")
    b.add_argument("--if-missing", action="store_true", help="chỉ dựng khi chưa có bản dữ liệu dùng được")
    b.set_defaults(func=cmd_build)
    sub.add_parser("check", help="kiểm tra dữ liệu nguồn").set_defaults(func=cmd_check)
    sub.add_parser("status", help="bản dữ liệu hiện tại").set_defaults(func=cmd_status)
    hp = sub.add_parser("health", help="kiểm tra sức khỏe cho giám sát: bản dữ liệu hiện hành và độ cũ (mã thoát 0/1)")
    hp.add_argument("--json", action="store_true", help="in JSON cho máy đọc")
    hp.add_argument("--max-age-days", type=int, help="coi là lỗi khi số liệu cũ hơn chừng ấy ngày")
    hp.set_defaults(func=cmd_health)
    ep = sub.add_parser("export", help="xuất bộ tài liệu họp (PDF hoặc PPTX) theo bộ lọc")
    ep.add_argument("--format", choices=["pdf", "pptx"], required=True)
    ep.add_argument("--out", required=True)
    for key in ("plan", "pillar", "agency", "unit", "period", "status"):
        ep.add_argument(f"--{key}")
    ep.add_argument("--source", choices=["all", "real"])
    ep.set_defaults(func=cmd_export)
    bp = sub.add_parser("bench", help="đo tốc độ tính trạng thái (DuckDB so với pandas), ghi BENCHMARKS.md")
    bp.add_argument("--rows", default="100000,1000000,10000000")
    bp.add_argument("--out", default="BENCHMARKS.md")
    bp.add_argument("--repeat", type=int, default=3)
    bp.add_argument("--one", type=int, help=argparse.SUPPRESS)
    bp.add_argument("--pages", action="store_true", help=argparse.SUPPRESS)
    bp.add_argument("--exports", action="store_true", help=argparse.SUPPRESS)
    bp.add_argument("--make-data", type=int, help=argparse.SUPPRESS)
    bp.add_argument("--synthetic-source", default="demo", choices=["demo", "report"], help=argparse.SUPPRESS)
    bp.add_argument("--rollups", action="store_true", help=argparse.SUPPRESS)
    bp.add_argument("--keep-going", action="store_true", help=argparse.SUPPRESS)
    bp.add_argument(
        "--commit", help="đo thời gian ghi một lần nhập số liệu ở các cỡ dữ liệu này (ví dụ 100000,1000000)"
    )
    bp.add_argument("--commit-path", choices=["full", "delta"], help=argparse.SUPPRESS)
    bp.add_argument("--commit-from", type=int, default=0, help=argparse.SUPPRESS)
    bp.add_argument("--disk-imports", type=int, help="dung lượng đĩa sau chừng ấy lần nhập (định dạng 5)")
    bp.add_argument("--into", help=argparse.SUPPRESS)
    bp.add_argument("--deadline-day", action="store_true", help="20 cán bộ nhập số liệu trong khi 25 phiên đang xem")
    bp.set_defaults(func=cmd_bench)
    tp = sub.add_parser("backtest", help="kiểm tra lại dự báo đến hạn trên số liệu đã có: độ phủ khoảng 80%%, sai số")
    tp.add_argument("--out", help="ghi bảng kết quả vào mục «Outlook backtest» của tệp này (BENCHMARKS.md)")
    tp.set_defaults(func=cmd_backtest)
    data_help = "thư mục dữ liệu (như --data đặt trước lệnh)"
    kp = sub.add_parser("backup", help="sao lưu thư mục dữ liệu vào một tệp .tar.gz (chạy được khi ứng dụng đang chạy)")
    kp.add_argument("--out", required=True, help="tệp sao lưu, ví dụ vlboard-2026-01-31.tar.gz")
    kp.add_argument("--data", default=argparse.SUPPRESS, help=data_help)
    kp.set_defaults(func=cmd_backup)
    rp = sub.add_parser("restore", help="khôi phục một tệp sao lưu vào thư mục dữ liệu trống (--data)")
    rp.add_argument("file", help="tệp sao lưu do «python -m vlboard backup» ghi")
    rp.add_argument("--data", default=argparse.SUPPRESS, help=data_help)
    rp.set_defaults(func=cmd_restore)
    from vlboard.cli import maintenance

    maintenance.add_commands(sub, lambda fn: lambda args: fn(args, _data(args)), data_help)
    from vlboard.cli import api, commentary, cycle, directives, intake, remind, report

    for commands in (intake, cycle, directives, commentary, api, report, remind):  # each module adds its own commands
        commands.add_commands(sub, lambda fn: lambda args: fn(args, _data(args)))
    args = ap.parse_args(argv)
    return args.func(args)
