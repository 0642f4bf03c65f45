"""Dependency audit for the test command: pip-audit over the project's virtual environment.

Fails (exit 1) on any known vulnerability that SECURITY.md does not list as accepted; prints how
many packages could be audited and how many the vulnerability service did not know (on the CI
network PyPI's per-version JSON API may not answer: those packages are reported, not hidden).
Writes the full JSON to artifacts/pip-audit.json.

    .venv/bin/python tools/audit.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACCEPTED = re.compile(r"^\| *`?((?:PYSEC|GHSA|CVE)-[\w-]+)`? *\|", re.MULTILINE)


def accepted() -> set[str]:
    """Vulnerability ids listed in SECURITY.md's table of accepted findings."""
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    return set(ACCEPTED.findall(text))


def main() -> int:
    out = ROOT / "artifacts" / "pip-audit.json"
    out.parent.mkdir(exist_ok=True)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--local",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if not out.exists() or not out.read_text(encoding="utf-8").strip():
        # no answer from the vulnerability service (network): say so loudly, do not fake a result
        print(
            f"pip-audit could not reach its vulnerability service; nothing audited: {proc.stderr.strip()[-300:]}",
            file=sys.stderr,
        )
        return 0
    report = json.loads(out.read_text(encoding="utf-8"))
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    found = [(d["name"], d["version"], v["id"]) for d in deps for v in d.get("vulns", [])]
    unknown = [f for f in found if f[2] not in accepted()]
    print(
        f"pip-audit: {len(deps) - len(skipped)} packages audited, {len(skipped)} not known to the "
        f"vulnerability service, {len(found)} findings ({len(found) - len(unknown)} accepted in SECURITY.md)."
    )
    for name, version, vid in unknown:
        print(f"  NEW FINDING {vid}: {name} {version}", file=sys.stderr)
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
