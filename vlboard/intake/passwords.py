"""Password hashing (argon2id, on the NFC form of the password) and its constant-work check."""

from __future__ import annotations

import functools
import secrets as _secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from vlboard.domain.textnorm import nfc
from vlboard.intake.users import AuthConfigError

HASH_PREFIX = "$argon2id$"
MIN_PASSWORD = 8
_HASHER = PasswordHasher()  # argon2-cffi defaults (argon2id); builds no hash at import time


def hash_password(password: str, *, _hasher: PasswordHasher | None = None) -> str:
    """argon2id hash of the NFC form of ``password`` (at least 8 characters)."""
    if len(nfc(password or "")) < MIN_PASSWORD:
        raise AuthConfigError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
    return (_hasher or _HASHER).hash(nfc(password))


@functools.cache
def dummy_hash() -> str:
    return _HASHER.hash(_secrets.token_hex(16))


def verify(pw_hash: str, password: str) -> bool | None:
    """True/False on match/mismatch; None when the hash itself is unusable (e.g. a placeholder)."""
    try:
        return _HASHER.verify(pw_hash, password)
    except VerifyMismatchError:
        return False
    except (VerificationError, InvalidHashError):
        return None
