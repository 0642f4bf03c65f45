-- grain: one row per indicator × reporting unit (phường/xã) for one period, for the given
--        indicators and units only (the cells of the heat table)
-- columns: indicator_code, unit_code, unit_name, value, period, attainment, status
-- params: $year, $period_end, $include_demo, $approved_only, $codes, $units
-- needs: status_rows
-- $codes, $units: lists of indicator and unit codes
select r.indicator_code, r.unit_code, u.name_vi as unit_name, r.value, r.period, r.attainment, r.status
from status_rows_cache r
join units u on u.unit_code = r.unit_code
where r.k_year = $year and r.k_end = $period_end and r.k_demo = $include_demo and r.k_approved = $approved_only
  and r.level = 'unit'
  and list_contains($codes, r.indicator_code)
  and list_contains($units, r.unit_code)
order by r.indicator_code, u.name_vi, r.unit_code
