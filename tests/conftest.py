"""Fixtures shared by every tier: the shipped catalogue built once per session, tiny snapshots written
from dicts, the intake data folder and CLI secrets. Helpers live in tests/support/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vlboard.intake import auth
from vlboard.store import snapshots

from tests.support.fixtures import ROOT, data_dir_with, tiny_tables
from tests.support.intake import FAST, PASSWORD, intake_tables

TESTS = Path(__file__).resolve().parent

# Tiers (design.md §5): `make test-fast` = -m "not browser and not load and not slow" (unit + app).
# A test is "browser" or "load" by its folder; "slow" by the list below (over ~5 s on an idle 2-core
# machine, measured with --durations): a path under tests/, optionally ::test_name (all its parameters).
MARKERS = {
    "browser": "the served app in headless Chromium or behind nginx (tests/browser)",
    "load": "load, soak and upload-neighbour runs against the served app (tests/load)",
    "slow": "a unit or app test over ~5 s; left out of make test-fast",
}
SLOW: set[str] = set()


def pytest_configure(config):
    for name, doc in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {doc}")


def pytest_collection_modifyitems(config, items):
    for item in items:
        rel = Path(str(item.path)).resolve().relative_to(TESTS)
        if rel.parts[0] in ("browser", "load"):
            item.add_marker(getattr(pytest.mark, rel.parts[0]))
        elif rel.as_posix() in SLOW or f"{rel.as_posix()}::{item.originalname}" in SLOW:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _fresh_sign_in_throttle():
    """The sign-in throttle is process-wide (vlboard.intake.auth.THROTTLE): no test inherits another's locks."""
    auth.THROTTLE.reset()
    yield
    auth.THROTTLE.reset()


@pytest.fixture(scope="session")
def shipped_data(tmp_path_factory) -> snapshots.DataDir:
    """A copy of data/source + data/documents, built into a fresh snapshot."""
    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(ROOT / "data" / "source", root / "source")
    shutil.copytree(ROOT / "data" / "documents", root / "documents")
    shutil.copytree(ROOT / "data" / "geo", root / "geo")
    data = snapshots.DataDir(root)
    snapshots.build(data, author="tests")
    return data


@pytest.fixture
def tiny_data(tmp_path) -> snapshots.DataDir:
    return data_dir_with(tmp_path / "data", tiny_tables(), "tiny")


@pytest.fixture
def data(tmp_path) -> snapshots.DataDir:
    """The tiny snapshot plus a count indicator and a document figure (tests.support.intake.intake_tables)."""
    return data_dir_with(tmp_path / "data", intake_tables(), "intake")


@pytest.fixture
def secrets(tmp_path):
    """A secrets file for the CLI: an admin and a clerk of ward w2, both with tests.support.intake.PASSWORD."""
    h = auth.hash_password(PASSWORD, _hasher=FAST)
    path = tmp_path / "secrets.toml"
    path.write_text("[vlboard.accounts.admin]\nrole = \"admin\"\npassword_hash = \"" + h + "\"\n"
                    "[vlboard.accounts.phuong2]\nrole = \"editor\"\nunit = \"w2\"\npassword_hash = \"" + h + "\"\n",
                    encoding="utf-8")
    return path


@pytest.fixture
def two_snapshots(tiny_data) -> tuple[snapshots.DataDir, str, str]:
    """tiny_data plus a newer snapshot in which w1's 2025-Q3 value went from 61 to 65."""
    older = snapshots.current_id(tiny_data)
    base = tiny_tables()["results"].to_pylist()
    changed = [dict(r, value=65.0, numerator=65.0) if r["result_id"] == "r2" else r for r in base]
    newer = snapshots.write_snapshot(tiny_data, tiny_tables(results=changed), author="tests", note="sửa r2")
    assert newer != older and snapshots.current_id(tiny_data) == newer
    return tiny_data, older, newer


@pytest.fixture
def clear_streamlit_caches():
    """st.cache_data/resource are process-global and leak between AppTests (see stack.md)."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
