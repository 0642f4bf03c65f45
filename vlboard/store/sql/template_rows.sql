-- grain: one row per indicator a subject must report for one period (the rows of its Excel template)
-- columns: indicator_code, name_vi, plan, kind, unit, direction, unit_code, agency_code, target_year, target_raw, previous_value, previous_source, assumption, due_days, rule_section, rule_quote, plan_name
-- params: $subject_type, $subject_code, $period_type, $period_end, $year, $previous
with e as (
    select * from vl_expected($period_type, $period_end)
    where subject_type = $subject_type and subject_code = $subject_code
),
target as (  -- the period's year target, failing that the next later one, then the last earlier one
    select t.indicator_code, arg_min(t.year, (t.year < $year, abs(t.year - $year))) as target_year,
           arg_min(t.raw, (t.year < $year, abs(t.year - $year))) as target_raw
    from targets t join e on e.indicator_code = t.indicator_code
    group by t.indicator_code
),
previous as (  -- the subject's value of the period before (reports first, then demo; conflicting
    -- figures: the newest, then the lowest precedence, then result_id, as vl_status_rows picks them)
    select r.indicator_code,
           arg_min(r.value, (r.source <> 'report', date '9999-12-31' - r.as_of,
                             coalesce(r.precedence, 2147483647), r.result_id)) as value,
           arg_min(r.source, (r.source <> 'report', date '9999-12-31' - r.as_of,
                              coalesce(r.precedence, 2147483647), r.result_id)) as source
    from results r join e on e.indicator_code = r.indicator_code
     and ((e.subject_type = 'unit' and r.unit_code = e.subject_code and r.agency_code is null)
       or (e.subject_type = 'agency' and r.agency_code = e.subject_code))
    where r.period = $previous and r.value is not null
    group by r.indicator_code
),
rule as (
    select plan, subject, any_value(section) as section, any_value(quote) as quote
    from reporting_rules where frequency = $period_type group by all
)
select e.indicator_code, i.name_vi, i.plan, i.kind, i.unit, i.direction, e.unit_code, e.agency_code,
       t.target_year, t.target_raw, p.value as previous_value, p.source as previous_source,
       e.assumption, e.due_days, ru.section as rule_section, ru.quote as rule_quote, pl.short_name as plan_name
from e
join indicators i on i.code = e.indicator_code
join plans pl on pl.code = e.plan
left join rule ru on ru.plan = e.plan and ru.subject = e.rule_subject
left join target t on t.indicator_code = e.indicator_code
left join previous p on p.indicator_code = e.indicator_code
order by e.indicator_code
