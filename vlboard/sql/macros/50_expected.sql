-- Who must report what for a period, from reporting_rules (shared by completeness.sql and the
-- import templates/validation, so "expected" means one thing everywhere).
--
-- vl_expected(p_type, p_end): one row per subject × indicator due for a period of type p_type
-- ending p_end. A subject is a ward (the city's quarterly reporters, incl. the 2025 successors), a
-- 2025 commune/ward (yearly provincial reports) or a lead agency existing at p_end (its rows carry
-- the unit of its plan's area: the city or the province). Only numeric
-- indicators with a numeric target are expected (qualitative ones are reported in prose).
create or replace macro vl_expected(p_type, p_end) as table
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
    from reporting_rules r where r.frequency = p_type
),
ward_units as (
    select unit_code, name_vi from units
    where (level = 'phuong' or unit_code in (select new_unit_code from unit_crosswalk))
      and coalesce(valid_from, date '1900-01-01') <= p_end
      and coalesce(valid_to, date '9999-12-31') >= p_end
),
commune_units as (
    select unit_code, name_vi from units
    where level = 'xa'
      and coalesce(valid_from, date '1900-01-01') <= p_end
      and coalesce(valid_to, date '9999-12-31') >= p_end
)
select 'unit' as subject_type, w.unit_code as subject_code, w.name_vi as subject_name,
       n.code as indicator_code, r.due_days, w.unit_code as unit_code, null::varchar as agency_code
from rules r
join numeric_indicators n on n.plan = r.plan and r.subject = 'ward' and n.scope like '%ward%'
cross join ward_units w
union all
select 'unit', c.unit_code, c.name_vi, n.code, r.due_days, c.unit_code, null::varchar
from rules r
join numeric_indicators n on n.plan = r.plan and r.subject = 'commune' and n.scope like '%commune%'
cross join commune_units c
union all
select 'agency', g.code, g.name_vi, n.code, r.due_days, pu.unit_code, g.code
from rules r
join numeric_indicators n on n.plan = r.plan and r.subject = 'lead_agency'
join plans p on p.code = n.plan
join units pu on pu.level = p.level  -- an agency reports for its plan's area (city or province)
join assignments a on a.indicator_code = n.code and a.role = 'lead'
join agencies g on g.code = a.agency_code and g.kind = 'agency'
 and coalesce(g.valid_from, date '1900-01-01') <= p_end
 and coalesce(g.valid_to, date '9999-12-31') >= p_end;
