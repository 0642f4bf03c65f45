"""Import of agency and ward reports: file → preview (validated, diffed) → new snapshot.

``preview`` reads the file (vlboard.intake.workbook), enforces the signed-in user's scope (vlboard.intake.auth),
validates every row against the live snapshot (vlboard.intake.validate) and diffs it: new, changed
(old → new) and unchanged values. ``commit`` writes a new snapshot under the write lock, only if
the live snapshot is still the one the preview was made against, with ``source = 'report'`` rows
and one row in the ``imports`` audit table. Nothing is written when anything is wrong.

Over 300 lines: preview and commit are one pipeline over one :class:`Preview`, and the
commit re-checks what the preview decided; the reading, the rules and the isolation already live in
their own modules (workbook, validate, isolation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from vlboard.domain import formatting
from vlboard.domain.periods import parse_period
from vlboard.domain.vocab import VN_TZ as VN
from vlboard.intake import auth, commentary_import, cycle, isolation, validate, workbook
from vlboard.intake.upload import Problem
from vlboard.store import build, db, increments, schema, snapshots
from vlboard.store.source import Snapshot

STATES = {"new": "Mới", "changed": "Thay đổi", "unchanged": "Không đổi"}
ISOLATE_ROWS = 500  # a file with more rows is checked in a child process (see _check)
FIELDS = [
    "indicator_code",
    "scope_type",
    "scope_code",
    "period",
    "value",
    "numerator",
    "denominator",
    "note",
    "evidence_url",
    "cause",  # commentary (giải trình): vlboard.intake.commentary_import
    "remedy",
    "back_by",
]


class ImportRefused(Exception):
    """Nothing was written; the message is Vietnamese."""


@dataclass
class Preview:
    file_name: str
    problems: list[Problem]
    base_snapshot: str | None = None
    upload: workbook.Upload | None = None
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # typed, valid rows to import
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per imported value
    skipped: int = 0  # template rows left blank
    names: dict[str, str] = field(default_factory=dict)  # indicator code → name, for the problem table
    explanations: list = field(default_factory=list)  # commentary_import.Row per valid row
    unexplained: list = field(default_factory=list)  # the misses of the file still without explanation
    new_explanations: int = 0  # explanations of the file that are new or differ from the current ones

    @property
    def ok(self) -> bool:
        return not self.problems and not self.changes.empty

    def unexplained_text(self) -> str:
        """«2 chỉ tiêu chưa đạt hoặc gần đạt chưa có giải trình (bắt buộc trước khi nộp): C-01, C-02», or ""."""
        if not self.unexplained:
            return ""
        codes = ", ".join(r.indicator_code for r in self.unexplained[:10]) + ("…" if len(self.unexplained) > 10 else "")
        return (
            f"{len(self.unexplained)} chỉ tiêu chưa đạt hoặc gần đạt chưa có giải trình "
            f"(bắt buộc trước khi nộp): {codes}"
        )

    def counts(self) -> dict[str, int]:
        states = self.changes.state.value_counts() if not self.changes.empty else {}
        return {s: int(states.get(s, 0)) for s in STATES}

    def problem_rows(self) -> pd.DataFrame:
        """One row per problem with the indicator (code and name) of the spreadsheet row it names."""
        codes = (
            {}
            if self.upload is None
            else {
                r.number: str(r.values.get("indicator_code"))
                for r in self.upload.rows
                if r.values.get("indicator_code") is not None
            }
        )
        out = []
        for p in self.problems:
            code = codes.get(p.row, "") if p.row is not None else ""
            out.append(
                dict(
                    sheet=p.sheet or "",
                    row=p.row,
                    column=p.column or "",
                    indicator_code=code,
                    indicator_name=self.names.get(code, ""),
                    message=p.message,
                )
            )
        return pd.DataFrame(out, columns=["sheet", "row", "column", "indicator_code", "indicator_name", "message"])

    def summary(self) -> str:
        c = self.counts()
        return (
            f"{c['new']} giá trị mới, {c['changed']} thay đổi, {c['unchanged']} không đổi"
            + (f"; {self.skipped} dòng để trống" if self.skipped else "")
            + (f"; {self.new_explanations} giải trình mới hoặc sửa" if self.new_explanations else "")
        )


def stored_note(computed: bool, numerator, denominator, note) -> str | None:
    """The note stored with a report: says when the value was computed from numerator/denominator,
    then the clerk's own note unchanged."""
    own = None if note is None or (not isinstance(note, str) and pd.isna(note)) else str(note)
    if not computed:
        return own
    how = f"Giá trị tính từ tử số / mẫu số ({formatting.number(numerator, 2)} / {formatting.number(denominator, 2)})"
    return f"{how}. {own}" if own else how


