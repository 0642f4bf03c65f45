-- grain: one row per indicator: headline value and status for one period
-- columns: indicator_code, plan, pillar, kind, measure_unit, direction, name_vi, value, aggregation, n_units, n_units_reporting, value_min, value_max, period, as_of, source, n_distinct_values, target_year, comparator, target, target_high, target_raw, basis, near_band, attainment, status, n_unapproved
-- params: $year, $period_end, $include_demo, $approved_only
-- needs: status_rows
select indicator_code, plan, pillar, kind, measure_unit, direction, name_vi, value, aggregation, n_units,
       n_units_reporting, value_min, value_max, period, as_of, source, n_distinct_values, target_year,
       comparator, target, target_high, target_raw, basis, near_band, attainment, status, n_unapproved
from vl_status_indicators($year, $period_end, $include_demo, $approved_only)
order by indicator_code
