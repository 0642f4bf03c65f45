"""Server-side PNG of a Plotly figure through kaleido and Debian's Chromium (no browser download).

kaleido 1.5's sync server hands results to the wrong caller under concurrent calls (see
../shared/stack.md), so every export goes through one process-wide lock. The server is started
lazily on first use, never at import.
"""

from __future__ import annotations

import os
import shutil
import textwrap
import threading
import warnings

import plotly.graph_objects as go

from vlboard import settings
from vlboard.export.context import Context

_LOCK = threading.Lock()
_STARTED = False
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path() -> str | None:
    env = settings.get("BROWSER_PATH")
    if env and os.path.exists(env):
        return env
    for path in CANDIDATES:
        if os.path.exists(path):
            return path
    return shutil.which("chromium")


def available() -> tuple[bool, str]:
    """(usable, Vietnamese reason) — exports fall back to tables when PNG is not possible."""
    if settings.flag("VLBOARD_NO_PNG"):
        return False, "Xuất ảnh biểu đồ đang tắt (VLBOARD_NO_PNG)."
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False, "Chưa cài kaleido: không xuất được ảnh biểu đồ."
    if chromium_path() is None:
        return False, "Máy chủ chưa có trình duyệt Chromium: không xuất được ảnh biểu đồ (chạy «make setup»)."
    return True, ""


def _start() -> None:
    global _STARTED
    if _STARTED:
        return
    import kaleido

    warnings.filterwarnings("ignore", message="The kopts argument is ignored")
    kaleido.start_sync_server(n=1, silence_warnings=True, path=chromium_path())
    _STARTED = True


def figure_png(fig: go.Figure, *, width: int = 1280, height: int | None = None, scale: float = 2.0) -> bytes:
    """PNG bytes of ``fig`` (Vietnamese text in Noto Sans, as the figure's theme sets it)."""
    import plotly.io as pio

    ok, reason = available()
    if not ok:
        raise RuntimeError(reason)
    with _LOCK:  # REQUIRED: kaleido's sync server mixes up concurrent results
        _start()
        return pio.to_image(fig, format="png", width=width, height=height or fig.layout.height or 600, scale=scale)


def with_context(fig: go.Figure, ctx: Context, height: int | None = None) -> go.Figure:
    """A copy of ``fig`` whose footer, under the lines it already has (data date, demo mark),
    states the filters in words, the snapshot and the source (and the data date if missing); the figure grows by the added lines
    so the plot keeps its size (``height``: the size it is drawn at, default its own or 500)."""
    from vlboard.charts import theme

    out = go.Figure(fig)
    old = [a for a in out.layout.annotations if a.name == "footer"]
    lines = [x for x in (old[0].text or "").split("<br>") if x] if old else []
    wrap = max(40, int(out.layout.width or 1200) // 7)  # ~7 px a character at the footer's 11 px
    lines += textwrap.wrap(theme.label(f"Bộ lọc: {ctx.filters}"), wrap)
    dated = any("Số liệu đến" in x for x in lines)  # charts.finish already states the data date
    tail = f"Bản dữ liệu {ctx.snapshot} · Nguồn: vlboard"
    lines.append(theme.label(tail if dated else f"Số liệu đến {ctx.date} · {tail}"))
    before = out.layout.margin.b if out.layout.margin.b is not None else 80  # Plotly's default
    theme.set_footer(out, lines)
    grown = max(0, int(out.layout.margin.b) - int(before))
    out.update_layout(height=int(height or out.layout.height or 500) + grown)
    return out


def context_png(fig: go.Figure, ctx: Context, *, width: int, height: int) -> bytes:
    """The chart download: ``fig`` with its context footer (``with_context``), 2×."""
    out = with_context(fig, ctx, height)
    return figure_png(out, width=width, height=int(out.layout.height))
