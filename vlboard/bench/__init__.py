"""``python -m vlboard bench``: status roll-ups at scale, the project's DuckDB path against a plain
pandas baseline computing the same numbers in the same run; figures go to BENCHMARKS.md.

:mod:`.synthetic` makes the data, :mod:`.project` and :mod:`.baselines` compute each figure both
ways, :mod:`.timing` times them, :mod:`.run` runs the sizes (each in its own process) and
:mod:`.report` writes BENCHMARKS.md from the prose in ``report.md``; :mod:`.pages` times the pages.
"""

from vlboard.bench.report import other_sections, render, render_goals, replace_section
from vlboard.bench.run import export_times, main, one_size
from vlboard.bench.synthetic import synthetic_data_dir

__all__ = [
    "export_times",
    "main",
    "one_size",
    "other_sections",
    "render",
    "render_goals",
    "replace_section",
    "synthetic_data_dir",
]
