"""data/history.jsonl: the log of every change of CURRENT (build, import, rollback).

Each change is one transaction: its line is appended *before* the switch with ``state: pending``
and a ``done`` marker after it, so a writer killed between the switch and its marker is still in
the history: ``events`` counts a pending line as done when CURRENT (or the next line's ``from``)
shows that the switch happened, and the next writer settles it for good (``reconcile``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import uuid

from vlboard.store.datadir import (
    DataDir,
    SnapshotError,
    WriteFault,
    current_id,
    drill,
    fault_message,
    read_manifest,
    snapshot_dir,
)


def _append(data: DataDir, obj: dict) -> None:
    """Append one JSON line to data/history.jsonl with fsync. A line torn by an earlier failure is
    closed first (so it cannot swallow this one) and a failed append is cut off again."""
    line = (json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    path = data.history_file
    with path.open("ab+") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size:
            fh.seek(size - 1)
            if fh.read(1) != b"\n":
                line = b"\n" + line
        try:
            drill("history")
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        except OSError:
            with contextlib.suppress(OSError):
                fh.truncate(size)
            raise


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def begin(data: DataDir, event: dict) -> str:
    """Write the history line of a change of CURRENT before making it (state pending). Returns the
    transaction id for ``finish``. Raises WriteFault (nothing switched yet) when it cannot."""
    txn = uuid.uuid4().hex
    try:
        _append(data, {"at": _now(), **event, "txn": txn, "state": "pending"})
    except OSError as exc:
        raise WriteFault(fault_message(exc, "nhật ký thay đổi (history.jsonl)", data)) from exc
    return txn


def finish(data: DataDir, txn: str) -> None:
    """Mark a change done after the switch. Best effort: CURRENT already shows the change, so a
    marker lost to a kill or a full disk is inferred by ``events`` and written by ``reconcile``."""
    with contextlib.suppress(OSError):
        _append(data, {"at": _now(), "txn": txn, "state": "done"})


def abort(data: DataDir, txn: str) -> None:
    """Mark a change that did not happen (best effort: ``events`` infers it from CURRENT too)."""
    with contextlib.suppress(OSError):
        _append(data, {"at": _now(), "txn": txn, "state": "aborted"})


def record_event(data: DataDir, event: dict) -> None:
    """Append one finished line to data/history.jsonl (for changes not made through ``begin``)."""
    _append(data, {"at": _now(), **event})


def _lines(data: DataDir) -> list[dict]:
    out: list[dict] = []
    try:
        raw = data.history_file.read_bytes().decode("utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return out
    for line in raw:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn line (process killed mid-write)
        if isinstance(obj, dict):
            out.append(obj)
    return out


def _settle(data: DataDir) -> tuple[list[dict], dict[str | None, str | None], str | None]:
    """(action lines, txn → state, live id) with every pending line settled as done or aborted:
    done when the next action line starts from its snapshot, or when it is the last one and
    CURRENT is its snapshot; aborted otherwise (the writer died before its switch)."""
    lines = _lines(data)
    marks: dict[str | None, str | None] = {
        e["txn"]: "inferred" if e.get("reconciled") and e.get("state") == "done" else e.get("state")
        for e in lines
        if "action" not in e and "txn" in e
    }
    actions = [e for e in lines if "action" in e]
    try:
        live = current_id(data)
    except SnapshotError:
        live = None
    for i, e in enumerate(actions):
        txn = e.get("txn")
        if txn is None or txn in marks:
            continue
        nxt = actions[i + 1] if i + 1 < len(actions) else None
        happened = nxt.get("from") == e.get("snapshot") if nxt is not None else live == e.get("snapshot")
        marks[txn] = "inferred" if happened else "inferred-aborted"
    return actions, marks, live


def reconcile(data: DataDir) -> None:
    """Write the marker of a change whose writer died between the switch and its ``done`` line
    (or before its switch). Called under the write lock before every write."""
    if not data.history_file.exists():
        return
    marked = {e["txn"] for e in _lines(data) if "action" not in e and "txn" in e}
    actions, marks, _ = _settle(data)
    with contextlib.suppress(OSError):  # a read-only or full disk: the next writer tries again
        for e in actions:
            state = {"inferred": "done", "inferred-aborted": "aborted"}.get(marks.get(e.get("txn")) or "")
            if state and e["txn"] not in marked:
                _append(data, {"at": _now(), "txn": e["txn"], "state": state, "reconciled": True})


def events(data: DataDir) -> list[dict]:
    """The history log, oldest first: every change of CURRENT that happened, none that did not.
    A line whose writer died after the switch is included (``reconciled: True``), one that died
    before it is left out; when CURRENT was changed with no line at all (a kill under an older
    vlboard), a line is rebuilt from the live snapshot's manifest (``rebuilt: True``)."""
    actions, marks, live = _settle(data)
    out = []
    for e in actions:
        state = marks.get(e.get("txn")) if e.get("txn") else "done"
        if state in ("aborted", "inferred-aborted"):
            continue
        e = {k: v for k, v in e.items() if k not in ("txn", "state")}
        out.append({**e, "reconciled": True} if state == "inferred" else e)
    if live and (not out or out[-1].get("snapshot") != live):
        out.append(_rebuilt(data, live, out[-1].get("snapshot") if out else None))
    return out


def _rebuilt(data: DataDir, live: str, before: str | None) -> dict:
    """A history line for the live snapshot from its manifest (author, note, parent)."""
    try:
        m = read_manifest(snapshot_dir(data, live))
    except SnapshotError:
        m = {}
    made = m.get("parent") == before or before is None
    return {
        "at": m.get("created_at"),
        "action": (m.get("action") or "build") if made else "rollback",
        "snapshot": live,
        "from": m.get("parent") if made else before,
        "user": m.get("author") if made else None,
        "summary": (m.get("note") if made else f"Khôi phục bản {live}") or "",
        "rebuilt": True,
    }
