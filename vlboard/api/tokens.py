"""API client tokens: ``python -m vlboard api-token add|list|revoke`` writes them, the API reads them.

A token is ``vlb_`` + 43 random URL-safe characters, printed once; the file (``data/api_tokens.json``,
mode 0600, replaced atomically) keeps only its sha256, the client's name, the scope (``all``,
``plan:<code>``, ``agency:<code>``, ``unit:<code>``), when it was made and, once revoked, when.
Revoked entries stay in the file as the audit of who had access.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from vlboard.store import snapshots

FILE = "api_tokens.json"
PREFIX = "vlb_"
SCOPE_KINDS = ("plan", "agency", "unit")
CLIENT_RE = re.compile(r"[\w .@-]{1,64}")


class TokenError(Exception):
    """A token command cannot be done; the message is Vietnamese."""


@dataclass(frozen=True)
class Scope:
    kind: str | None  # None: everything; else "plan", "agency" or "unit"
    code: str | None = None

    @classmethod
    def parse(cls, text: str) -> Scope:
        text = (text or "").strip()
        if text == "all":
            return cls(None)
        kind, _, code = text.partition(":")
        if kind not in SCOPE_KINDS or not code:
            raise TokenError(f"Phạm vi «{text[:40]}» không hợp lệ: dùng all, plan:<mã>, agency:<mã> hoặc unit:<mã>.")
        return cls(kind, code)

    def __str__(self) -> str:
        return "all" if self.kind is None else f"{self.kind}:{self.code}"


@dataclass(frozen=True)
class Client:
    key_id: str
    client: str
    scope: Scope
    created_at: str
    revoked_at: str | None = None


def path(data: snapshots.DataDir) -> Path:
    return data.root / FILE


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _read(file: Path) -> list[dict]:
    try:
        entries = json.loads(file.read_text(encoding="utf-8")).get("tokens", [])
    except FileNotFoundError:
        return []
    except (OSError, ValueError, AttributeError) as exc:
        raise TokenError(f"Không đọc được tệp khóa API {file.name}: {exc}") from exc
    return [e for e in entries if isinstance(e, dict)]


def _write(file: Path, entries: list[dict]) -> None:
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"tokens": entries}, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, file)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _client(e: dict) -> Client:
    return Client(e["key_id"], e["client"], Scope.parse(e["scope"]), e["created_at"], e.get("revoked_at"))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def add(data: snapshots.DataDir, client: str, scope: Scope) -> tuple[str, Client]:
    """A new token for ``client`` (the token itself is returned once and never stored)."""
    if not CLIENT_RE.fullmatch(client or ""):
        raise TokenError("Tên máy khách phải có 1–64 ký tự: chữ, số, khoảng trắng, . @ - _.")
    token = PREFIX + secrets.token_urlsafe(32)
    entry = {"key_id": secrets.token_hex(4), "client": client, "scope": str(scope), "sha256": digest(token)}
    entry["created_at"] = _now()
    with snapshots.write_lock(data):
        entries = _read(path(data))
        entries.append(entry)
        _write(path(data), entries)
    return token, _client(entry)


def list_clients(data: snapshots.DataDir) -> list[Client]:
    return [_client(e) for e in _read(path(data))]


def revoke(data: snapshots.DataDir, key_id: str) -> Client:
    with snapshots.write_lock(data):
        entries = _read(path(data))
        hit = [e for e in entries if e.get("key_id") == key_id and not e.get("revoked_at")]
        if not hit:
            raise TokenError(f"Không có khóa API đang dùng với mã «{key_id[:20]}».")
        hit[0]["revoked_at"] = _now()
        _write(path(data), entries)
    return _client(hit[0])


class Keyring:
    """The API's view of the token file: re-read when it changes (size, mtime), looked up by hash."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._by_hash: dict[str, Client] = {}

    def lookup(self, data: snapshots.DataDir, token: str) -> Client | None:
        file = path(data)
        try:
            st = file.stat()
            stamp: tuple | None = (str(file), st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                entries = _read(file) if stamp else []
                self._by_hash = {e["sha256"]: _client(e) for e in entries if not e.get("revoked_at")}
                self._stamp = stamp
            want = digest(token)
            for h, c in self._by_hash.items():  # constant time per entry
                if hmac.compare_digest(h, want):
                    return c
        return None
