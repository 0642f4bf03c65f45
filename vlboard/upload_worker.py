"""Child process that reads one upload (``workbook.read_upload``) under a memory and CPU limit.

Started by ``workbook.read_upload_isolated``: the request (file name, bytes, size limit, memory
limit in MB) comes pickled on stdin, the answer goes pickled to stdout. The limits are set before
the bytes are read, so a file that needs more memory or time than allowed kills only this process,
never the server that serves every other visitor.
"""

from __future__ import annotations

import os
import pickle
import resource
import sys

NICENESS = 15


def main() -> int:
    name, data, max_bytes, memory_mb, cpu_seconds = pickle.load(sys.stdin.buffer)
    os.nice(NICENESS)  # the server's own threads (every other visitor) get the CPU first
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    try:
        from vlboard import workbook

        answer = ("ok", workbook.read_upload(name, data, max_bytes=max_bytes))
    except MemoryError:
        answer = ("memory", None)
    sys.stdout.buffer.write(pickle.dumps(answer))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
