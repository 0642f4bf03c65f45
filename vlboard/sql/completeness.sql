-- grain: one row per reporting subject (ward/commune or lead agency) for one period: reports
--        expected by reporting_rules (vl_expected), received, and received on time (demo/report,
--        never documents)
-- columns: subject_type, subject_code, subject_name, expected, received, on_time, missing
-- params: $period, $period_type, $period_end, $include_demo
with expected as (
    select * from vl_expected($period_type, $period_end)
),
received as (
    select indicator_code, unit_code, agency_code, min(reported_at) as reported_at
    from results
    where period = $period and source <> 'document' and ($include_demo or source <> 'demo')
    group by all
)
select e.subject_type, e.subject_code, e.subject_name,
       count(*)::integer as expected,
       count(r.indicator_code)::integer as received,
       count(*) filter (where r.reported_at <= $period_end + e.due_days * interval 1 day)::integer as on_time,
       string_agg(e.indicator_code, ', ' order by e.indicator_code) filter (where r.indicator_code is null) as missing
from expected e
left join received r on r.indicator_code = e.indicator_code
 and ((e.subject_type = 'unit' and r.unit_code = e.subject_code and r.agency_code is null)
   or (e.subject_type = 'agency' and r.agency_code = e.subject_code))
group by e.subject_type, e.subject_code, e.subject_name
order by e.subject_type, (count(r.indicator_code) * 1.0 / count(*)), e.subject_name
