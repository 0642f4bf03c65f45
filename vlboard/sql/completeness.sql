-- grain: one row per reporting subject (ward/commune or lead agency) for one period: reports
--        expected by reporting_rules, received, and received on time (demo/report, never documents)
-- columns: subject_type, subject_code, subject_name, expected, received, on_time, missing
-- params: $period, $period_type, $period_end, $include_demo
with cfg as (
    select report_due_days as due_days from status_config where indicator_code is null
),
numeric_indicators as (
    select i.code, i.plan, i.scope
    from indicators i
    where i.kind in ('percent', 'count', 'ratio')
      and exists (select 1 from targets t where t.indicator_code = i.code
                  and t.comparator in ('>=', '>', '<=', '<', 'range'))
),
rules as (
    select r.plan, r.subject, coalesce(r.due_days, (select due_days from cfg)) as due_days
    from reporting_rules r where r.frequency = $period_type
),
ward_units as (
    select unit_code, name_vi from units
    where (level = 'phuong' or unit_code in (select new_unit_code from unit_crosswalk))
      and coalesce(valid_from, date '1900-01-01') <= $period_end
      and coalesce(valid_to, date '9999-12-31') >= $period_end
),
commune_units as (
    select unit_code, name_vi from units
    where level = 'xa'
      and coalesce(valid_from, date '1900-01-01') <= $period_end
      and coalesce(valid_to, date '9999-12-31') >= $period_end
),
expected as (
    select 'unit' as subject_type, w.unit_code as subject_code, w.name_vi as subject_name,
           n.code as indicator_code, r.due_days
    from rules r
    join numeric_indicators n on n.plan = r.plan and r.subject = 'ward' and n.scope like '%ward%'
    cross join ward_units w
    union all
    select 'unit', c.unit_code, c.name_vi, n.code, r.due_days
    from rules r
    join numeric_indicators n on n.plan = r.plan and r.subject = 'commune' and n.scope like '%commune%'
    cross join commune_units c
    union all
    select 'agency', g.code, g.name_vi, n.code, r.due_days
    from rules r
    join numeric_indicators n on n.plan = r.plan and r.subject = 'lead_agency'
    join assignments a on a.indicator_code = n.code and a.role = 'lead'
    join agencies g on g.code = a.agency_code and g.kind = 'agency'
     and coalesce(g.valid_from, date '1900-01-01') <= $period_end
     and coalesce(g.valid_to, date '9999-12-31') >= $period_end
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
