"""Who may do what: roles, local accounts (argon2id) and OIDC role mapping, from secrets. No streamlit.

Roles: ``viewer`` reads; ``editor`` imports for exactly one agency or one unit; ``admin`` does all,
including rollback. The layout of the secrets is documented in ``.streamlit/secrets.toml.example``.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
import secrets as _secrets
import threading
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from vlboard import settings as environment
from vlboard.domain.textnorm import nfc

ROLES: dict[str, str] = {"viewer": "Người xem", "editor": "Cán bộ nhập liệu", "admin": "Quản trị"}
SCOPES: dict[str, str] = {"agency": "cơ quan", "unit": "địa bàn"}
HASH_PREFIX = "$argon2id$"
MIN_PASSWORD = 8
_FIELDS = ("name", "role", "agency", "unit")  # of an account (besides password_hash) or an OIDC entry
_HASHER = PasswordHasher()  # argon2-cffi defaults (argon2id); builds no hash at import time


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
        return ROLES[self.role] + "".join(f", {SCOPES[t]} {getattr(self, t)}" for t in SCOPES if getattr(self, t))

    def describe(self) -> str:
        """'Nguyễn Văn A (Cán bộ nhập liệu, cơ quan SO-TTTT)'."""
        return f"{self.display_name} ({self._rank()})"

    def _who(self) -> str:
        """Subject of an AccessDenied message."""
        return f"Tài khoản «{self.username}» ({self._rank()})" if self.username else f"Khách chưa đăng nhập ({self._rank()})"


ANONYMOUS = User("", "Khách", "viewer", via="anonymous")


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


def normalise_username(username: str | None) -> str:
    """NFC, strip, casefold: 'Quản Trị ' and its NFD form both give 'quản trị'."""
    return nfc(nfc(username or "").strip().casefold())


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
    if role not in ROLES:
        raise AuthConfigError(f"{where}: trường «role» = «{role}» không hợp lệ; chỉ nhận viewer, editor hoặc admin.")
    if role == "editor" and not (agency or unit):
        raise AuthConfigError(f"{where}: vai trò editor cần một phạm vi — trường «agency» (mã cơ quan) hoặc «unit» (mã địa bàn).")
    if role == "editor" and agency and unit:
        raise AuthConfigError(f"{where}: vai trò editor chỉ có một phạm vi, không được có cả trường «agency» lẫn «unit».")
    if role != "editor" and (agency or unit):
        extra = "agency" if agency else "unit"
        raise AuthConfigError(f"{where}: vai trò {role} không có phạm vi; hãy bỏ trường «{extra}».")
    return User(key, nfc(table.get("name", "").strip()) or key, role, agency, unit, via)


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
            raise AuthConfigError(f"{where}: tên đăng nhập rỗng hoặc trùng (không phân biệt hoa thường) với tài khoản khác.")
        if not isinstance(table, Mapping) or not isinstance(table.get("password_hash"), str):
            raise AuthConfigError(f"{where}: thiếu trường «password_hash» — tạo bằng lệnh: python -m vlboard hash-password.")
        pw_hash = table["password_hash"].strip()
        if not pw_hash.startswith(HASH_PREFIX):
            raise AuthConfigError(f"{where}: trường «password_hash» không phải mã băm argon2id (phải bắt đầu bằng «{HASH_PREFIX}») — tạo bằng lệnh: python -m vlboard hash-password.")
        rest = {k: v for k, v in table.items() if k != "password_hash"}
        accounts[name] = Account(_user(where, name, rest, "local"), pw_hash)
    oidc_roles = {_email(e): _user(f"Địa chỉ «{e}» ([vlboard.oidc_roles])", _email(e), table, "oidc")
                  for e, table in (section.get("oidc_roles") or {}).items()}
    proxies = section.get("trusted_proxies", [])
    if not isinstance(proxies, list) or not all(isinstance(p, str) for p in proxies):
        raise AuthConfigError("[vlboard]: trường «trusted_proxies» phải là danh sách địa chỉ, ví dụ [\"127.0.0.1\"].")
    auth = secrets.get("auth") or {}
    configured = isinstance(auth, Mapping) and all(auth.get(k) for k in ("client_id", "server_metadata_url"))
    return Settings(allow, accounts, configured, oidc_roles, _networks(proxies))


def hash_password(password: str, *, _hasher: PasswordHasher | None = None) -> str:
    """argon2id hash of the NFC form of ``password`` (at least 8 characters)."""
    if len(nfc(password or "")) < MIN_PASSWORD:
        raise AuthConfigError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
    return (_hasher or _HASHER).hash(nfc(password))


@functools.cache
def _dummy_hash() -> str:
    return _HASHER.hash(_secrets.token_hex(16))


def _verify(pw_hash: str, password: str) -> bool | None:
    """True/False on match/mismatch; None when the hash itself is unusable (e.g. a placeholder)."""
    try:
        return _HASHER.verify(pw_hash, password)
    except VerifyMismatchError:
        return False
    except (VerificationError, InvalidHashError):
        return None


def authenticate(s: Settings, username: str, password: str) -> User | None:
    """The account's User when the password matches, else None; same argon2 work either way."""
    account = s.accounts.get(normalise_username(username))
    password = nfc(password) if isinstance(password, str) else ""
    ok = _verify(account.password_hash, password) if account else None
    if ok is None:  # unknown user or unusable hash: spend one verify anyway (no timing oracle)
        _verify(_dummy_hash(), password)
    return account.user if ok else None


