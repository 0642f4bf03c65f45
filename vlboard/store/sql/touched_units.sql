-- grain: one row per unit × agency whose results one change added or removed: the rows of the
--        files one version holds and the other not (views removed_rows and added_rows, made by
--        vlboard.store.status_kept), duplicates counted, so a row rewritten unchanged (a merge
--        rewriting its file, a compaction) touches nobody
-- columns: unit_code, agency_code
-- params: none
-- needs: removed_rows, added_rows
select distinct unit_code, agency_code
from (
    (select * from removed_rows except all select * from added_rows)
    union all
    (select * from added_rows except all select * from removed_rows)
)
order by unit_code nulls first, agency_code nulls first