def _frame(upload: workbook.Upload) -> tuple[pd.DataFrame, int, list[Problem]]:
    """Rows of the file as one frame (index = spreadsheet row), subject and period filled from the
    hidden sheet of a template or from the columns of a CSV; blank report rows dropped."""
    meta, problems = upload.meta, []
    if upload.kind == "xlsx":
        version = meta.get("template_version")
        if version is None:
            return (
                pd.DataFrame(),
                0,
                [
                    Problem(
                        None,
                        None,
                        None,
                        (
                            f"Tệp không phải mẫu báo cáo của vlboard (thiếu trang ẩn «{workbook.META_SHEET}»); "
                            "hãy tải mẫu mới trên trang Nhập số liệu"
                        ),
                    )
                ],
            )
        if version != workbook.TEMPLATE_VERSION:
            newer = version.isdigit() and int(version) > int(workbook.TEMPLATE_VERSION)
            return (
                pd.DataFrame(),
                0,
                [
                    Problem(
                        workbook.META_SHEET,
                        None,
                        "template_version",
                        (
                            f"mẫu báo cáo phiên bản {version} mới hơn phiên bản vlboard này đọc được ({workbook.TEMPLATE_VERSION});"
                            " hãy cập nhật vlboard, hoặc tải mẫu trên trang Nhập số liệu của hệ thống này"
                            if newer
                            else f"mẫu báo cáo phiên bản {version} đã cũ; hãy tải mẫu mới (phiên bản {workbook.TEMPLATE_VERSION})"
                        ),
                    )
                ],
            )
        if meta.get("scope_type") not in validate.SUBJECT or not meta.get("scope_code") or not meta.get("period"):
            return (
                pd.DataFrame(),
                0,
                [
                    Problem(
                        workbook.META_SHEET, None, None, "trang ẩn của mẫu bị sửa hoặc thiếu thông tin; hãy tải mẫu mới"
                    )
                ],
            )
    records, skipped = {}, 0
    for row in upload.rows:
        v = dict(row.values)
        if all(v.get(k) is None for k in validate.NUMBERS):
            skipped += 1
            continue
        if upload.kind == "xlsx":
            scope = (meta["scope_type"], meta["scope_code"], meta["period"])
        else:
            agency, unit = v.get("agency_code"), v.get("unit_code")
            if bool(agency) == bool(unit):
                problems.append(
                    Problem(
                        upload.sheet,
                        row.number,
                        dict(workbook.COLUMNS)["unit_code"],
                        "điền đúng một trong hai cột «Mã cơ quan» hoặc «Mã phường/xã»",
                    )
                )
                continue
            scope = ("agency", str(agency), v.get("period")) if agency else ("unit", str(unit), v.get("period"))
        code = v.get("indicator_code")
        records[row.number] = dict(
            indicator_code=None if code is None else str(code),
            scope_type=scope[0],
            scope_code=scope[1],
            period=None if scope[2] is None else str(scope[2]),
            **{k: v.get(k) for k in FIELDS[4:]},
        )
    if not records and not problems:
        problems.append(
            Problem(
                None, None, None, "Tệp chưa có giá trị nào được điền (cột «Giá trị» hoặc «Tử số»/«Mẫu số» đều trống)"
            )
        )
    df = pd.DataFrame.from_dict(records, orient="index", columns=FIELDS, dtype=object)
    return df, skipped, problems


def _context(src, df: pd.DataFrame, today: dt.date) -> tuple[validate.Context, dict]:
    """What validation needs from the snapshot, and each subject's area unit (for agency rows)."""
    kinds = dict(zip(src.q("indicator_list").code, src.q("indicator_list").kind))
    agencies = src.q("agency_list")
    units = src.q("unit_list")
    expected, documents, area = set(), {}, {}
    for period in sorted({p for p in df.period if p}):
        try:
            p = parse_period(period)
        except ValueError:
            continue
        exp = src.q("expected_reports", period_type=p.kind, period_end=p.end)
        for r in exp.itertuples(index=False):
            expected.add((r.indicator_code, r.subject_type, r.subject_code, period))
            area.setdefault((r.subject_type, r.subject_code), r.unit_code)
        for st, sc in {(t, c) for t, c, q in zip(df.scope_type, df.scope_code, df.period) if q == period}:
            have = src.q("scope_results", period=period, subject_type=st, subject_code=sc, area_unit=area.get((st, sc)))
            for r in have[have.source == "document"].itertuples(index=False):
                documents[(r.indicator_code, st, sc, period)] = r.value
    known = {"agency": set(agencies.code), "unit": set(units.unit_code)}
    for _, st, sc, _ in expected:  # a subject due to report is known (members of a lead collective)
        known[st].add(sc)
    ctx = validate.Context(today, kinds, known, expected, documents)
    return ctx, area


