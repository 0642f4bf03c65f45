-- grain: one row per reporting subject (ward/commune or lead agency) obliged to report for one
--        period (vl_expected), with its due date, what was received (a report or a figure printed
--        in a document; demo rows never count) and its state in the reporting cycle.
-- columns: subject_type, subject_code, subject_name, period, due_date, expected, received, missing, plans, state, last_event_at, last_user, last_reason
-- params: $period, $period_type, $period_end
with expected as (
    select e.*,
           exists (select 1 from results r
                   where r.period = $period and r.source in ('report', 'document')
                     and r.indicator_code = e.indicator_code
                     and ((e.subject_type = 'unit' and r.unit_code = e.subject_code and r.agency_code is null)
                       or (e.subject_type = 'agency' and r.agency_code = e.subject_code))) as got
    from vl_expected($period_type, $period_end) e
),
subjects as (
    select subject_type, subject_code, min(subject_name) as subject_name,
           ($period_end + min(due_days) * interval 1 day)::date as due_date,
           count(distinct indicator_code)::integer as expected,
           count(distinct indicator_code) filter (where got)::integer as received,
           coalesce(string_agg(distinct indicator_code, ', ' order by indicator_code) filter (where not got), '') as missing,
           coalesce(string_agg(distinct plan, ', ' order by plan), '') as plans
    from expected
    group by subject_type, subject_code
)
select s.subject_type, s.subject_code, s.subject_name, $period as period, s.due_date, s.expected, s.received,
       s.missing, s.plans, coalesce(c.state, 'chua_nop') as state, c."at" as last_event_at,
       c.username as last_user, c.reason as last_reason
from subjects s
left join vl_cycle_state() c
  on c.subject_type = s.subject_type and c.subject_code = s.subject_code and c.period = $period
order by s.subject_type, s.subject_name, s.subject_code
