"""The tables of a snapshot: names, columns and Arrow types, in one place.

Source CSVs under data/source/ carry the same columns (as text); the build casts them to these
types. Readers (DuckDB views, tests, the wall screen) rely on this contract.

Over 300 lines: every table's columns are one contract, read in one place; split, a reader would
look for a table's columns in several modules.
"""

from __future__ import annotations

import pyarrow as pa

S, F, I, D, TS = pa.string(), pa.float64(), pa.int32(), pa.date32(), pa.timestamp("ms")  # noqa: E741 (column types, one letter each)

TABLES: dict[str, list[tuple[str, pa.DataType]]] = {
    "plans": [
        ("code", S),
        ("short_name", S),
        ("number", S),
        ("date", D),
        ("date_raw", S),
        ("issuer", S),
        ("issuer_agency_code", S),
        ("level", S),
        ("title", S),
        ("period_start", I),
        ("period_end", I),
        ("document_file", S),
        ("note", S),
    ],
    # quote_anchor: for a quote printed more than once, the text printed right before the place it
    # was read (occurs once; the quote is its first occurrence after it). Format 4.
    "indicators": [
        ("code", S),
        ("plan", S),
        ("pillar", S),
        ("name_vi", S),
        ("kind", S),
        ("unit", S),
        ("direction", S),
        ("scope", S),
        ("focus_area", S),
        ("section", S),
        ("quote", S),
        ("see_also", S),
        ("note", S),
        ("quote_anchor", S),
    ],
    "targets": [
        ("indicator_code", S),
        ("year", I),
        ("comparator", S),
        ("value", F),
        ("value_high", F),
        ("raw", S),
        ("note", S),
    ],
    "agencies": [
        ("code", S),
        ("name_vi", S),
        ("short_name", S),
        ("level", S),
        ("kind", S),
        ("valid_from", D),
        ("valid_to", D),
        ("successor_code", S),
        ("unit_code", S),
        ("note", S),
    ],
    "agency_aliases": [("alias", S), ("agency_code", S), ("note", S)],
    "agency_members": [("collective_code", S), ("member_code", S), ("note", S)],
    "assignments": [("indicator_code", S), ("agency_code", S), ("role", S), ("raw", S)],
    "units": [
        ("unit_code", S),
        ("official_code", S),
        ("name_vi", S),
        ("type", S),
        ("level", S),
        ("parent_code", S),
        ("valid_from", D),
        ("valid_to", D),
        ("former_province", S),
        ("note", S),
    ],
    "unit_crosswalk": [("old_unit_code", S), ("new_unit_code", S), ("effective", D), ("note", S)],
    "results_documents": [
        ("result_id", S),
        ("plan", S),
        ("indicator_codes", S),
        ("name_vi", S),
        ("value", F),
        ("unit", S),
        ("numerator", F),
        ("denominator", F),
        ("period", S),
        ("as_of", D),
        ("as_of_raw", S),
        ("unit_code", S),
        ("agency_code", S),
        ("section", S),
        ("quote", S),
        # format 4: see indicators.quote_anchor; precedence: which of conflicting
        # figures of one date counts (1 = the plan's own monitoring table, 2 = its
        # text; README "Conflicting figures")
        ("quote_anchor", S),
        ("precedence", I),
    ],
    "budgets": [
        ("budget_id", S),
        ("plan", S),
        ("level", S),
        ("stt", S),
        ("agency_raw", S),
        ("item", S),
        ("total", F),
        ("su_nghiep_2025", F),
        ("dau_tu_2025", F),
        ("su_nghiep_2026_2030", F),
        ("dau_tu_2026_2030", F),
        ("amount_column_unclear", F),
        ("note", S),
    ],
    "milestones": [
        ("code", S),
        ("plan", S),
        ("group", S),
        ("task_vi", S),
        ("lead_raw", S),
        ("partner_raw", S),
        ("deadline_raw", S),
        ("due_date", D),
        ("recurrence", S),
        ("period_start", I),
        ("period_end", I),
        ("product", S),
        ("indicator_code", S),
        ("section", S),
        ("quote", S),
    ],
    # who must report which plan's indicators, how often (with the document's words)
    "reporting_rules": [
        ("plan", S),
        ("subject", S),
        ("frequency", S),
        ("due_days", I),
        ("section", S),
        ("quote", S),
        ("note", S),
        # 'document': the document sets this duty; 'assumption': the dashboard's own
        # assumption (shown as «giả định của bảng điều hành» on templates and pages)
        ("basis", S),
    ],
    # the cross-plan target audit (Đối chiếu chỉ tiêu): one concept set by several plans, the
    # indicator the dashboard judges it by and why; each indicator's concept (curated, quoted
    # through the indicators' own quotes)
    "concepts": [
        ("code", S),
        ("label_vi", S),
        ("pillar", S),
        ("judged_by", S),
        ("judged_by_reason", S),
        ("note", S),
    ],
    "indicator_concepts": [("indicator_code", S), ("concept_code", S), ("note", S)],
    # from data/source/status.toml: the default row has indicator_code NULL
    "status_config": [("indicator_code", S), ("near_band", F), ("report_due_days", I)],
    # derived by the build: every reported value (documents, reports, demo) at one grain
    "results": [
        ("result_id", S),
        ("indicator_code", S),
        ("period", S),
        ("period_type", S),
        ("year", I),
        ("period_end", D),
        ("unit_code", S),
        ("agency_code", S),
        ("value", F),
        ("value_text", S),
        ("numerator", F),
        ("denominator", F),
        ("as_of", D),
        ("source", S),
        ("reported_by", S),
        ("reported_at", TS),
        ("plan", S),
        ("source_ref", S),
        ("quote", S),
        ("note", S),
        ("evidence_url", S),
        # results_documents.precedence of a document figure (NULL for reports and demo rows):
        # among figures of one subject and date the lowest counts (format 4)
        ("precedence", I),
        # derived when the snapshot is written (vlboard.store.db.judge_results): the result's status
        # against the target of its own year (snapshot format 3)
        ("year_status", S),
    ],
    # audit of imports (Nhập số liệu): one row per accepted file, carried into every later snapshot
    "imports": [
        ("import_id", S),
        ("imported_at", TS),
        ("username", S),
        ("role", S),
        ("scope_type", S),
        ("scope_code", S),
        ("period", S),
        ("file_name", S),
        ("file_sha256", S),
        ("file_bytes", I),
        ("base_snapshot", S),
        ("n_new", I),
        ("n_changed", I),
        ("n_unchanged", I),
    ],
    # events that explain a series (a merger of units, a method change, a campaign), marked on the
    # indicator's trend chart (vlboard.board.annotations); blank indicator/pillar/unit = all of them;
    # kind: vocab.ANNOTATION_KINDS; plan/quote/quote_anchor: where the documents say it (as milestones)
    "annotations": [
        ("annotation_id", S),
        ("date", D),
        ("indicator_code", S),
        ("pillar", S),
        ("unit_code", S),
        ("kind", S),
        ("text", S),
        ("plan", S),
        ("quote", S),
        ("quote_anchor", S),
    ],
    # the reporting cycle (vlboard.intake.cycle): one row per state change of a subject × period
    # (submit, approve, return, reopen), carried into every later snapshot
    "cycle_events": [
        ("event_id", S),
        ("at", TS),
        ("username", S),
        ("role", S),
        ("action", S),
        ("subject_type", S),
        ("subject_code", S),
        ("period", S),
        ("from_state", S),
        ("to_state", S),
        ("reason", S),
        ("base_snapshot", S),
        ("n_values", I),
    ],
    # leaders' directives (vlboard.intake.directives): one row per issue, progress note, done or
    # reopen of a directive; its current state is the fold of its rows (macros/70_directives.sql)
    "directive_events": [
        ("event_id", S),
        ("directive_id", S),
        ("at", TS),
        ("username", S),
        ("role", S),
        ("action", S),
        ("target_type", S),
        ("target_code", S),
        ("owner_agency", S),
        ("deadline", D),
        ("meeting", S),
        ("text", S),
        ("reason", S),
        ("base_snapshot", S),
        ("value_at_issue", F),
        ("status_at_issue", S),
    ],
    # commentary (giải trình) on a figure: one row per explanation entered (import or page) for an
    # indicator × period × reporting subject; the current one is the latest (macros/75_commentary.sql)
    "commentary_events": [
        ("event_id", S),
        ("at", TS),
        ("username", S),
        ("role", S),
        ("source", S),
        ("import_id", S),
        ("indicator_code", S),
        ("period", S),
        ("subject_type", S),
        ("subject_code", S),
        ("cause", S),
        ("remedy", S),
        ("back_by", D),
        ("base_snapshot", S),
    ],
}

