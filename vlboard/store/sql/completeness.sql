-- grain: one row per reporting subject (ward/commune or lead agency) for one period: reports
--        expected by reporting_rules (vl_expected), received, and received on time. Received means
--        a real figure: a report (source 'report') or a figure printed in a document; demo rows
--        count only when $include_demo, and are counted apart in received_demo so pages can say so.
-- columns: subject_type, subject_code, subject_name, expected, received, received_demo, on_time, missing, n_assumed
-- params: $period, $period_type, $period_end, $include_demo
with expected as (
    select * from vl_expected($period_type, $period_end)
),
received as (  -- per indicator × subject: the best source (report, then document, then demo)
    select indicator_code, unit_code, agency_code,
           min(reported_at) filter (where source <> 'document') as reported_at,
           bool_or(source in ('report', 'document')) as real,
           bool_or(source = 'document') and not bool_or(source = 'report') as document_only
    from results
    where period = $period and (source in ('report', 'document') or ($include_demo and source = 'demo'))
    group by all
)
select e.subject_type, e.subject_code, e.subject_name,
       count(*)::integer as expected,
       count(r.indicator_code)::integer as received,
       count(*) filter (where r.indicator_code is not null and not r.real)::integer as received_demo,
       count(*) filter (where r.document_only
                        or r.reported_at <= $period_end + e.due_days * interval 1 day)::integer as on_time,
       string_agg(e.indicator_code, ', ' order by e.indicator_code) filter (where r.indicator_code is null) as missing,
       count(*) filter (where e.assumption)::integer as n_assumed
from expected e
left join received r on r.indicator_code = e.indicator_code
 and ((e.subject_type = 'unit' and r.unit_code = e.subject_code and r.agency_code is null)
   or (e.subject_type = 'agency' and r.agency_code = e.subject_code))
group by e.subject_type, e.subject_code, e.subject_name
order by e.subject_type, (count(r.indicator_code) * 1.0 / count(*)), e.subject_name
