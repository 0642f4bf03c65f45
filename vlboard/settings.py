"""Process settings: every environment variable vlboard reads, in one table (name, default, help).

Read only through :func:`get` (or the typed :func:`path` and :func:`flag`), at the moment a value is
needed: nothing is read at import, so a test or the benchmark can change a variable between runs.
The README's «Environment» table is :func:`markdown_table` (a test keeps the two equal), and a test
checks that no other module of the product reads the environment itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the repository: relative path defaults start here


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None  # None: unset; a path default is relative to the repository
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "VLBOARD_DATA",
        "data",
        "the data folder (sources, documents, snapshots, CURRENT) of the app and the CLI; tests point it "
        "at a temporary copy",
    ),
    Setting(
        "VLBOARD_KEEP_DAYS",
        "30",
        "retention (`python -m vlboard vacuum`): every snapshot younger than this many days is kept, and "
        "always the live one, those named by a rollback and those tagged `keep` (a closed reporting period)",
    ),
    Setting(
        "VLBOARD_READ_DWELL",
        "0",
        "seconds the app keeps serving a version to its readers after a newer one went live (at most one "
        "switch per interval on a busy deadline day; a session that wrote always reads the newest)",
    ),
    Setting("VLBOARD_SECRETS", ".streamlit/secrets.toml", "the accounts file (TOML) of sign-in and of the intake CLI"),
    Setting(
        "VLBOARD_PASSWORD",
        None,
        "the password the intake CLI uses instead of asking (`import`, `rollback`, `hash-password`)",
    ),
    Setting(
        "VLBOARD_PUBLIC_URL",
        "http://localhost:8501",
        "the dashboard's address as users open it: the reminders (`python -m vlboard remind`) link to "
        "`<address>/nhap-so-lieu?period=…`",
    ),
    Setting("VLBOARD_NO_PNG", None, "any non-empty value turns server-side PNG export off (packs keep tables)"),
    Setting("BROWSER_PATH", None, "the Chromium that draws PNG charts, when not /usr/bin/chromium or chromium on PATH"),
    Setting(
        "VLBOARD_FAULT_AT",
        None,
        "crash drill (tests only): the write step (`mkdir`, `table:<t>`, `manifest`, `history`, `rename`, "
        "`switch`, `switched`) at which the writer dies; `backup`, `restore`: midway through an archive",
    ),
    Setting("VLBOARD_ENOSPC_AT", None, "fault drill (tests only): the write step that fails as a full disk would"),
    Setting(
        "VLBOARD_PAUSE_AT",
        None,
        "kill drill (tests only): the write step at which the writer prints «PAUSED <step>» and waits",
    ),
    Setting("VLBOARD_PAUSE_SECONDS", "60", "kill drill (tests only): how long the writer waits there"),
    Setting(
        "VLBOARD_FAULT_AFTER_TABLES",
        "-1",
        "crash drill (tests only): the writer dies before writing table number N (from 0); -1: never",
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str | None:
    """The setting's value in the environment now, else its default (None when it has none).
    An undeclared name is a KeyError: every setting must be in the table."""
    setting = _BY_NAME[name]
    value = os.environ.get(name)
    return setting.default if value is None else value


def path(name: str) -> Path:
    """A path setting: the environment's value as given, else its default under the repository
    (an empty value counts as unset)."""
    value = os.environ.get(_BY_NAME[name].name)
    if value:
        return Path(value)
    default = _BY_NAME[name].default
    if default is None:
        raise KeyError(f"{name} has no default path")
    return ROOT / default


def flag(name: str) -> bool:
    """A switch: on when set to any non-empty value."""
    return bool(get(name))


def markdown_table() -> str:
    """The README's table of settings."""
    rows = ["| variable | default | what |", "|---|---|---|"]
    rows += [f"| `{s.name}` | {f'`{s.default}`' if s.default is not None else '–'} | {s.help} |" for s in SETTINGS]
    return "\n".join(rows)