def oidc_user(s: Settings, email: str | None, name: str | None) -> User:
    """The signed-in OIDC user with the role mapped from its e-mail, else a viewer."""
    key = _email(email)
    mapped = s.oidc_roles.get(key) if key else None
    display = (name or "").strip() or (mapped.display_name if mapped else "") or key or "Khách"
    if mapped is None:
        return User(key, display, "viewer", via="oidc")
    return User(key, display, mapped.role, mapped.agency, mapped.unit, via="oidc")


def require_import(user: User, scope_type: str, scope_code: str) -> None:
    if not user.may_import(scope_type, scope_code):
        why = "" if user.role == "editor" else " (chỉ có quyền xem)"
        raise AccessDenied(f"{user._who()} không được nhập số liệu của {SCOPES[scope_type]} {scope_code}{why}.")


def require_admin(user: User, action: str) -> None:
    if not user.is_admin:
        raise AccessDenied(f"Chỉ quản trị viên được {action}. {user._who()} không có quyền này.")


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


def account_snippet(username: str, role: str, password_hash: str, *, name: str = "",
                    agency: str | None = None, unit: str | None = None) -> str:
    """TOML for one [vlboard.accounts.<username>] table, checked by :func:`settings`."""
    key = normalise_username(username)
    head = key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml(key)
    fields = {"name": nfc(name.strip()), "role": role, "agency": agency, "unit": unit, "password_hash": password_hash}
    lines = [f"[vlboard.accounts.{head}]"] + [f"{k} = {_toml(v)}" for k, v in fields.items() if v]
    text = "\n".join(lines) + "\n"
    settings(tomllib.loads(text))  # round trip: raises AuthConfigError on a bad entry
    return text


# --- Sign-in throttling: per account and per client address, process-wide -----------------------

ACCOUNT_FAILURES = 5  # wrong passwords for one account before it is locked
ADDRESS_FAILURES = 20  # wrong passwords from one address (an office behind one NAT) before it is locked
LOCKOUT_SECONDS = 60.0


@dataclass
class _Entry:
    failures: int = 0
    pending: int = 0  # attempts being verified right now (argon2 runs outside the lock)
    locked_until: float = 0.0
    last: float = 0.0