def _diff(src, rows: pd.DataFrame, area: dict) -> pd.DataFrame:
    names = dict(zip(src.q("indicator_list").code, src.q("indicator_list").name_vi))
    out = []
    for (st, sc, period), group in rows.groupby(["scope_type", "scope_code", "period"], sort=True):
        # the same query as the validation context's (answered from the source's cache)
        have = src.q("scope_results", period=period, subject_type=st, subject_code=sc, area_unit=area.get((st, sc)))
        have = have[have.source != "document"].drop_duplicates("indicator_code").set_index("indicator_code")
        for number, r in group.iterrows():
            old = have.loc[r.indicator_code] if r.indicator_code in have.index else None
            same = (
                old is not None
                and old.source == "report"
                and _eq(old.value, r.value)
                and _eq(old.numerator, r.numerator)
                and _eq(old.denominator, r.denominator)
            )
            out.append(
                dict(
                    row=number,
                    indicator_code=r.indicator_code,
                    name_vi=names.get(r.indicator_code),
                    scope_type=st,
                    scope_code=sc,
                    period=period,
                    old_value=None if old is None else old.value,
                    old_source=None if old is None else old.source,
                    new_value=r.value,
                    computed=bool(r.get("computed", False)),
                    note=stored_note(bool(r.get("computed", False)), r.numerator, r.denominator, r.note),
                    state="new" if old is None else "unchanged" if same else "changed",
                )
            )
    return pd.DataFrame(out)


