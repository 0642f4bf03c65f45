"""Password-guessing rate against the served app (SECURITY.md "Results"): `python -m tools.guessrate`.

Serves serve.py on a free loopback port with one throwaway account per scenario, then guesses
wrong passwords over Streamlit's websocket protocol as fast as the server answers, for
``--seconds`` (default 130: three lockout windows open). Scenario "one client": one session, one
address. Scenario "four clients": four sessions at once, each from its own address (X-Forwarded-For
from a trusted proxy). Counts the guesses the server actually verified (answered «Sai tên đăng nhập
hoặc mật khẩu.») versus those refused by the lockout, and prints guesses per minute per account.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher

from tests.support.guard import sidebar_errors, submit_login
from tests.support.served import served_process
from tests.support.wsclient import Session
from vlboard.intake import auth
from vlboard.store import snapshots

ROOT = Path(__file__).resolve().parents[1]
WRONG = "Sai tên đăng nhập hoặc mật khẩu."


async def client(url: str, account: str, address: str, until: float, counts: dict) -> None:
    async with Session(url, headers={"X-Forwarded-For": address}, timeout=60) as s:
        page = await s.open()
        while time.monotonic() < until:
            page = await submit_login(s, page, account, "doan-sai")
            errors = sidebar_errors(page)
            key = "verified" if errors == [WRONG] else "refused"
            counts[key] += 1


async def scenario(url: str, account: str, clients: int, seconds: float) -> dict:
    counts = {"verified": 0, "refused": 0}
    until = time.monotonic() + seconds
    await asyncio.gather(*[client(url, account, f"198.51.100.{i + 1}", until, counts) for i in range(clients)])
    counts["per_minute"] = counts["verified"] / (seconds / 60)
    counts["attempts_per_minute"] = (counts["verified"] + counts["refused"]) / (seconds / 60)
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=130)
    args = ap.parse_args()
    h = auth.hash_password("mat-khau-do-thu", _hasher=PasswordHasher())  # production cost
    with tempfile.TemporaryDirectory() as tmp:
        secrets = Path(tmp) / "secrets.toml"
        secrets.write_text(
            '[vlboard]\ntrusted_proxies = ["127.0.0.1", "::1"]\n'
            + "".join(f'[vlboard.accounts.{a}]\nrole = "viewer"\npassword_hash = "{h}"\n' for a in ("mot", "bon")),
            encoding="utf-8",
        )
        data = snapshots.DataDir(ROOT / "data")
        with served_process(data.root, env={"VLBOARD_SECRETS": str(secrets)}) as (url, _):
            one = asyncio.run(scenario(url, "mot", 1, args.seconds))
            four = asyncio.run(scenario(url, "bon", 4, args.seconds))
    for name, r in (("one client", one), ("four clients", four)):
        print(
            f"{name}: {r['verified']} guesses verified, {r['refused']} refused by the lockout in "
            f"{args.seconds:.0f} s = {r['per_minute']:.1f} guesses/min per account "
            f"(attempts {r['attempts_per_minute']:.0f}/min)"
        )


if __name__ == "__main__":
    main()
