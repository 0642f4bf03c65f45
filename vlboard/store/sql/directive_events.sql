-- grain: one row per event of the leaders' directives (directive_events), oldest first
-- columns: event_id, directive_id, at, username, role, action, text, reason
-- params: none
select event_id, directive_id, "at", username, role, action, text, reason
from directive_events
order by directive_id, "at", event_id