class Throttle:
    """Counts wrong passwords per account and per client address for the whole process.

    ``begin`` reserves an attempt (refused while a key is locked, or while the attempts already
    being verified would reach the limit, so parallel clients cannot overshoot it); ``end`` records
    its outcome. A key reaching its limit is locked for ``lockout`` seconds; failures older than
    ``lockout`` are forgotten. Thread-safe: every Streamlit session runs in its own thread.
    """

    def __init__(self, account_limit: int = ACCOUNT_FAILURES, address_limit: int = ADDRESS_FAILURES,
                 lockout: float = LOCKOUT_SECONDS, clock=time.monotonic, max_keys: int = 100_000) -> None:
        self.limits = {"account": account_limit, "address": address_limit}
        self.lockout, self.clock, self.max_keys = lockout, clock, max_keys
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget every failure and lock (tests; an operator's restart does the same)."""
        with self._lock:
            self._entries.clear()

    @staticmethod
    def keys(username: str, address: str) -> tuple[tuple[str, str], ...]:
        return (("account", normalise_username(username)), ("address", address or "?"))

    def _entry(self, key: tuple[str, str], now: float) -> _Entry:
        e = self._entries.get(key)
        if e is None:
            if len(self._entries) >= self.max_keys:
                self._prune(now)
            e = self._entries[key] = _Entry()
        elif e.pending == 0 and now >= e.locked_until and now - e.last >= self.lockout:
            e.failures = 0  # the last failure is older than the window
        return e

    def _prune(self, now: float) -> None:
        idle = [k for k, e in self._entries.items()
                if e.pending == 0 and now >= e.locked_until and now - e.last >= self.lockout]
        for k in idle:
            del self._entries[k]

    def locked_for(self, username: str, address: str) -> float:
        """Seconds until an attempt for this account from this address is accepted (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [e.locked_until - now for k in self.keys(username, address) if (e := self._entries.get(k))]
            return max([0.0, *waits])

    def begin(self, username: str, address: str) -> float:
        """Reserve an attempt: 0 when it may go ahead, else the seconds to wait (nothing reserved)."""
        now = self.clock()
        with self._lock:
            keys = self.keys(username, address)
            entries = [self._entry(k, now) for k in keys]
            wait = max(e.locked_until - now for e in entries)
            if wait > 0:
                return wait
            if any(e.failures + e.pending >= self.limits[k[0]] for k, e in zip(keys, entries)):
                return self.lockout  # the attempts in flight may use up the allowance
            for e in entries:
                e.pending += 1
            return 0.0

    def end(self, username: str, address: str, ok: bool) -> None:
        """The outcome of an attempt reserved by ``begin``."""
        now = self.clock()
        with self._lock:
            for key in self.keys(username, address):
                e = self._entry(key, now)
                e.pending = max(0, e.pending - 1)
                if ok:
                    if key[0] == "account":
                        e.failures = 0
                    continue
                e.failures += 1
                e.last = now
                if e.failures >= self.limits[key[0]]:
                    e.locked_until, e.failures = now + self.lockout, 0


THROTTLE = Throttle()  # the process-wide one the sign-in form uses


def sign_in(s: Settings, username: str, password: str, address: str,
            throttle: Throttle = THROTTLE) -> User | float | None:
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


def _networks(values) -> tuple:
    nets = []
    for v in values:
        try:
            nets.append(ipaddress.ip_network(str(v).strip(), strict=False))
        except ValueError as exc:
            raise AuthConfigError(f"[vlboard]: «trusted_proxies» có địa chỉ không hợp lệ «{v}».") from exc
    return tuple(nets)


def _ip(text: str | None):
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def client_address(peer: str | None, headers: Mapping[str, str] | None, trusted_proxies=()) -> str:
    """The client's address as the proxy reports it.

    ``peer`` is the address of the connection itself. X-Forwarded-For / X-Real-IP are read only
    when ``peer`` is a trusted proxy (``[vlboard] trusted_proxies``): then the right-most
    X-Forwarded-For entry that is not itself a trusted proxy is the client, else X-Real-IP. Anyone
    else could write those headers, so they are ignored and the connection's address is used.
    """
    nets = trusted_proxies if all(isinstance(n, (ipaddress.IPv4Network, ipaddress.IPv6Network))
                                  for n in trusted_proxies) else _networks(trusted_proxies)
    peer_ip = _ip(peer)
    if peer_ip is None:
        return (peer or "?").strip() or "?"

    def trusted(ip) -> bool:
        return any(ip.version == n.version and ip in n for n in nets)

    if not trusted(peer_ip):
        return str(peer_ip)
    h = {k.lower(): v for k, v in (headers or {}).items()}
    hops = [x.strip() for x in h.get("x-forwarded-for", "").split(",") if x.strip()]
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:
            break  # a malformed entry: nothing to its left can be trusted
        if not trusted(ip):
            return str(ip)
    real = _ip(h.get("x-real-ip"))
    if real is not None:
        return str(real)
    return str(peer_ip)
