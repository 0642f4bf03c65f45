"""Run one CPU- or memory-heavy step on an upload in a child process under a time and memory limit.

The steps an uploaded file drives (reading it: :func:`workbook.read_upload`; checking its rows:
:func:`validate.check`) cost time and memory that the file decides. In the server they would hold
its one Python interpreter, and with it every other visitor. :func:`run` hands the step to
``vlboard.intake.upload_worker`` (nice 15, resident-memory watch, address-space and CPU limits) and gives
back its answer or, over a limit, a status the caller turns into a Vietnamese refusal. At most
SLOTS steps run at once; others wait for a slot as long as the step itself may take.

The step's limit is CPU time (the child's RLIMIT_CPU), not the wall clock: on a machine busy with
other work (a deadline day: other imports, the app serving viewers) a small file at nice 15 may wait
for the CPU far longer than it computes. The wall clock only bounds the wait (WALL_FACTOR × the
limit); a child stopped by it that had used under half its CPU time was starved, not heavy, and the
answer is ``busy`` (try again), never a refusal that blames the file.
"""

from __future__ import annotations

import logging
import math
import os
import pickle
import signal
import subprocess
import sys
import threading
from pathlib import Path

SLOTS = 2  # steps run at once (2 cores)
_SLOTS = threading.BoundedSemaphore(SLOTS)
_ROOT = Path(__file__).resolve().parents[2]
_MEMORY_EXIT = 3  # upload_worker.MEMORY_EXIT (not imported: that module is the child's)
WALL_FACTOR = 4  # the wall-clock bound of a step, in units of its CPU limit
STARVED = 0.5  # stopped by the wall clock with less than this share of its CPU limit used: starved
_log = logging.getLogger(__name__)


def _child(payload: bytes, wall: float) -> tuple[int | None, bytes, bytes, float]:
    """Run the worker: ``(returncode, stdout, stderr, cpu seconds)``; returncode None when the wall
    clock stopped it (killed, then reaped with its resource usage)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "vlboard.intake.upload_worker"],
        cwd=_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        out, err = proc.communicate(payload, timeout=wall)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = -signal.SIGKILL  # reaped here: Popen must not wait for it again
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
        return None, b"", b"", usage.ru_utime + usage.ru_stime
    return proc.returncode, out, err, 0.0


def run(task: str, args: tuple, kwargs: dict, *, seconds: float, mb: int, label: str) -> tuple[str, object]:
    """``(status, answer)``: status ``ok`` (answer = the task's return value), ``busy`` (no slot
    within ``seconds``), ``timeout``, ``memory`` (over ``mb`` or killed by a limit) or ``failed``
    (the child broke: logged with its stderr, ``label`` naming the file)."""
    if not _SLOTS.acquire(timeout=seconds):
        return "busy", None
    try:
        code, out, err, cpu = _child(pickle.dumps((task, args, kwargs, mb, math.ceil(seconds))), seconds * WALL_FACTOR)
    finally:
        _SLOTS.release()
    if code is None:  # the wall clock stopped it: starved of CPU (busy) or working past its limit
        return ("busy" if cpu < STARVED * seconds else "timeout"), None
    if code == 0:
        status, answer = pickle.loads(out)  # written by our own child, nothing else
        if status in ("ok", "memory"):
            return status, answer
    if code == -signal.SIGXCPU:  # its CPU time limit
        return "timeout", None
    if code in (_MEMORY_EXIT, *range(-64, 0)):  # over memory, or killed by another limit
        return "memory", None
    _log.error(
        "upload %s failed on %r (exit %s): %s",
        task,
        label,
        code,
        err.decode(errors="replace")[-4000:],
    )
    return "failed", None
