"""A small valid upload refused when the machine is busy: ``python -m tests.load.starved_upload``
(about a minute, one CPU kept busy meanwhile; not part of the suite).

The deadline-day benchmark (vlboard/bench/deadline.py) saw three clerks' files refused with
«Tệp có 1 lỗi» on a saturated machine. This reproduces the cause: one clerk's filled template (a
dozen rows, checked valid first) goes through ``python -m vlboard import --dry-run`` pinned to CPU 0
while three busy loops at the same priority share that CPU. The isolated reading of the upload
(vlboard/intake/isolation.py) runs its child 15 nice levels lower under a 30 s *wall-clock* limit, so
the child starves and the file is refused as too heavy to read («cần hơn 30 giây để đọc … Hãy chỉ
giữ trang «Số liệu» …»), though reading it takes well under a second of CPU. Prints the exit code,
the seconds and the refusal; exit status 1 when the file was refused (the defect shows), 0 when not.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vlboard.bench import deadline

ROOT = Path(__file__).resolve().parents[2]
HOGS = 3
HOG_SECONDS = 60


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="vlboard-starved-") as tmp:
        prep = deadline.prepare(ROOT / "data", Path(tmp), 1)  # the file passes a preview here
        clerk = prep["clerks"][0]
        cmd = [sys.executable, "-m", "vlboard", "import", str(clerk["file"]), "--user", clerk["user"], "--dry-run"]
        loop = f"import time\nt = time.time()\nwhile time.time() - t < {HOG_SECONDS}: pass"
        hogs = [subprocess.Popen(["taskset", "-c", "0", sys.executable, "-c", loop]) for _ in range(HOGS)]
        try:
            t0 = time.monotonic()
            p = subprocess.run(
                ["taskset", "-c", "0", *cmd], cwd=ROOT, env=deadline._env(prep), capture_output=True, text=True
            )
            seconds = time.monotonic() - t0
        finally:
            for h in hogs:
                h.kill()
                h.wait()
    print(f"exit {p.returncode} after {seconds:.1f} s, {clerk['rows']} rows\n{p.stderr.strip()}")
    return 1 if p.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
