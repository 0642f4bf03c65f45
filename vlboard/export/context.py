"""What an exported file says about itself: the filters it shows (in words, from
``filters.describe``), the data date, the snapshot and the demo mark, and the ASCII file name tag
built from the same filters. One ``Context`` per page run; CSV, XLSX and PNG all read it."""

from __future__ import annotations

from dataclasses import dataclass

from vlboard.domain import filters
from vlboard.domain.textnorm import nfc, slug

BOARD = "Bảng điều hành CĐS Vĩnh Long"
DEMO = "Có số liệu minh họa"
MAX_STEM = 150  # characters of a file name before its extension


@dataclass(frozen=True)
class Context:
    filters: str  # the active filters in words (filters.describe)
    date: str  # newest real figure, dd/mm/yyyy
    snapshot: str
    demo: bool  # demo rows may be included
    tag: str  # ASCII: period, plan, pillar, agency, unit, status when set, then the source

    def lines(self, title: str) -> list[str]:
        """The header block of a CSV/XLSX (without the blank row that follows it)."""
        out = [BOARD, nfc(title), f"Bộ lọc: {self.filters}", f"Số liệu đến {self.date}", f"Bản dữ liệu {self.snapshot}"]
        if self.demo:
            out.append(DEMO)
        return [nfc(x) for x in out]


def of(
    f: filters.Filters, options: filters.Options, *, date: str, snapshot_id: str, demo: bool | None = None
) -> Context:
    """The context of an export made under the filters ``f``. ``demo``: whether demo rows can be in
    it (default: the filters include demo; a page without results passes False)."""
    parts = [getattr(f, k) for k in ("period", "plan", "pillar", "agency", "unit", "status")]
    parts.append("gom-minh-hoa" if f.include_demo else "so-lieu-that")
    tag = "-".join(s for s in (slug(str(p)) for p in parts if p) if s)
    return Context(nfc(filters.describe(f, options)), date, snapshot_id, f.include_demo if demo is None else demo, tag)


def file_name(name: str, ctx: Context | None, ext: str) -> str:
    """``<name>_<filters>.<ext>``, ASCII: 'tinh-trang-tru-cot_2025-q3-xa-hoi-so-so-lieu-that.csv'."""
    stem = slug(name) or "du-lieu"
    if ctx is not None and ctx.tag:
        stem = f"{stem[: MAX_STEM - len(ctx.tag) - 1]}_{ctx.tag}"
    return f"{stem[:MAX_STEM]}.{ext}"
