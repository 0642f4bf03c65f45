-- Who must report what for a period, from reporting_rules (shared by completeness.sql and the
-- import templates/validation, so "expected" means one thing everywhere).
--
-- vl_expected(p_type, p_end): one row per subject × indicator due for a period of type p_type
-- ending p_end, while the indicator's plan runs (plans.period_start..period_end). A subject is
--   * a ward (the city's quarterly reporters, incl. the wards formed on 01/7/2025 that inherit them),
--   * a commune/ward of 2025 (yearly provincial reports),
--   * an agency or office that leads the indicator (directly, or as a member of a lead collective
--     such as «Các sở, ban, ngành tỉnh»), existing at p_end; an agency dissolved before p_end hands
--     its duty to its successor (agencies.successor_code, followed to the first one existing at
--     p_end). Its rows carry the unit of its plan's area (the city or the province).
-- Only numeric indicators with a numeric target are expected (qualitative ones are reported in prose).
-- assumption: true when the dashboard, not the document, sets the duty (a rule with basis
-- 'assumption', a successor inheriting it, or a member of a lead collective); rule_subject is the
-- reporting_rules.subject the row comes from (for the rule's section and quote).
create or replace macro vl_expected(p_type, p_end) as table
with recursive succession(origin, code, depth) as (  -- every agency and its successors, in order
    select code, code, 0 from agencies
    union all
    select s.origin, g.successor_code, s.depth + 1
    from succession s join agencies g on g.code = s.code
    where g.successor_code is not null and s.depth < 10
      and coalesce(g.valid_to, date '9999-12-31') < p_end
),
cfg as (
    select report_due_days as due_days from status_config where indicator_code is null
),
numeric_indicators as (
    select i.code, i.plan, i.scope
    from indicators i
    join plans p on p.code = i.plan
     and coalesce(p.period_start, 0) <= year(p_end) and coalesce(p.period_end, 9999) >= year(p_end)
    where i.kind in ('percent', 'count', 'ratio')
      and exists (select 1 from targets t where t.indicator_code = i.code
                  and t.comparator in ('>=', '>', '<=', '<', 'range'))
),
rules as (
    select r.plan, r.subject, coalesce(r.due_days, (select due_days from cfg)) as due_days,
           coalesce(r.basis, 'document') = 'assumption' as assumed
    from reporting_rules r where r.frequency = p_type
),
inherited as (select distinct new_unit_code from unit_crosswalk),
ward_units as (
    select unit_code, name_vi, unit_code in (select new_unit_code from inherited) as assumed from units
    where (level = 'phuong' or unit_code in (select new_unit_code from inherited))
      and coalesce(valid_from, date '1900-01-01') <= p_end
      and coalesce(valid_to, date '9999-12-31') >= p_end
),
commune_units as (
    select unit_code, name_vi from units
    where level = 'xa'
      and coalesce(valid_from, date '1900-01-01') <= p_end
      and coalesce(valid_to, date '9999-12-31') >= p_end
),
existing as (  -- agencies and offices that can report at p_end (wards report as units, above)
    select code, name_vi from agencies
    where kind in ('agency', 'unit_office') and level <> 'phuong'
      and coalesce(valid_from, date '1900-01-01') <= p_end
      and coalesce(valid_to, date '9999-12-31') >= p_end
),
heir as (  -- origin agency → the agency that holds its duties at p_end
    select origin, arg_min(s.code, s.depth) as code, min(s.depth) > 0 as inherited
    from succession s join existing e on e.code = s.code
    group by origin
),
leads as (  -- (indicator, agency named as lead, assumed): direct leads and members of lead collectives
    select a.indicator_code, a.agency_code, false as assumed
    from assignments a where a.role = 'lead'
    union all
    select a.indicator_code, m.member_code, true
    from assignments a
    join agencies c on c.code = a.agency_code and c.kind = 'collective'
    join agency_members m on m.collective_code = c.code
    where a.role = 'lead'
),
agency_rows as (
    select h.code as agency_code, n.code as indicator_code, n.plan, pu.unit_code,
           min(r.due_days) as due_days, bool_and(r.assumed or l.assumed or h.inherited) as assumption
    from rules r
    join numeric_indicators n on n.plan = r.plan and r.subject = 'lead_agency'
    join plans p on p.code = n.plan
    join units pu on pu.level = p.level  -- an agency reports for its plan's area (city or province)
    join leads l on l.indicator_code = n.code
    join heir h on h.origin = l.agency_code
    group by all
)
select 'unit' as subject_type, w.unit_code as subject_code, w.name_vi as subject_name,
       n.code as indicator_code, r.due_days, w.unit_code as unit_code, null::varchar as agency_code,
       n.plan, r.subject as rule_subject, (r.assumed or w.assumed) as assumption
from rules r
join numeric_indicators n on n.plan = r.plan and r.subject = 'ward' and n.scope like '%ward%'
cross join ward_units w
union all
select 'unit', c.unit_code, c.name_vi, n.code, r.due_days, c.unit_code, null::varchar,
       n.plan, r.subject, r.assumed
from rules r
join numeric_indicators n on n.plan = r.plan and r.subject = 'commune' and n.scope like '%commune%'
cross join commune_units c
union all
select 'agency', g.code, g.name_vi, a.indicator_code, a.due_days, a.unit_code, g.code,
       a.plan, 'lead_agency', a.assumption
from agency_rows a join existing g on g.code = a.agency_code;
