"""The one write path of the reporting cycle, the directives and the commentary: the live snapshot
they check against (:func:`live`, format 5 only), and one event row appended to an event table
(``cycle_events``, ``directive_events``, ``commentary_events``) published as a new snapshot with its
history line (:func:`publish`), both under the caller's write lock."""

from __future__ import annotations

from vlboard.store import db, snapshots, tables
from vlboard.store.source import Snapshot

UNDONE = "Chưa ghi gì."


def live(data: snapshots.DataDir, what: str, refused: type[Exception]) -> Snapshot:
    """The live snapshot, opened for checks; ``refused`` (nothing written) when the folder is not on
    format 5, whose event tables ``what`` (e.g. «chỉ đạo») is written to."""
    snapshots.clean_temp(data)
    sid, path, manifest = snapshots.current(data)
    if manifest.get("format") != snapshots.FORMAT_DELTA:
        raise refused(
            f"Thư mục dữ liệu chưa ở định dạng 5 nên chưa ghi được {what}: "
            f"chạy «python -m vlboard migrate» rồi thử lại. {UNDONE}"
        )
    return Snapshot(sid, path, manifest, db.open_snapshot(path, threads=1))


def publish(
    data: snapshots.DataDir, table: str, event: dict, *, author: str, action: str, summary: str, **history
) -> str:
    """Append ``event`` to ``table`` in a new snapshot; the history line carries ``action``, the
    author, ``history`` and ``summary``. Returns the new snapshot id."""

    def change(manifest: dict) -> dict:
        return tables.append_row(data, table, event)

    return snapshots.write_change(
        data,
        change,
        author=author,
        note=summary,
        extra={"action": action, f"{action}_event": event["event_id"]},
        event={"action": action, "user": author, **history, "summary": summary},
    )
