-- grain: one row per indicator that one subject (an agency, or a ward/commune) has its own figure
--        for in one period: the figure that counts for it, its date, source and status (the
--        drafted report "Báo cáo kết quả thực hiện", vlboard/board/report.py)
-- columns: indicator_code, value, period, as_of, source, n_distinct_values, target_year, comparator, target, target_high, target_raw, basis, attainment, status
-- params: $year, $period_end, $include_demo, $approved_only, $subject_type, $subject_code
-- needs: status_rows
select r.indicator_code, r.value, r.period, r.as_of, r.source, r.n_distinct_values, r.target_year, r.comparator,
       r.target, r.target_high, r.target_raw, r.basis, r.attainment, r.status
from status_rows_cache r
where r.k_year = $year and r.k_end = $period_end and r.k_demo = $include_demo and r.k_approved = $approved_only
  and (($subject_type = 'agency' and r.agency_code = $subject_code)
    or ($subject_type = 'unit' and r.unit_code = $subject_code and r.agency_code is null))
  and r.value is not null
order by r.indicator_code
