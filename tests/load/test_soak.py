"""A short soak of the wall in the suite (the long one writes BENCHMARKS.md: python -m tests.load.soak)."""

import os

import pytest

from tests.support.served import CHROMIUM
from vlboard.bench import other_sections, replace_section

from .soak import soak


@pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="no chromium")
def test_short_wall_soak_rotates_without_errors_or_runaway_memory(shipped_data):
    r = soak(shipped_data.root, seconds=25, rotate=3)
    assert r["errors"] == 0
    assert r["slide_changes"] >= 4 and r["distinct_slides"] >= 3
    assert r["rss_max_mb"] < 1500
    assert r["rss_late_mean_mb"] < r["rss_early_mean_mb"] * 1.5 + 100


def test_benchmark_sections_are_replaced_not_duplicated():
    text = "# B\n\n## A\nx\n\n## Wall soak\nold\n\n## C\ny\n"
    out = replace_section(text, "## Wall soak\nnew\n")
    assert out.count("## Wall soak") == 1 and "new" in out and "old" not in out and "## C" in out
    assert replace_section("# B\n", "## Wall soak\nz\n").endswith("## Wall soak\nz\n")
    assert [x.splitlines()[0] for x in other_sections(text, ("## A",))] == ["## Wall soak", "## C"]
