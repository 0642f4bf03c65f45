"""Local accounts and OIDC role mapping read from the secrets, and the sign-in. No streamlit.

The package's face for access: callers write ``auth.X``; the roles and :class:`User` live in
:mod:`.users`, password hashing in :mod:`.passwords`, the sign-in throttle in :mod:`.throttle`, the
client address behind a proxy in :mod:`.addresses`. The layout of the secrets is documented in
``.streamlit/secrets.toml.example``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from vlboard import settings as environment
from vlboard.domain.textnorm import nfc
from vlboard.intake.addresses import client_address, networks
from vlboard.intake.passwords import HASH_PREFIX, MIN_PASSWORD, dummy_hash, hash_password
from vlboard.intake.passwords import verify as _verify  # a name of this module: tests count the calls
from vlboard.intake.throttle import ACCOUNT_FAILURES, ADDRESS_FAILURES, LOCKOUT_SECONDS, THROTTLE, Throttle
from vlboard.intake.users import (
    ANONYMOUS,
    ROLES,
    SCOPES,
    AccessDenied,
    AuthConfigError,
    User,
    normalise_username,
    require_admin,
    require_import,
    require_lead,
    require_reopen,
    require_review,
    require_submit,
)

__all__ = [
    "ACCOUNT_FAILURES",
    "ADDRESS_FAILURES",
    "ANONYMOUS",
    "HASH_PREFIX",
    "LOCKOUT_SECONDS",
    "MIN_PASSWORD",
    "ROLES",
    "SCOPES",
    "THROTTLE",
    "AccessDenied",
    "Account",
    "AuthConfigError",
    "Settings",
    "Throttle",
    "User",
    "account_snippet",
    "authenticate",
    "client_address",
    "default_secrets_path",
    "hash_password",
    "load_secrets_file",
    "normalise_username",
    "oidc_user",
    "require_admin",
    "require_import",
    "require_lead",
    "require_reopen",
    "require_review",
    "require_submit",
    "settings",
    "sign_in",
]
_FIELDS = ("name", "role", "agency", "unit", "plan")  # of an account (besides password_hash) or an OIDC entry


@dataclass(frozen=True)
class Account:
    """A local account: the user it signs in as, and its argon2id hash."""

    user: User
    password_hash: str = field(repr=False)


@dataclass(frozen=True)
class Settings:
    allow_anonymous: bool  # viewers may read without signing in
    accounts: dict[str, Account]  # by normalised username
    oidc_configured: bool  # [auth] has client_id and server_metadata_url (st.login)
    oidc_roles: dict[str, User]  # lower-cased e-mail -> role/scope
    trusted_proxies: tuple = ()  # networks whose X-Forwarded-For / X-Real-IP are believed


def _email(email: str | None) -> str:
    return nfc((email or "").strip().lower())


def _user(where: str, key: str, table, via: str) -> User:
    """Validate one account or OIDC entry and return its User; ``where`` names it in errors."""
    if not isinstance(table, Mapping):
        raise AuthConfigError(f"{where}: phải là một bảng với các trường {', '.join(_FIELDS)}.")
    for k, v in table.items():
        if k not in _FIELDS:
            raise AuthConfigError(f"{where}: trường «{k}» không được hỗ trợ (chỉ nhận: {', '.join(_FIELDS)}).")
        if not isinstance(v, str) or not v.strip():
            raise AuthConfigError(f"{where}: trường «{k}» phải là chuỗi không rỗng.")
    role = table.get("role", "viewer").strip()
    agency, unit = (table.get(t, "").strip() or None for t in SCOPES)
    plan = table.get("plan", "").strip() or None
    if role not in ROLES:
        raise AuthConfigError(
            f"{where}: trường «role» = «{role}» không hợp lệ; chỉ nhận viewer, editor, reviewer, leader hoặc admin."
        )
    if plan and role != "reviewer":
        raise AuthConfigError(f"{where}: chỉ vai trò reviewer có trường «plan»; vai trò {role} hãy bỏ trường này.")
    if role == "editor" and not (agency or unit):
        raise AuthConfigError(
            f"{where}: vai trò editor cần một phạm vi — trường «agency» (mã cơ quan) hoặc «unit» (mã địa bàn)."
        )
    if role == "editor" and agency and unit:
        raise AuthConfigError(
            f"{where}: vai trò editor chỉ có một phạm vi, không được có cả trường «agency» lẫn «unit»."
        )
    if role != "editor" and (agency or unit):
        extra = "agency" if agency else "unit"
        raise AuthConfigError(f"{where}: vai trò {role} không có phạm vi; hãy bỏ trường «{extra}».")
    return User(key, nfc(table.get("name", "").strip()) or key, role, agency, unit, via, plan)


def settings(secrets: Mapping) -> Settings:
    """Parse a secrets mapping (tomllib dict or ``st.secrets``); AuthConfigError on a bad entry."""
    section = secrets.get("vlboard") or {}
    allow = section.get("allow_anonymous", True)
    if not isinstance(allow, bool):
        raise AuthConfigError("[vlboard]: trường «allow_anonymous» phải là true hoặc false.")
    accounts: dict[str, Account] = {}
    for key, table in (section.get("accounts") or {}).items():
        name, where = normalise_username(key), f"Tài khoản «{key}» ([vlboard.accounts])"
        if not name or name in accounts:
            raise AuthConfigError(
                f"{where}: tên đăng nhập rỗng hoặc trùng (không phân biệt hoa thường) với tài khoản khác."
            )
        if not isinstance(table, Mapping) or not isinstance(table.get("password_hash"), str):
            raise AuthConfigError(
                f"{where}: thiếu trường «password_hash» — tạo bằng lệnh: python -m vlboard hash-password."
            )
        pw_hash = table["password_hash"].strip()
        if not pw_hash.startswith(HASH_PREFIX):
            raise AuthConfigError(
                f"{where}: trường «password_hash» không phải mã băm argon2id (phải bắt đầu bằng «{HASH_PREFIX}») — tạo bằng lệnh: python -m vlboard hash-password."
            )
        rest = {k: v for k, v in table.items() if k != "password_hash"}
        accounts[name] = Account(_user(where, name, rest, "local"), pw_hash)
    oidc_roles = {
        _email(e): _user(f"Địa chỉ «{e}» ([vlboard.oidc_roles])", _email(e), table, "oidc")
        for e, table in (section.get("oidc_roles") or {}).items()
    }
    proxies = section.get("trusted_proxies", [])
    if not isinstance(proxies, list) or not all(isinstance(p, str) for p in proxies):
        raise AuthConfigError('[vlboard]: trường «trusted_proxies» phải là danh sách địa chỉ, ví dụ ["127.0.0.1"].')
    auth = secrets.get("auth") or {}
    configured = isinstance(auth, Mapping) and all(auth.get(k) for k in ("client_id", "server_metadata_url"))
    return Settings(allow, accounts, configured, oidc_roles, networks(proxies))


def authenticate(s: Settings, username: str, password: str) -> User | None:
    """The account's User when the password matches, else None; same argon2 work either way."""
    account = s.accounts.get(normalise_username(username))
    password = nfc(password) if isinstance(password, str) else ""
    ok = _verify(account.password_hash, password) if account else None
    if ok is None:  # unknown user or unusable hash: spend one verify anyway (no timing oracle)
        _verify(dummy_hash(), password)
    return account.user if ok else None


