"""Fixtures shared by every tier: the shipped catalogue built once per session, tiny snapshots written
from dicts, the intake data folder and CLI secrets. Helpers live in tests/support/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.fixtures import ROOT, data_dir_with, tiny_tables
from tests.support.intake import FAST, PASSWORD, intake_tables
from vlboard.intake import auth
from vlboard.store import build, snapshots

TESTS = Path(__file__).resolve().parent

# Tiers (design.md §5): `make test-fast` = -m "not browser and not load and not slow" (unit + app).
# A test is "browser" or "load" by its folder; "slow" by the list below (over ~5 s on an idle 2-core
# machine, measured with --durations): a path under tests/, optionally ::test_name (all its parameters).
SLOW = {
    # over ~5 s each (measured on the shared 2-core machine under load, --durations)
    "unit/intake/test_intake_sweep.py::test_every_duty_template_reads_back_through_the_import",
    "unit/board/test_indicator.py::test_every_indicator_page_builds",
    "unit/domain/test_path.py::test_sql_and_python_pick_the_same_target_for_every_indicator_and_date",
    "app/test_hostile.py::test_hostile_query_parameters_on_every_page",
    "app/test_wall.py::test_every_wall_slide_with_real_data_only",
    "app/test_pages.py::test_meeting_pack_from_the_sidebar",
    "unit/cli/test_intake_cli.py::test_import_killed_at_random_moments",
    "unit/cli/test_intake_cli.py::test_import_crashing_between_tables_keeps_current",
    "unit/cli/test_intake_cli.py::test_cli_history_and_rollback_admin_only",
    "unit/cli/test_intake_cli.py::test_dry_run_then_import",
    "unit/cli/test_intake_cli.py::test_cli_wrong_password_and_bad_file",
    "unit/intake/test_rollback.py::test_concurrent_import_and_rollback_processes_never_undo_unseen",
    "unit/intake/test_intake.py::test_a_large_file_is_checked_in_the_child_with_the_same_answer",
    "unit/intake/test_intake.py::test_template_saved_by_libreoffice_imports_with_formula_results",
    "unit/export/test_report_docx.py::test_libreoffice_opens_the_draft",
    "unit/export/test_pack_layout.py::test_libreoffice_draws_every_slide_with_every_last_row",
    "unit/export/test_report_docx.py::test_pages_offer_the_draft_for_the_selected_subject",
    "unit/bench/test_bench.py::test_small_bench_agrees_with_pandas",
    "unit/store/test_backup.py::test_backups_in_a_loop_while_imports_run_in_other_processes",
    "unit/export/test_exports.py::test_pdf_pack_reads_back_with_vietnamese_and_filters",
    "unit/export/test_exports.py::test_pack_without_chromium_still_has_tables",
    "unit/export/test_exports.py::test_cli_export_and_unknown_filter",
    # exhaustive sweeps of short cases that add up to minutes (12 SIGKILL seeds, 88 refused numbers)
    "unit/intake/test_write_faults.py::test_sigkill_aimed_at_each_step_keeps_history_and_current_consistent",
    "unit/intake/test_hostile_input.py::test_refused_number_text_in_a_csv_field",
    "unit/intake/test_hostile_input.py::test_refused_number_text_in_an_xlsx_cell",
}


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
    build.build(data, author="tests")
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
    path.write_text(
        '[vlboard.accounts.admin]\nrole = "admin"\npassword_hash = "' + h + '"\n'
        '[vlboard.accounts.phuong2]\nrole = "editor"\nunit = "w2"\npassword_hash = "' + h + '"\n',
        encoding="utf-8",
    )
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

    from vlboard.ui import data

    st.cache_data.clear()
    st.cache_resource.clear()
    data.forget_served()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
