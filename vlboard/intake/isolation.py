"""Run one CPU- or memory-heavy step on an upload in a child process under a time and memory limit.

The steps an uploaded file drives (reading it: :func:`workbook.read_upload`; checking its rows:
:func:`validate.check`) cost time and memory that the file decides. In the server they would hold
its one Python interpreter, and with it every other visitor. :func:`run` hands the step to
``vlboard.intake.upload_worker`` (nice 15, resident-memory watch, address-space and CPU limits) and gives
back its answer or, over a limit, a status the caller turns into a Vietnamese refusal. At most
SLOTS steps run at once; others wait for a slot as long as the step itself may take.
"""

from __future__ import annotations

import logging
import math
import pickle
import subprocess
import sys
import threading
from pathlib import Path

SLOTS = 2  # steps run at once (2 cores)
_SLOTS = threading.BoundedSemaphore(SLOTS)
_ROOT = Path(__file__).resolve().parents[2]
_MEMORY_EXIT = 3  # upload_worker.MEMORY_EXIT (not imported: that module is the child's)
_log = logging.getLogger(__name__)


def run(task: str, args: tuple, kwargs: dict, *, seconds: float, mb: int, label: str) -> tuple[str, object]:
    """``(status, answer)``: status ``ok`` (answer = the task's return value), ``busy`` (no slot
    within ``seconds``), ``timeout``, ``memory`` (over ``mb`` or killed by a limit) or ``failed``
    (the child broke: logged with its stderr, ``label`` naming the file)."""
    if not _SLOTS.acquire(timeout=seconds):
        return "busy", None
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "vlboard.intake.upload_worker"],
            cwd=_ROOT,
            capture_output=True,
            input=pickle.dumps((task, args, kwargs, mb, math.ceil(seconds))),
            timeout=seconds,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        return "timeout", None
    finally:
        _SLOTS.release()
    if proc.returncode == 0:
        status, answer = pickle.loads(proc.stdout)  # written by our own child, nothing else
        if status in ("ok", "memory"):
            return status, answer
    if proc.returncode in (_MEMORY_EXIT, *range(-64, 0)):  # over memory, or killed (SIGXCPU …)
        return "memory", None
    _log.error(
        "upload %s failed on %r (exit %s): %s",
        task,
        label,
        proc.returncode,
        proc.stderr.decode(errors="replace")[-4000:],
    )
    return "failed", None
