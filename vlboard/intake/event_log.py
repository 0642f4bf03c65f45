"""One event row appended to an event table (``cycle_events``, ``directive_events``,
``commentary_events``) and published as a new snapshot with its history line, under the caller's
write lock: the one write path of the reporting cycle, the directives and the commentary."""

from __future__ import annotations

from vlboard.store import snapshots, tables


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
