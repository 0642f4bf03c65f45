"""Generate data/source/contacts.csv (who receives the reporting reminders) from the catalogue.

Every ward/commune and agency that vl_expected obliges to report in any quarter or year of the
plans' span (2023–2030) gets a clerk and a head; Sở KH&CN (which took over Sở TT&TT, the plans'
standing office for reports) is the reviewer and Văn phòng UBND tỉnh the leader's office. The
addresses are clearly fake (example.org) and labelled so: replace them with the real ones.
Deterministic: the same catalogue gives the same file.

    python tools/make_contacts.py [--data data]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vlboard.domain.periods import parse_period
from vlboard.intake import contacts
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

REVIEWER = "S-KHCN"
LEADER_OFFICE = "VP-UBND-T"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="data")
    args = ap.parse_args()
    data = snapshots.DataDir(Path(args.data))
    src = Snapshot.current(data)
    subjects: set[tuple[str, str, str]] = set()
    for year in range(2023, 2031):
        for code in [str(year)] + [f"{year}-Q{q}" for q in range(1, 5)]:
            p = parse_period(code)
            exp = src.q("expected_reports", period_type=p.kind, period_end=p.end)
            subjects |= set(exp[["subject_type", "subject_code", "subject_name"]].itertuples(index=False, name=None))
    names: dict[str, str] = {}
    with (data.source / "agencies.csv").open(encoding="utf-8", newline="") as f:
        names = {r["code"]: r["name_vi"] for r in csv.DictReader(f)}
    rows = contacts.generated_rows(sorted(subjects), (REVIEWER, names[REVIEWER]), (LEADER_OFFICE, names[LEADER_OFFICE]))
    out = data.source / "contacts.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=contacts.COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"Đã ghi {out}: {len(rows)} dòng, {len(subjects)} đơn vị báo cáo")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
