-- The reporting cycle (vlboard.intake.cycle, vlboard.domain.cycle): the state of each subject ×
-- period is the to_state of its latest event (newest `at`; the writer keeps `at` strictly increasing
-- per subject × period). A subject × period without an event is «chua_nop» (callers coalesce).
--
-- vl_cycle_state(): one row per subject × period with at least one event.
create or replace macro vl_cycle_state() as table
select subject_type, subject_code, period, to_state as state, action, "at", username, reason
from cycle_events
qualify row_number() over (partition by subject_type, subject_code, period order by "at" desc, event_id desc) = 1;
