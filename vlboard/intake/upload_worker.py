"""Child process that runs one step on an upload (reading it, checking its rows) under a memory and CPU limit.

Started by ``isolation.run``: the request (task name, its arguments, memory in MB the step may add
to the interpreter with its modules loaded, CPU seconds) comes pickled on stdin, the answer goes
pickled to stdout. The limits are set after the task's modules are imported and before its
arguments are touched, so a file that needs more memory or time than allowed kills only this
process, never the server that serves every other visitor.
"""

from __future__ import annotations

import os
import pickle
import resource
import sys
import threading
import time
from importlib import import_module

NICENESS = 15
MEMORY_EXIT = 3  # exit status: the reading passed its memory budget
_PAGE = os.sysconf("SC_PAGE_SIZE")
TASKS = {  # task name → (module, function, modules it loads lazily): nothing else can be run
    "read": ("vlboard.intake.workbook", "read_upload", ("openpyxl",)),
    "check": ("vlboard.intake.validate", "check", ()),
}


def _resident() -> int:
    """This process's resident memory in bytes (Linux /proc)."""
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * _PAGE


def _watch(limit: int) -> None:
    """Ends the process with MEMORY_EXIT as soon as its resident memory passes ``limit``: a clean,
    certain answer, where a MemoryError deep inside openpyxl (the address-space backstop) can leave
    the interpreter stuck until the wall-clock limit."""
    while True:
        if _resident() > limit:
            os._exit(MEMORY_EXIT)
        time.sleep(0.02)


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize in /proc/self/status")


def main() -> int:
    task, args, kwargs, memory_mb, cpu_seconds = pickle.load(sys.stdin.buffer)
    os.nice(NICENESS)  # the server's own threads (every other visitor) get the CPU first
    module, function, lazy = TASKS[task]
    for name in lazy:  # imported before the limit: the limit is for the step, not the code
        import_module(name)
    step = getattr(import_module(module), function)

    budget = memory_mb * 1024 * 1024
    threading.Thread(target=_watch, args=(_resident() + budget,), daemon=True).start()
    backstop = _address_space() + 2 * budget + 256 * 1024 * 1024  # for what the watch could miss
    resource.setrlimit(resource.RLIMIT_AS, (backstop, backstop))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    try:
        answer = ("ok", step(*args, **kwargs))
    except MemoryError:
        answer = ("memory", None)
    sys.stdout.buffer.write(pickle.dumps(answer))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
