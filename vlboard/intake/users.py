"""Who may do what: the roles (``viewer`` reads; ``editor`` imports for exactly one agency or one
unit and submits its reports; ``reviewer`` approves or returns the submitted reports of one plan, or
of every plan; ``leader`` issues and closes directives, otherwise reads; ``admin`` does all, including rollback and reopening an approved report), the
:class:`User` and the checks that refuse in Vietnamese. No streamlit."""

from __future__ import annotations

from dataclasses import dataclass

from vlboard.domain.textnorm import nfc

ROLES: dict[str, str] = {
    "viewer": "Người xem",
    "editor": "Cán bộ nhập liệu",
    "reviewer": "Cán bộ thẩm định",
    "leader": "Lãnh đạo",  # issues and closes directives (vlboard.intake.directives); otherwise reads
    "admin": "Quản trị",
}
SCOPES: dict[str, str] = {"agency": "cơ quan", "unit": "địa bàn"}


class AccessDenied(Exception):
    """The signed-in user may not do this; the message (Vietnamese) says who, what and why."""


class AuthConfigError(Exception):
    """A bad entry in the secrets; the message (Vietnamese) names the entry and the field."""


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str = "viewer"
    agency: str | None = None  # editor scope (agency code)
    unit: str | None = None  # editor scope (unit code)
    via: str = "local"  # "local" | "oidc" | "anonymous" | "cli"
    plan: str | None = None  # reviewer scope (plan code); None: every plan

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_edit(self) -> bool:
        return self.role in ("editor", "admin")

    def may_import(self, scope_type: str, scope_code: str) -> bool:
        """Admin: any scope; editor: only its own agency or unit; viewer: never."""
        if scope_type not in SCOPES:
            raise ValueError(f"unknown scope type {scope_type!r}")
        if self.is_admin:
            return True
        return self.role == "editor" and bool(scope_code) and getattr(self, scope_type) == scope_code

    def _rank(self) -> str:
        """'Cán bộ nhập liệu, cơ quan SO-TTTT'."""
        plan = f", kế hoạch {self.plan}" if self.plan else ""
        return (
            ROLES[self.role] + "".join(f", {SCOPES[t]} {getattr(self, t)}" for t in SCOPES if getattr(self, t)) + plan
        )

    def describe(self) -> str:
        """'Nguyễn Văn A (Cán bộ nhập liệu, cơ quan SO-TTTT)'."""
        return f"{self.display_name} ({self._rank()})"

    def _who(self) -> str:
        """Subject of an AccessDenied message."""
        return (
            f"Tài khoản «{self.username}» ({self._rank()})"
            if self.username
            else f"Khách chưa đăng nhập ({self._rank()})"
        )


ANONYMOUS = User("", "Khách", "viewer", via="anonymous")


def normalise_username(username: str | None) -> str:
    """NFC, strip, casefold: 'Quản Trị ' and its NFD form both give 'quản trị'."""
    return nfc(nfc(username or "").strip().casefold())


def require_import(user: User, scope_type: str, scope_code: str) -> None:
    if not user.may_import(scope_type, scope_code):
        why = "" if user.role == "editor" else " (chỉ có quyền xem)"
        raise AccessDenied(f"{user._who()} không được nhập số liệu của {SCOPES[scope_type]} {scope_code}{why}.")


def require_admin(user: User, action: str) -> None:
    if not user.is_admin:
        raise AccessDenied(f"Chỉ quản trị viên được {action}. {user._who()} không có quyền này.")


def require_submit(user: User, scope_type: str, scope_code: str) -> None:
    """Submitting a subject's report: its own editor, or an admin."""
    if not user.may_import(scope_type, scope_code):
        why = "" if user.role == "editor" else f" (vai trò {ROLES[user.role]} không nộp báo cáo)"
        raise AccessDenied(f"{user._who()} không được nộp báo cáo của {SCOPES[scope_type]} {scope_code}{why}.")


def require_review(user: User, plans_of_subject, subject: str = "") -> None:
    """Approving or returning a report: a reviewer of every plan or of one of the plans the subject
    reports for (``plans_of_subject``), or an admin."""
    plans = {p for p in plans_of_subject if p}
    if user.is_admin or (user.role == "reviewer" and (user.plan is None or user.plan in plans)):
        return
    what = f"báo cáo của {subject}" if subject else "báo cáo này"
    if user.role == "reviewer":
        raise AccessDenied(
            f"{user._who()} chỉ thẩm định báo cáo thuộc kế hoạch {user.plan}; {what} thuộc kế hoạch "
            f"{', '.join(sorted(plans)) or '(không rõ)'}."
        )
    raise AccessDenied(
        f"Chỉ cán bộ thẩm định hoặc quản trị viên được duyệt hay trả lại {what}. {user._who()} không có quyền này."
    )


def require_reopen(user: User) -> None:
    """Reopening an approved (locked) report: an admin only."""
    require_admin(user, "mở lại báo cáo đã duyệt")


def require_lead(user: User, action: str) -> None:
    """Issuing, closing or reopening a directive (chỉ đạo): a leader or an admin."""
    if user.role not in ("leader", "admin"):
        raise AccessDenied(f"Chỉ lãnh đạo hoặc quản trị viên được {action}. {user._who()} không có quyền này.")
