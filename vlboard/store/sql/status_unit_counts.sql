-- grain: one row per reporting unit (phường/xã) × status for one period, over the given indicators
--        (the units page's ranking and map, and the heat table's choice of units, count these
--        instead of reading every indicator × unit row: at national size millions of rows)
-- columns: unit_code, unit_name, status, n
-- params: $year, $period_end, $include_demo, $approved_only, $codes, $unit
-- needs: status_rows
-- $codes: the indicator codes counted (a list); $unit: one unit's code, or null for every unit
select r.unit_code, u.name_vi as unit_name, r.status, count(*) as n
from status_rows_cache r
join units u on u.unit_code = r.unit_code
where r.k_year = $year and r.k_end = $period_end and r.k_demo = $include_demo and r.k_approved = $approved_only
  and r.level = 'unit'
  and list_contains($codes, r.indicator_code)
  and ($unit is null or r.unit_code = $unit)
group by r.unit_code, u.name_vi, r.status
order by r.unit_code, r.status
