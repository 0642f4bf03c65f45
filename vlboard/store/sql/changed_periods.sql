-- grain: one row per year × period holding a row that one change added or removed: the rows of the
--        files the change removed (view removed_rows) against those of the files it added
--        (added_rows; both views made by vlboard.store.series), duplicates counted, so a row
--        rewritten unchanged (a merge rewriting its file, a compaction) is no change
-- columns: year, period
-- params: none
-- needs: removed_rows, added_rows
select distinct year, period
from (
    (select * from removed_rows except all select * from added_rows)
    union all
    (select * from added_rows except all select * from removed_rows)
)
order by year, period
