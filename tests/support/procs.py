"""Process bookkeeping for the load and soak runs: CPU time, descendants, "nothing left running"."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path


def proc_start(pid: int) -> str | None:
    """Start time of a live (not zombie) process, None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else fields[19]


def descendants(root: int) -> dict[int, str]:
    """Live processes below ``root`` (pid → start time), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(entry.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = {}, [root]
    while todo:
        for pid in children.get(todo.pop(), []):
            start = proc_start(pid)
            if start is not None:
                out[pid] = start
                todo.append(pid)
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def drain(stream):
    """Read a child's stderr while it runs (a full pipe would block it); yields the lines so far."""
    lines: list[str] = []

    def run():
        for raw in iter(stream.readline, b""):
            lines.append(raw.decode("utf-8", "replace").rstrip())

    t = threading.Thread(target=run, daemon=True)
    t.start()
    try:
        yield lines
    finally:
        t.join(timeout=5)