def _eq(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    return not (pd.isna(a) or pd.isna(b)) and abs(float(a) - float(b)) < 1e-9


def preview(
    data: snapshots.DataDir,
    user: auth.User,
    file_name: str,
    content: bytes,
    *,
    today: dt.date | None = None,
    max_bytes: int = workbook.MAX_BYTES,
    src=None,
) -> Preview:
    """Everything short of writing: read, check scope, validate, diff against the live snapshot.
    ``src``: the live snapshot already open (the page's cached one); else it is opened here."""
    today = today or dt.datetime.now(VN).date()
    upload, problems = workbook.read_upload_isolated(file_name, content, max_bytes=max_bytes)
    if upload is None or problems:
        return Preview(file_name, problems, upload=upload, names=_names(data, src) if upload else {})
    df, skipped, problems = _frame(upload)
    if problems:
        return Preview(file_name, problems, upload=upload, skipped=skipped, names=_names(data, src))
    denied = []
    for (st, sc), group in df.groupby(["scope_type", "scope_code"], sort=True):
        try:
            auth.require_import(user, st, sc)
        except auth.AccessDenied as exc:
            first = int(group.index.min())  # the file's first row of that subject, CSV or template
            denied.append(Problem(upload.sheet, first, None, f"{str(exc).rstrip('.')} ({len(group)} dòng)."))
    if denied:
        return Preview(file_name, denied, upload=upload, skipped=skipped)
    src = src or Snapshot.current(data)
    ctx, area = _context(src, df, today)
    rows, problems = _check(df, ctx, upload.sheet, file_name)
    if problems:
        return Preview(
            file_name, problems, base_snapshot=src.snapshot_id, upload=upload, skipped=skipped, names=_names(data, src)
        )
    rows = rows.assign(
        unit_code=[sc if st == "unit" else area.get((st, sc)) for st, sc in zip(rows.scope_type, rows.scope_code)]
    )
    status = commentary_import.statuses(snapshots.snapshot_dir(data, src.snapshot_id), rows)
    explained, problems = commentary_import.check(rows, status, upload.sheet)
    if problems:
        return Preview(
            file_name, problems, base_snapshot=src.snapshot_id, upload=upload, skipped=skipped, names=_names(data, src)
        )
    pv = Preview(file_name, [], src.snapshot_id, upload, rows, _diff(src, rows, area), skipped)
    pv.explanations, pv.unexplained = explained, commentary_import.missing(src, explained)
    pv.new_explanations = commentary_import.changed(src, explained)
    return pv


DIFF_KEY = ["indicator_code", "scope_type", "scope_code", "period", "old_value", "old_source", "state"]


def _still_holds(data: snapshots.DataDir, pv: Preview, live: str | None, today: dt.date) -> bool:
    """Another write went live after the preview (a deadline day: every clerk imports at once). The
    preview still holds when that write changed no catalogue table (the rules it was validated
    against) and the same rows diffed against the live version give the same changes: it touched
    other subjects or periods. Then the import lands after it instead of being refused."""
    base = snapshots.snapshot_dir(data, pv.base_snapshot or "")
    if live is None or not (base / "manifest.json").is_file():
        return False
    old, new = snapshots.verify(base)["tables"], snapshots.current(data)[2]["tables"]
    if any(old.get(t, {}).get("sha256") != new.get(t, {}).get("sha256") for t in schema.SOURCE_TABLES):
        return False
    src = Snapshot.current(data)
    ctx, area = _context(src, pv.rows, today)
    now = _diff(src, pv.rows, area)
    if now.empty or len(now) != len(pv.changes):
        return False
    return now[DIFF_KEY].reset_index(drop=True).equals(pv.changes[DIFF_KEY].reset_index(drop=True))


def _check(df: pd.DataFrame, ctx: validate.Context, sheet: str, file_name: str):
    """:func:`validate.check`, in a bounded child process (:mod:`vlboard.intake.isolation`) for a file of
    more than ISOLATE_ROWS rows: checking 5 000 rows holds the interpreter ~0,3 s, which every
    other visitor would wait for; a file of a few hundred rows is checked at once."""
    if len(df) <= ISOLATE_ROWS:
        return validate.check(df, ctx, sheet)
    status, answer = isolation.run(
        "check", (df, ctx, sheet), {}, seconds=workbook.WORKER_SECONDS, mb=workbook.WORKER_MB, label=file_name
    )
    if status != "ok":
        return df.iloc[0:0], [Problem(None, None, None, workbook.refusal(status, file_name, "kiểm tra"))]
    return answer


def _names(data: snapshots.DataDir, src) -> dict[str, str]:
    """Indicator code → name (the problem table names the indicator of each faulty row)."""
    try:
        src = src or Snapshot.current(data)
        ind = src.q("indicator_list")
    except (snapshots.SnapshotError, OSError):  # no snapshot yet: problems are shown without names
        return {}
    return dict(zip(ind.code, ind.name_vi))


def _result_rows(pv: Preview, user: auth.User, plans: dict, import_id: str, now: dt.datetime) -> list[dict]:
    changed = set(pv.changes.loc[pv.changes.state != "unchanged", "row"])
    out = []
    for number, r in pv.rows.iterrows():
        if number not in changed:
            continue
        p = parse_period(r.period)
        out.append(
            dict(
                result_id=f"report:{r.indicator_code}:{r.scope_code}:{r.period}",
                indicator_code=r.indicator_code,
                period=p.code,
                period_type=p.kind,
                year=p.year,
                period_end=p.end,
                unit_code=r.unit_code,
                agency_code=r.scope_code if r.scope_type == "agency" else None,
                value=r.value,
                value_text=None,
                numerator=None if pd.isna(r.numerator) else r.numerator,
                denominator=None if pd.isna(r.denominator) else r.denominator,
                as_of=min(p.end, now.date()),  # a quarter reported before its end is data up to the report
                source="report",
                reported_by=user.display_name or user.username,
                reported_at=now.replace(tzinfo=None),
                plan=plans.get(r.indicator_code),
                source_ref=import_id,
                quote=None,
                note=stored_note(bool(r.get("computed", False)), r.numerator, r.denominator, r.note),
                evidence_url=r.evidence_url,
            )
        )
    return out


def commit(data: snapshots.DataDir, user: auth.User, pv: Preview, *, now: dt.datetime | None = None) -> str:
    """Write the previewed rows as a new snapshot and make it live. Returns its id.

    Raises ImportRefused (nothing written) when the preview has problems or nothing changes, when
    the user may not import it, or when another write made the preview stale."""
    if pv.problems or pv.upload is None:
        raise ImportRefused("Tệp còn lỗi; chưa ghi gì.")
    explains = any(not r.explanation.empty for r in pv.explanations)
    if pv.changes.empty or ((pv.changes.state == "unchanged").all() and not explains):
        raise ImportRefused("Không có giá trị nào mới hoặc thay đổi so với dữ liệu hiện tại; chưa ghi gì.")
    for st, sc in {(t, c) for t, c in zip(pv.rows.scope_type, pv.rows.scope_code)}:
        try:
            auth.require_import(user, st, sc)  # again: a preview object could come from anywhere
        except auth.AccessDenied as exc:
            raise ImportRefused(str(exc)) from exc
    now = now or dt.datetime.now(VN)
    import_id = f"imp-{now:%Y%m%dT%H%M%S}-{pv.upload.sha256[:8]}"
    with snapshots.write_lock(data):
        snapshots.clean_temp(data)  # leftovers of a write that was killed
        live = snapshots.current_id(data)
        if live != pv.base_snapshot and not _still_holds(data, pv, live, now.date()):
            raise ImportRefused(
                f"Dữ liệu đã được cập nhật bởi một lần ghi khác (bản {pv.base_snapshot} → {live}) "
                "trong lúc xem trước; hãy tải tệp lên lại để xem trước trên dữ liệu mới. Chưa ghi gì."
            )
        # the data files' checksums are checked by the write itself, beside its work, before
        # anything is published (snapshots.write_change): not twice in a row here
        _, path, manifest = snapshots.current(data, hashes=False)
        try:  # a subject × period submitted or approved takes no import (vlboard.intake.cycle)
            cycle.check_import(path, set(zip(pv.rows.scope_type, pv.rows.scope_code)), set(pv.rows.period))
        except cycle.CycleRefused as exc:
            raise ImportRefused(str(exc)) from exc
        ind = snapshots.read_table(path, "indicators", columns=["code", "plan"])
        plans = dict(zip(ind.column("code").to_pylist(), ind.column("plan").to_pylist()))
        new = _result_rows(pv, user, plans, import_id, now)
        live_src = Snapshot(live or "", path, manifest, db.open_snapshot(path, threads=1))
        try:  # the explanations that differ from the current ones, in the same snapshot
            notes = commentary_import.events(live_src, pv.explanations, user, import_id, now, live or "")
        finally:
            live_src.con.close()
        if not new and not notes:
            raise ImportRefused("Không có giá trị hay giải trình nào mới so với dữ liệu hiện tại; chưa ghi gì.")
        c = pv.counts()
        scopes = sorted({(t, s) for t, s in zip(pv.rows.scope_type, pv.rows.scope_code)})
        audit = dict(
            import_id=import_id,
            imported_at=now.replace(tzinfo=None),
            username=user.username,
            role=user.role,
            scope_type=";".join(t for t, _ in scopes),
            scope_code=";".join(s for _, s in scopes),
            period=";".join(sorted(set(pv.rows.period))),
            file_name=pv.file_name,
            file_sha256=pv.upload.sha256,
            file_bytes=pv.upload.size,
            base_snapshot=live,  # what the commit was checked against (the preview's or a later one)
            n_new=c["new"],
            n_changed=c["changed"],
            n_unchanged=c["unchanged"],
        )
        kwargs = dict(
            author=user.username,
            note=f"Nhập {pv.file_name}: {pv.summary()}",
            extra={"action": "import", "import_id": import_id, "file_sha256": pv.upload.sha256},
            event={
                "action": "import",
                "user": user.username,
                "file": pv.file_name,
                "import_id": import_id,
                "summary": pv.summary(),
            },
        )
        if manifest.get("format") == snapshots.FORMAT_DELTA:  # only what changed is written
            return increments.commit_reports(data, new, audit, commentary=notes, **kwargs)
        tables = {t: snapshots.read_table(path, t) for t in schema.TABLES}  # format 4: a full copy
        tables["results"] = build.with_reports(tables["results"].to_pylist(), new)
        tables["imports"] = pa.concat_tables(
            [tables["imports"], pa.Table.from_pylist([audit], schema=schema.arrow_schema("imports"))]
        )
        tables["commentary_events"] = pa.concat_tables(
            [
                tables["commentary_events"].cast(schema.arrow_schema("commentary_events")),
                pa.Table.from_pylist(notes, schema=schema.arrow_schema("commentary_events")),
            ]
        )
        sid = snapshots.write_snapshot(data, tables, **kwargs)
    return sid
