"""A short load run in the suite: 20 concurrent real sessions of the served app over Streamlit's
websocket protocol (the long one, with a baseline, writes BENCHMARKS.md:
python -m tests.load.load --sessions 20 --seconds 180)."""

from tests.support.procs import proc_start

from .load import load, render


def test_twenty_concurrent_sessions_without_errors_and_nothing_left_running(shipped_data):
    r = load(shipped_data.root, sessions=20, seconds=30, ramp=10, think=(2.0, 4.0))  # busier than the long run
    report = render([r]) + f"\nper session: {r['per_session_actions']}\nerrors: {r['error_messages']}"
    assert r["errors"] == 0 and r["server_tracebacks"] == 0, report
    assert r["wall_sessions"] == 5 and r["slide_changes"] >= 5, report  # rotate=3 walls do rotate
    viewers = [n for i, n in enumerate(r["per_session_actions"]) if i not in r["wall_ids"]]
    assert min(viewers) >= 2, report  # every viewer got past its first page
    kinds = set(r["per_kind"])
    assert {"open", "deep_link", "agency", "filter", "indicator", "pick", "wall_open", "wall_tick"} <= kinds, report
    assert r["server_returncode"] is not None and proc_start(r["server_pid"]) is None, report
    assert r["leftover_processes"] == [], report
    assert r["rss_end_mb"] < 1500, report
