"""Rollback, checked and explained: what a rollback undoes is shown before it is confirmed, and it
is committed only if the live snapshot is still the one that was shown.

``plan(data, target)`` reads the live snapshot and names the imports a rollback to ``target`` would
take off the live data (who, when, which agency/ward and period, how many values, which file) and
those it would bring back, and the reporting-cycle actions (submit, approve, return, reopen) it would
undo or bring back. ``run(..., base=plan.base)`` switches CURRENT under the write lock only
if CURRENT is still ``plan.base``; otherwise it refuses (``StaleRollback``) and nothing changes, so
an import confirmed to a clerk after the admin looked can never be undone unseen. The history line
is written before the switch (vlboard.store.snapshots.begin) and names the undone imports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from vlboard.domain import cycle as rules
from vlboard.domain.periods import label_vi
from vlboard.domain.vocab import SUBJECTS as SUBJECT
from vlboard.intake import auth
from vlboard.store import snapshots


class StaleRollback(snapshots.SnapshotError):
    """The live snapshot changed after the rollback was shown; nothing was changed."""


@dataclass(frozen=True)
class Import:
    """One import of the imports audit table, as a rollback names it."""

    import_id: str
    username: str
    imported_at: dt.datetime | None
    scope_type: str
    scope_code: str
    period: str
    n_values: int  # new + changed values it wrote
    file_name: str

    def text(self) -> str:
        when = f"{self.imported_at:%d/%m/%Y %H:%M}" if self.imported_at else "không rõ lúc nào"
        subject = " ".join(
            f"{SUBJECT.get(t, t)} {c}" for t, c in zip(self.scope_type.split(";"), self.scope_code.split(";"))
        )
        return (
            f"{self.username} nhập lúc {when}: {subject}, kỳ {self.period}, {self.n_values} giá trị "
            f"(tệp «{self.file_name}», mã {self.import_id})"
        )


@dataclass(frozen=True)
class CycleAction:
    """One row of cycle_events, as a rollback names it."""

    event_id: str
    at: dt.datetime | None
    username: str
    action: str
    subject_type: str
    subject_code: str
    period: str

    def text(self) -> str:
        when = f"{self.at:%d/%m/%Y %H:%M}" if self.at else "không rõ lúc nào"
        what = rules.ACTIONS.get(self.action, self.action)
        try:
            period = label_vi(self.period)
        except ValueError:
            period = self.period
        subject = f"{SUBJECT.get(self.subject_type, self.subject_type)} {self.subject_code}"
        return f"{what} báo cáo {period} của {subject} ({self.username}, lúc {when})"


@dataclass(frozen=True)
class Plan:
    target: str
    base: str | None  # the live snapshot when the plan was made: the rollback needs it unchanged
    undone: list[Import] = field(default_factory=list)  # imports live now, absent from the target
    restored: list[Import] = field(default_factory=list)  # imports of the target not live now
    cycle_undone: list[CycleAction] = field(default_factory=list)  # cycle actions live now, not in the target
    cycle_restored: list[CycleAction] = field(default_factory=list)  # the target's, not live now

    def lines(self) -> list[str]:
        """The Vietnamese explanation shown before confirming (CLI, page)."""
        out = [f"Khôi phục bản {self.target} thay cho bản hiện hành {self.base}."]
        if self.undone:
            out.append(f"Sẽ gỡ khỏi dữ liệu hiện hành {len(self.undone)} lần nhập số liệu mới hơn bản này:")
            out += [f"  - {i.text()}" for i in self.undone]
        else:
            out.append("Không lần nhập số liệu nào bị gỡ.")
        if self.restored:
            out.append(f"Sẽ đưa lại {len(self.restored)} lần nhập đã bị gỡ trước đó:")
            out += [f"  - {i.text()}" for i in self.restored]
        if self.cycle_undone:
            out.append(f"Hoàn tác {len(self.cycle_undone)} thao tác kỳ báo cáo:")
            out += [f"  - {e.text()}" for e in self.cycle_undone]
        if self.cycle_restored:
            out.append(f"Đưa lại {len(self.cycle_restored)} thao tác kỳ báo cáo đã bị hoàn tác trước đó:")
            out += [f"  - {e.text()}" for e in self.cycle_restored]
        out.append("Không bản dữ liệu nào bị xóa; có thể khôi phục lại bản hiện hành sau.")
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


def _imports(path) -> dict[str, Import]:
    cols = [
        "import_id",
        "username",
        "imported_at",
        "scope_type",
        "scope_code",
        "period",
        "n_new",
        "n_changed",
        "file_name",
    ]
    out = {}
    for r in snapshots.read_table(path, "imports", columns=cols).to_pylist():
        out[r["import_id"]] = Import(
            r["import_id"],
            r["username"] or "",
            r["imported_at"],
            r["scope_type"] or "",
            r["scope_code"] or "",
            r["period"] or "",
            int(r["n_new"] or 0) + int(r["n_changed"] or 0),
            r["file_name"] or "",
        )
    return out


def _cycle(path) -> dict[str, CycleAction]:
    cols = ["event_id", "at", "username", "action", "subject_type", "subject_code", "period"]
    return {
        r["event_id"]: CycleAction(**{c: (r[c] or "") if c != "at" else r[c] for c in cols})
        for r in snapshots.read_table(path, "cycle_events", columns=cols).to_pylist()
    }


def _plan(data: snapshots.DataDir, target: str, live: str | None) -> Plan:
    path = snapshots.snapshot_dir(data, target)
    if not path.is_dir():
        raise snapshots.SnapshotError(f"Không có bản dữ liệu {target}")
    snapshots.verify(path)  # never point CURRENT at a damaged or old-format snapshot
    if live == target:
        raise snapshots.SnapshotError(f"Bản {target} đang là bản hiện hành")
    then, cy_then = _imports(path), _cycle(path)
    now: dict[str, Import] = {}
    cy_now: dict[str, CycleAction] = {}
    if live is not None:
        try:
            now = _imports(snapshots.snapshot_dir(data, live))
            cy_now = _cycle(snapshots.snapshot_dir(data, live))
        except (OSError, snapshots.SnapshotError):
            now, cy_now = {}, {}  # a damaged live snapshot: nothing can be named, the rollback is the cure
    order = sorted(set(now) | set(then), key=lambda k: ((now.get(k) or then[k]).imported_at or dt.datetime.min, k))
    cy = sorted(set(cy_now) | set(cy_then), key=lambda k: ((cy_now.get(k) or cy_then[k]).at or dt.datetime.min, k))
    return Plan(
        target,
        live,
        [now[k] for k in order if k in now and k not in then],
        [then[k] for k in order if k in then and k not in now],
        [cy_now[k] for k in cy if k in cy_now and k not in cy_then],
        [cy_then[k] for k in cy if k in cy_then and k not in cy_now],
    )


def plan(data: snapshots.DataDir, target: str) -> Plan:
    """What a rollback to ``target`` would undo, against the live snapshot now."""
    return _plan(data, target, snapshots.current_id(data))


def run(data: snapshots.DataDir, user: auth.User, target: str, *, base: str | None, reason: str = "") -> Plan:
    """Make ``target`` live again if CURRENT is still ``base`` (the live snapshot of the plan the
    admin confirmed). Raises auth.AccessDenied, StaleRollback or snapshots.SnapshotError (nothing
    changed). Returns the plan carried out (the undone imports are also in the history line)."""
    auth.require_admin(user, "khôi phục bản dữ liệu cũ")
    with snapshots.write_lock(data):
        live = snapshots.current_id(data)
        if live != base:
            raise StaleRollback(
                f"Dữ liệu hiện hành đã thay đổi (bản {base} → {live}) từ lúc xem nội dung khôi phục, có thể do "
                "một lần nhập số liệu vừa được ghi; hãy xem lại những gì sẽ bị gỡ rồi khôi phục lại. Chưa thay đổi gì."
            )
        p = _plan(data, target, live)
        txn = snapshots.begin(
            data,
            {
                "action": "rollback",
                "snapshot": target,
                "from": live,
                "user": user.username,
                "summary": reason or f"Khôi phục bản {target}",
                "at_local": dt.datetime.now().isoformat(timespec="seconds"),
                "undone": [i.import_id for i in p.undone],
                "restored": [i.import_id for i in p.restored],
                "cycle_undone": [e.event_id for e in p.cycle_undone],
            },
        )
        try:
            snapshots.switch_current(data, target)
        except OSError as exc:
            if snapshots.current_id(data) != target:
                snapshots.abort(data, txn)
                raise snapshots.WriteFault(
                    snapshots.fault_message(exc, "bản dữ liệu hiện hành (tệp CURRENT)", data)
                ) from exc
        snapshots.drill("switched")
        snapshots.finish(data, txn)
    return p
