"""Fixtures of the served-app tests (tests/browser): a secrets file with one ward clerk."""

from __future__ import annotations

import pytest

from tests.support.guard import PASSWORD
from vlboard.intake import auth


@pytest.fixture(scope="module")
def secrets_env(tmp_path_factory) -> dict[str, str]:
    from argon2 import PasswordHasher

    h = auth.hash_password(PASSWORD, _hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    f = tmp_path_factory.mktemp("guard") / "secrets.toml"
    f.write_text(
        '[vlboard]\ntrusted_proxies = ["127.0.0.1", "::1"]\n'
        f'[vlboard.accounts.ed]\nname = "Cán bộ Long Châu"\nrole = "editor"\nunit = "x2025-29551"\n'
        f'password_hash = "{h}"\n',
        encoding="utf-8",
    )
    return {"VLBOARD_SECRETS": str(f)}
