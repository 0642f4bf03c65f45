-- grain: one row per explanation entered (commentary_events), oldest first
-- columns: event_id, at, username, role, source, import_id, indicator_code, period, subject_type, subject_code, cause, remedy, back_by
-- params: none
select event_id, "at", username, role, source, import_id, indicator_code, period, subject_type, subject_code,
       cause, remedy, back_by
from commentary_events
order by indicator_code, period, subject_type, subject_code, "at", event_id
