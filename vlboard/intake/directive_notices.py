"""Notifications of leaders' directives through the reporting cycle's channels (issue 20): a
directive issued within the ladder's ``events_within_days`` goes, once, to the owner agency's clerk
and head (the contacts of vlboard.intake.contacts) by e-mail or webhook, as the cycle's event
notifications do (vlboard.intake.reminders); ``python -m vlboard remind`` sends them with the rest.
Pure planning: nothing is sent or read here."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vlboard.domain import formatting
from vlboard.intake.contacts import ROLES, Contact
from vlboard.intake.ladder import Ladder
from vlboard.intake.reminders import Message, _channels, _key

RULE = "chi-dao"
RECIPIENTS = ("clerk", "head")


def link(base_url: str, directive_id: str) -> str:
    return f"{base_url.rstrip('/')}/chi-dao?id={directive_id}"


def text(d: dict, recipient: str, url: str) -> tuple[str, str]:
    """(subject line, body) of the notice of one directive to one person of its owner agency."""
    deadline = formatting.date(d["deadline"])
    title = f"Chỉ đạo mới giao {d['owner_name']}: hạn {deadline}"
    meeting = f" tại {d['meeting']}" if isinstance(d.get("meeting"), str) and d["meeting"] else ""
    body = (
        f"Kính gửi {recipient},\n"
        f"Ngày {formatting.date(pd.Timestamp(d['issued_at']).date())}{meeting}, lãnh đạo ({d['issued_by']}) đã giao "
        f"{d['owner_name']} chủ trì thực hiện chỉ đạo về {d['target_label']}:\n{d['text']}\n"
        f"Hạn xử lý: {deadline}. Đề nghị báo cáo tiến độ trên trang «Chỉ đạo»: {url}"
    )
    return title, body


def plan(
    directives: pd.DataFrame,
    contacts: list[Contact],
    ladder: Ladder,
    now: dt.datetime,
    *,
    done: set[str],
    failed: set[str],
    base_url: str,
    channels: tuple[str, ...] = ("email",),
) -> tuple[list[Message], list[str]]:
    """The notices due at ``now`` for ``directives`` (vlboard.board.directives.listing) and the
    owners without a contact (Vietnamese)."""
    since = now - dt.timedelta(days=ladder.events_within_days)
    out: list[Message] = []
    lacking: set[str] = set()
    for d in directives.to_dict("records") if len(directives) else []:
        if d["state"] != "open" or pd.Timestamp(d["issued_at"]).to_pydatetime() < since:
            continue
        url = link(base_url, d["directive_id"])
        for role in RECIPIENTS:
            people = [
                c for c in contacts if (c.subject_type, c.subject_code, c.role) == ("agency", d["owner_agency"], role)
            ]
            if not people:
                lacking.add(
                    f"{d['owner_name']} ({d['owner_agency']}): chưa có {ROLES[role]} trong danh bạ để nhận chỉ đạo"
                )
            for person in people:
                for channel, address in _channels(person, channels):
                    key = _key(RULE, "agency", d["owner_agency"], d["directive_id"], channel, address)
                    if key in done:
                        continue
                    title, body = text(d, person.name, url)
                    out.append(
                        Message(
                            key,
                            RULE,
                            "agency",
                            d["owner_agency"],
                            d["owner_name"],
                            "",
                            role,
                            person.name,
                            channel,
                            address,
                            title,
                            body,
                            url,
                            key in failed,
                        )  # fmt: skip
                    )
    return out, sorted(lacking)