# tables an officer edits as CSV under data/source/ (results is derived)
SOURCE_TABLES = [
    t
    for t in TABLES
    if t not in ("results", "status_config", "imports", "cycle_events", "directive_events", "commentary_events")
]
STATUS_CONFIG_FILE = "status.toml"


# columns the snapshot writer computes from the other tables; never taken from its input
DERIVED: dict[str, tuple[str, ...]] = {"results": ("year_status",)}


# columns added after snapshot format 3, with the format that added them: a snapshot written
# before holds its tables without them (vlboard.store.snapshots.verify, vlboard.store.db.open_snapshot)
ADDED_IN: dict[tuple[str, str], int] = {
    ("indicators", "quote_anchor"): 4,
    ("results_documents", "quote_anchor"): 4,
    ("results_documents", "precedence"): 4,
    ("results", "precedence"): 4,
    ("reporting_rules", "basis"): 4,
}


# tables added after snapshot format 4 without a format change: a snapshot written before has no
# file for them and reads them as empty (vlboard.store.snapshots.verify, vlboard.store.db.open_snapshot)
ADDED_TABLES = ("concepts", "indicator_concepts", "annotations")
# growing tables added the same way (vlboard.store.tables.GROWING): a snapshot written before lacks them
ADDED_GROWING = ("cycle_events", "directive_events", "commentary_events")
OPTIONAL_TABLES = ADDED_TABLES + ADDED_GROWING  # read as empty when a snapshot lacks them


def arrow_schema(table: str, *, derived: bool = True, format: int | None = None) -> pa.Schema:
    """The table's columns and types; ``derived=False``: without the columns the writer computes
    (what the writer takes as input, and what snapshots of format 2 hold); ``format``: as a
    snapshot of that format holds it (without the columns added later)."""
    skip = () if derived else DERIVED.get(table, ())
    return pa.schema(
        [
            pa.field(name, typ)
            for name, typ in TABLES[table]
            if name not in skip and (format is None or ADDED_IN.get((table, name), 0) <= format)
        ]
    )


def columns(table: str) -> list[str]:
    return [name for name, _ in TABLES[table]]


def with_added_columns(table: str, data: pa.Table) -> pa.Table:
    """``data`` (read from a snapshot of an older format) with every column of ADDED_IN it lacks
    appended as NULL; other columns untouched."""
    for f in arrow_schema(table):
        if (table, f.name) in ADDED_IN and f.name not in data.column_names:
            data = data.append_column(f, pa.nulls(data.num_rows, f.type))
    return data
