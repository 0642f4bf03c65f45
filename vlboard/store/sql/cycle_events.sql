-- grain: one row per state change of the reporting cycle (cycle_events), newest first
-- columns: event_id, at, username, role, action, subject_type, subject_code, period, from_state, to_state, reason, base_snapshot, n_values
-- params: none
select event_id, "at", username, role, action, subject_type, subject_code, period, from_state, to_state,
       reason, base_snapshot, n_values
from cycle_events
order by "at" desc, event_id desc
