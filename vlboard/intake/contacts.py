"""Who receives the reporting reminders: data/source/contacts.csv (master data, read at call time).

One row per person and role: subject_type (unit | agency | office), subject_code (units.unit_code or
agencies.code), role (clerk | head for a reporting subject; reviewer | leader_office for an office),
name, email, webhook_id (optional: the person's id in the province's messaging integration), note,
plan (optional, office rows: a plans.csv code; the reviewer or leader's office then only hears of
the subjects of that plan; empty = every plan).
The shipped file is generated from the catalogue (``tools/make_contacts.py``) and holds clearly fake
addresses under example.org. A bad row gets a Vietnamese message naming its line and column.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from vlboard.domain.textnorm import nfc

COLUMNS = ("subject_type", "subject_code", "role", "name", "email", "webhook_id", "note", "plan")
OPTIONAL = ("webhook_id", "plan")
ROLES = {
    "clerk": "cán bộ đầu mối",
    "head": "lãnh đạo đơn vị",
    "reviewer": "cán bộ thẩm định",
    "leader_office": "văn phòng lãnh đạo",
}
SUBJECT_ROLES = {"unit": ("clerk", "head"), "agency": ("clerk", "head"), "office": ("reviewer", "leader_office")}
FAKE_NOTE = "Địa chỉ minh họa (example.org), không phải địa chỉ thật"
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


class ContactsError(Exception):
    """Vietnamese message naming the file, line and column of every problem."""


@dataclass(frozen=True)
class Contact:
    subject_type: str
    subject_code: str
    role: str
    name: str
    email: str
    webhook_id: str = ""
    note: str = ""
    plan: str = ""  # office rows: only the subjects of this plan (empty: every plan)


def _codes(path: Path, column: str) -> set[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {row[column].strip() for row in csv.DictReader(f) if row.get(column)}


def known_subjects(source: Path) -> dict[str, set[str]]:
    """The codes a contact may name, by subject_type, from units.csv and agencies.csv (and the
    plan codes of plans.csv under "plan")."""
    agencies = _codes(source / "agencies.csv", "code")
    units = _codes(source / "units.csv", "unit_code")
    return {"unit": units, "agency": agencies, "office": agencies, "plan": _codes(source / "plans.csv", "code")}


def _check(n: int, row: dict[str, str], known: dict[str, set[str]]) -> list[str]:
    at = f"dòng {n}"
    kind, code, role, email = row["subject_type"], row["subject_code"], row["role"], row["email"]
    problems = []
    if kind not in SUBJECT_ROLES:
        problems.append(f"{at}, cột subject_type: «{kind}» không hợp lệ (dùng unit, agency hoặc office)")
    elif code not in known[kind]:
        where = "units.csv" if kind == "unit" else "agencies.csv"
        problems.append(f"{at}, cột subject_code: mã «{code}» không có trong {where}")
    if role not in ROLES:
        problems.append(f"{at}, cột role: vai trò «{role}» không hợp lệ (dùng {', '.join(ROLES)})")
    elif kind in SUBJECT_ROLES and role not in SUBJECT_ROLES[kind]:
        allowed = " hoặc ".join(SUBJECT_ROLES[kind])
        problems.append(f"{at}, cột role: vai trò «{role}» không dùng cho subject_type {kind} (dùng {allowed})")
    if not row["name"]:
        problems.append(f"{at}, cột name: thiếu họ tên hoặc chức danh")
    if not _EMAIL.match(email):
        problems.append(f"{at}, cột email: «{email}» không phải địa chỉ thư điện tử hợp lệ")
    plan = row["plan"]
    if plan and kind != "office":
        problems.append(f"{at}, cột plan: chỉ dùng cho dòng office (cán bộ thẩm định, văn phòng lãnh đạo)")
    elif plan and "plan" in known and plan not in known["plan"]:
        problems.append(f"{at}, cột plan: mã kế hoạch «{plan}» không có trong plans.csv")
    return problems


def load(path: Path, known: dict[str, set[str]]) -> list[Contact]:
    """Every contact of the file; ContactsError listing every bad row (nothing is half-loaded)."""
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = tuple(reader.fieldnames or ())
            lacking = [c for c in COLUMNS if c not in header and c not in OPTIONAL]
            if lacking:
                raise ContactsError(f"Tệp {path} thiếu cột: {', '.join(lacking)}.")
            rows = [{c: nfc((r.get(c) or "").strip()) for c in COLUMNS} for r in reader]
    except FileNotFoundError as exc:
        raise ContactsError(f"Không có tệp danh bạ nhắc báo cáo {path}.") from exc
    except UnicodeDecodeError as exc:
        raise ContactsError(f"Tệp {path} không phải văn bản UTF-8.") from exc
    problems, seen = [], set()
    for n, row in enumerate(rows, start=2):  # line 1 is the header
        problems += _check(n, row, known)
        key = (row["subject_type"], row["subject_code"], row["role"], row["email"].lower())
        if key in seen:
            problems.append(f"dòng {n}: trùng người nhận {row['email']} cho {row['subject_code']} ({row['role']})")
        seen.add(key)
    if problems:
        raise ContactsError(f"Tệp {path} có {len(problems)} lỗi:\n" + "\n".join(f"- {p}" for p in problems))
    return [Contact(**{**r, "email": r["email"].lower()}) for r in rows]


def load_default(source: Path) -> list[Contact]:
    """data/source/contacts.csv checked against the catalogue next to it."""
    return load(source / "contacts.csv", known_subjects(source))


def generated_rows(
    subjects: list[tuple[str, str, str]], reviewer: tuple[str, str], leader: tuple[str, str]
) -> list[dict]:
    """The shipped file's rows: a clerk and a head per (subject_type, code, name), sorted, then the
    reviewer's and the leader's office (code, name); fake example.org addresses, labelled."""
    rows = []
    for kind, code, name in sorted(subjects):
        slug = code.lower()
        for role, title in (("clerk", "Cán bộ đầu mối báo cáo"), ("head", "Lãnh đạo")):
            rows.append(
                {
                    "subject_type": kind,
                    "subject_code": code,
                    "role": role,
                    "name": f"{title} – {name}",
                    "email": f"{role}.{slug}@example.org",
                    "webhook_id": "",
                    "note": FAKE_NOTE,
                    "plan": "",
                }
            )
    for role, (code, name), title in (
        ("reviewer", reviewer, "Cán bộ thẩm định"),
        ("leader_office", leader, "Văn phòng lãnh đạo"),
    ):
        email = f"{role.replace('_', '-')}.{code.lower()}@example.org"
        rows.append(
            {
                "subject_type": "office",
                "subject_code": code,
                "role": role,
                "name": f"{title} – {name}",
                "email": email,
                "webhook_id": "",
                "note": FAKE_NOTE,
                "plan": "",
            }
        )
    return rows
