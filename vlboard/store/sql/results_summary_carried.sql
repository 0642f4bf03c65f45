-- grain: results_summary of a version from an earlier version's (the view summary_earlier) and the
--        rows of the data files one holds and the other not (the views added_rows, removed_rows:
--        vlboard.store.summary): counts added, counts taken away, empty groups dropped
-- columns: period, period_type, period_end, year, indicator_code, source, has_value, year_status, as_of, n
-- params: none
-- needs: summary_earlier, added_rows, removed_rows
select period, period_type, period_end, year, indicator_code, source, has_value, year_status, as_of,
       sum(n)::bigint as n
from (
    select period, period_type, period_end, year, indicator_code, source, has_value, year_status, as_of, n
    from summary_earlier
    union all
    select period, period_type, period_end, year, indicator_code, source, value is not null, year_status, as_of,
           1::bigint
    from added_rows
    union all
    select period, period_type, period_end, year, indicator_code, source, value is not null, year_status, as_of,
           -1::bigint
    from removed_rows
)
group by period, period_type, period_end, year, indicator_code, source, has_value, year_status, as_of
having sum(n) <> 0
