-- grain: one row per indicator with a real value (not a demo value, a finite number) among the
--        results rows one change added or removed (views removed_rows and added_rows, made by
--        vlboard.store.touched): the earliest period end of those rows. An indicator's path starts
--        at its earliest real value (sql/macros/12_path.sql): a change after it leaves the path
-- columns: indicator_code, first_end
-- params: none
-- needs: removed_rows, added_rows
select indicator_code, min(period_end) as first_end
from (
    (select * from removed_rows except all select * from added_rows)
    union all
    (select * from added_rows except all select * from removed_rows)
)
where source <> 'demo' and value is not null and isfinite(value)
group by indicator_code
order by indicator_code