def oidc_user(s: Settings, email: str | None, name: str | None) -> User:
    """The signed-in OIDC user with the role mapped from its e-mail, else a viewer."""
    key = _email(email)
    mapped = s.oidc_roles.get(key) if key else None
    display = (name or "").strip() or (mapped.display_name if mapped else "") or key or "Khách"
    if mapped is None:
        return User(key, display, "viewer", via="oidc")
    return User(key, display, mapped.role, mapped.agency, mapped.unit, via="oidc", plan=mapped.plan)


def load_secrets_file(path: Path) -> dict:
    """The TOML file as a dict; {} when missing; AuthConfigError naming the file and line when broken."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as e:
        raise AuthConfigError(f"Tệp {path} không phải văn bản UTF-8.") from e
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+), column (\d+)", str(e))
        at = f"dòng {m[1]}, cột {m[2]}" if m else "cuối tệp"
        raise AuthConfigError(f"Tệp {path} sai cú pháp TOML ở {at}: {e}") from e


def default_secrets_path() -> Path:
    """$VLBOARD_SECRETS, else <repo>/.streamlit/secrets.toml."""
    return environment.path("VLBOARD_SECRETS")


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def account_snippet(
    username: str,
    role: str,
    password_hash: str,
    *,
    name: str = "",
    agency: str | None = None,
    unit: str | None = None,
    plan: str | None = None,
) -> str:
    """TOML for one [vlboard.accounts.<username>] table, checked by :func:`settings`."""
    key = normalise_username(username)
    head = key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml(key)
    fields = {"name": nfc(name.strip()), "role": role, "agency": agency, "unit": unit, "plan": plan}
    fields["password_hash"] = password_hash
    lines = [f"[vlboard.accounts.{head}]"] + [f"{k} = {_toml(v)}" for k, v in fields.items() if v]
    text = "\n".join(lines) + "\n"
    settings(tomllib.loads(text))  # round trip: raises AuthConfigError on a bad entry
    return text


def sign_in(
    s: Settings, username: str, password: str, address: str, throttle: Throttle = THROTTLE
) -> User | float | None:
    """:func:`authenticate` behind the throttle: the User, None (wrong), or the seconds to wait."""
    wait = throttle.begin(username, address)
    if wait:
        return wait
    user = None
    try:
        user = authenticate(s, username, password)
    finally:
        throttle.end(username, address, user is not None)
    return user
