-- Leaders' directives (vlboard.intake.directives, vlboard.domain.directives): the current state of
-- each directive is the fold of its events (directive_events). The issue row holds what was
-- directed; the state is «done» when its latest done/reopen event is a done, else «open» (the writer
-- keeps `at` strictly increasing per directive).
--
-- vl_directives(): one row per issued directive.
create or replace macro vl_directives() as table
with issue as (
    select directive_id, "at" as issued_at, username as issued_by, target_type, target_code, owner_agency,
           deadline, meeting, text, base_snapshot, value_at_issue, status_at_issue
    from directive_events
    where action = 'issue'
),
closing as (
    select directive_id, action, "at", username, reason
    from directive_events
    where action in ('done', 'reopen')
    qualify row_number() over (partition by directive_id order by "at" desc, event_id desc) = 1
),
notes as (
    select directive_id, count(*) filter (where action = 'note')::integer as n_notes,
           max("at") as last_event_at
    from directive_events
    group by directive_id
)
select i.*, case when c.action = 'done' then 'done' else 'open' end as state,
       case when c.action = 'done' then c."at" end as done_at,
       case when c.action = 'done' then c.username end as done_by,
       case when c.action = 'done' then c.reason end as done_reason,
       coalesce(n.n_notes, 0) as n_notes, n.last_event_at
from issue i
left join closing c using (directive_id)
left join notes n using (directive_id);
