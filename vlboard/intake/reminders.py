"""Which reminders and notifications are due now (pure planning; nothing is sent or read here).

From the reporting-cycle board (one row per subject obliged to report for a period, with its state,
due date and missing indicators: ``vlboard.intake.cycle.board``), the contacts, the ladder, the
time and what the send log says is done, :func:`plan` lists one message per rule × subject × period
× recipient (× channel):

* a subject not yet submitted (state chua_nop, tra_lai, mo_lai) gets the newest ladder step its
  days from the due date have reached, once; a step's message that failed before is retried while
  it is not sent, even when a newer step has been reached; a missed run does not send the older
  steps it skipped; nothing after ``stop_after_days`` late;
* the office roles (reviewer, leader_office) get ONE digest per step × period × recipient listing
  every subject that has reached the step (days late, values missing), not one message per subject;
  a reviewer whose contact row names a ``plan`` only hears of subjects of that plan;
* a cycle event (``cycle.events``) within ``events_within_days``: submit → the reviewers, return →
  the subject's clerks with the reason, approve → the subject's clerks, once per event_id.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from vlboard.domain.vocab import VN_TZ
from vlboard.intake import reminder_text
from vlboard.intake.contacts import ROLES, Contact
from vlboard.intake.ladder import Ladder

OPEN_STATES = ("chua_nop", "tra_lai", "mo_lai")  # not submitted: reminded
EVENT_RECIPIENTS = {"submit": "reviewer", "return": "clerk", "approve": "clerk"}
OFFICE_ROLES = ("reviewer", "leader_office")


@dataclass(frozen=True)
class Message:
    key: str  # rule × subject × period × channel:address: the send log's key
    rule: str  # the ladder step's key, or «su-kien-<action>»
    subject_type: str
    subject_code: str
    subject_name: str
    period: str
    role: str
    name: str
    channel: str  # 'email' | 'webhook'
    address: str  # the e-mail, or the webhook_id
    title: str
    body: str
    link: str
    retry: bool = False  # a delivery of this key failed before
    subjects: tuple[dict, ...] = ()  # a digest's subjects: type, code, name, days_late, expected, received

    def subject_keys(self) -> list[str]:
        """«type:code» of every subject the message is about (the board's «Nhắc gần nhất»)."""
        if self.subjects:
            return [f"{s['subject_type']}:{s['subject_code']}" for s in self.subjects]
        return [f"{self.subject_type}:{self.subject_code}"]

    def payload(self) -> dict:
        """The webhook's JSON body."""
        return {
            "key": self.key,
            "rule": self.rule,
            "recipient": self.address,
            "recipient_name": self.name,
            "role": self.role,
            "subject_type": self.subject_type,
            "subject_code": self.subject_code,
            "subject_name": self.subject_name,
            "period": self.period,
            "title": self.title,
            "text": self.body,
            "link": self.link,
            "subjects": list(self.subjects),
        }


@dataclass
class Plan:
    messages: list[Message] = field(default_factory=list)
    no_contact: list[str] = field(default_factory=list)  # Vietnamese: subject and role without an address


def _key(rule: str, subject_type: str, code: str, period: str, channel: str, address: str) -> str:
    return f"{rule}|{subject_type}:{code}|{period}|{channel}:{address}"


class _Book:
    """Contacts by (subject_type, code, role), and the office roles by role."""

    def __init__(self, contacts: list[Contact]):
        self.by_subject: dict[tuple[str, str, str], list[Contact]] = defaultdict(list)
        self.by_role: dict[str, list[Contact]] = defaultdict(list)
        for c in contacts:
            if c.subject_type == "office":
                self.by_role[c.role].append(c)
            else:
                self.by_subject[(c.subject_type, c.subject_code, c.role)].append(c)

    def find(self, role: str, subject_type: str, code: str, plans: str = "") -> list[Contact]:
        """The contacts of ``role`` for the subject; an office contact with a ``plan`` only for the
        subjects of that plan (``plans``: the board's codes joined by ", ")."""
        if role not in OFFICE_ROLES:
            return self.by_subject[(subject_type, code, role)]
        of = {p.strip() for p in str(plans or "").split(",") if p.strip()}
        return [c for c in self.by_role[role] if not c.plan or c.plan in of]


def _channels(c: Contact, channels: tuple[str, ...]) -> list[tuple[str, str]]:
    out = [("email", c.email)] if "email" in channels and c.email else []
    return out + ([("webhook", c.webhook_id)] if "webhook" in channels and c.webhook_id else [])


def _offset(today: dt.date, due) -> int:
    return (today - (due.date() if isinstance(due, dt.datetime) else due)).days


def plan(
    board: pd.DataFrame,
    contacts: list[Contact],
    ladder: Ladder,
    now: dt.datetime,
    *,
    done: set[str],
    failed: set[str],
    names: dict[str, str],
    base_url: str,
    events: pd.DataFrame | None = None,
    channels: tuple[str, ...] = ("email",),
) -> Plan:
    """The messages due at ``now`` (Vietnam local time, naive); see the module's docstring."""
    book, out = _Book(contacts), Plan()
    lacking: set[tuple[str, str, str]] = set()

    def add(rule, key_head, row, role, period, text_of, only_failed=False) -> None:
        people = book.find(role, row["subject_type"], row["subject_code"])
        if not people and not only_failed:
            lacking.add((row["subject_name"], row["subject_code"], role))
        link = reminder_text.template_link(base_url, period)
        for person in people:
            for channel, address in _channels(person, channels):
                key = _key(key_head, row["subject_type"], row["subject_code"], period, channel, address)
                if key in done or (only_failed and key not in failed):
                    continue
                title, body = text_of(person.name, link)
                out.messages.append(
                    Message(
                        key,
                        rule,
                        row["subject_type"],
                        row["subject_code"],
                        row["subject_name"],
                        period,
                        role,
                        person.name,
                        channel,
                        address,
                        title,
                        body,
                        link,
                        key in failed,
                    )  # fmt: skip
                )

    rows = board.to_dict("records") if len(board) else []
    digests: dict[tuple, _Digest] = {}
    for row in rows:
        if row.get("state") not in OPEN_STATES or row.get("due_date") is None or pd.isna(row["due_date"]):
            continue
        offset = _offset(now.date(), row["due_date"])
        newest = ladder.current(offset)

        def text_of(name, link, row=row, offset=offset):
            return reminder_text.step(row, offset, name, names, link)

        for step in ladder.reached(offset):  # older steps: only their failed deliveries, again
            for role in step.recipients:
                if role not in OFFICE_ROLES:
                    add(step.key, step.key, row, role, row["period"], text_of, only_failed=step is not newest)
                    continue
                people = book.find(role, row["subject_type"], row["subject_code"], row.get("plans") or "")
                if not people and step is newest:
                    lacking.add((row["subject_name"], row["subject_code"], role))
                for person in people:
                    for channel, address in _channels(person, channels):
                        d = digests.setdefault((step.key, row["period"], role, channel, address), _Digest(person))
                        d.items.append((row, offset))
                        d.due |= step is newest
    out.messages += _digest_messages(digests, done, failed, base_url)
    _plan_events(events, rows, now, ladder, add)
    out.no_contact = [f"{name} ({code}): chưa có {ROLES[role]} trong danh bạ" for name, code, role in sorted(lacking)]
    return out


@dataclass
class _Digest:
    person: Contact
    items: list[tuple[dict, int]] = field(default_factory=list)  # (board row, days from the due date)
    due: bool = False  # the step is the newest one of at least one subject (else: only a retry)


def _digest_messages(digests: dict[tuple, _Digest], done: set[str], failed: set[str], base_url: str) -> list[Message]:
    """One message per step × period × office recipient × channel, listing its subjects."""
    out = []
    for (rule, period, role, channel, address), d in digests.items():
        key = _key(rule, "tong-hop", role, period, channel, address)
        if key in done or not (d.due or key in failed):
            continue
        items = sorted(d.items, key=lambda it: (-it[1], it[0]["subject_name"], it[0]["subject_code"]))
        link = reminder_text.board_link(base_url, period)
        title, body = reminder_text.digest(items, period, d.person.name, link)
        subjects = tuple(
            {
                "subject_type": r["subject_type"],
                "subject_code": r["subject_code"],
                "subject_name": r["subject_name"],
                "days_late": max(0, offset),
                "expected": int(r["expected"]),
                "received": int(r["received"]),
            }
            for r, offset in items
        )
        office = d.person
        out.append(
            Message(
                key,
                rule,
                office.subject_type,
                office.subject_code,
                f"{len(items)} đơn vị chưa nộp",
                period,
                role,
                office.name,
                channel,
                address,
                title,
                body,
                link,
                key in failed,
                subjects,
            )  # fmt: skip
        )
    return out


def _plan_events(events: pd.DataFrame | None, rows: list[dict], now: dt.datetime, ladder: Ladder, add) -> None:
    if events is None or not len(events):
        return
    names = {(r["subject_type"], r["subject_code"]): r["subject_name"] for r in rows}
    since = now - dt.timedelta(days=ladder.events_within_days)
    for ev in events.to_dict("records"):
        role = EVENT_RECIPIENTS.get(str(ev.get("action")))
        at = ev.get("at")
        if role is None or at is None or pd.isna(at):
            continue
        when = pd.Timestamp(at)
        if when.tzinfo is not None:  # the contract's times are naive Vietnam time; be lenient
            when = when.tz_convert(VN_TZ).tz_localize(None)
        if when.to_pydatetime() < since:
            continue
        subject = names.get((ev["subject_type"], ev["subject_code"]), ev["subject_code"])
        row = {"subject_type": ev["subject_type"], "subject_code": ev["subject_code"], "subject_name": subject}

        def text_of(name, link, ev=ev, subject=subject):
            return reminder_text.event(ev, subject, name, link)

        add(f"su-kien-{ev['action']}", ev["event_id"], row, role, ev["period"], text_of)
