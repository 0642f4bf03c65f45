-- grain: one row per indicator × reporting unit (phường/xã) for one period
-- columns: indicator_code, plan, pillar, unit_code, unit_name, unit_level, value, numerator, denominator, period, as_of, source, target_year, comparator, target, attainment, status
-- params: $year, $period_end, $include_demo
-- needs: status_rows
select r.indicator_code, r.plan, r.pillar, r.unit_code, u.name_vi as unit_name, u.level as unit_level,
       r.value, r.numerator, r.denominator, r.period, r.as_of, r.source, r.target_year, r.comparator,
       r.target, r.attainment, r.status
from status_rows_cache r
join units u on u.unit_code = r.unit_code
where r.k_year = $year and r.k_end = $period_end and r.k_demo = $include_demo and r.level = 'unit'
order by r.indicator_code, u.name_vi
