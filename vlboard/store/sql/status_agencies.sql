-- grain: one row per assignment (indicator × agency × role) with the status that counts for the
--        agency: its own figure where it reported one, else the indicator's headline status
-- columns: agency_code, agency_name, agency_short, role, indicator_code, plan, pillar, value, source, own_figure, status, n_unapproved
-- params: $year, $period_end, $include_demo, $approved_only
-- needs: status_rows
with ind as (
    select * from vl_status_indicators($year, $period_end, $include_demo, $approved_only)
),
own as (
    select indicator_code, agency_code, value, source, status, approval
    from status_rows_cache
    where k_year = $year and k_end = $period_end and k_demo = $include_demo and k_approved = $approved_only and level = 'agency'
)
select a.agency_code, g.name_vi as agency_name, g.short_name as agency_short, a.role, a.indicator_code,
       i.plan, i.pillar,
       coalesce(o.value, i.value) as value,
       coalesce(o.source, i.source) as source,
       o.status is not null as own_figure,
       coalesce(o.status, i.status) as status,
       -- unapproved report values behind that status (macros/06_approval.sql)
       case when o.status is not null then (o.approval in ('draft', 'submitted', 'returned'))::integer
            else i.n_unapproved end as n_unapproved
from assignments a
join agencies g on g.code = a.agency_code
join ind i on i.indicator_code = a.indicator_code
left join own o on o.indicator_code = a.indicator_code and o.agency_code = a.agency_code
order by g.name_vi, a.role, a.indicator_code
