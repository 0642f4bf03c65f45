-- grain: one row per unit × agency × year × period end, for the results one change added or
--        removed: the rows of the files one version holds and the other not (views removed_rows and
--        added_rows, made by vlboard.store.touched), duplicates counted, so a row rewritten unchanged
--        (a merge rewriting its file, a compaction) touches nobody
-- columns: unit_code, agency_code, year, period_end, real, balanced, balanced_real
-- real: some of the rows count when demo values are left out (source is not 'demo'); balanced:
-- every indicator × unit × agency of the group has rows on both sides (a value replaced: its
-- subject neither appears nor goes); balanced_real: the same counting only the rows that are not
-- demo values (a subject without any: balanced)
-- params: none
-- needs: removed_rows, added_rows
with diff as (
    select 'removed' as side, * from (select * from removed_rows except all select * from added_rows)
    union all
    select 'added' as side, * from (select * from added_rows except all select * from removed_rows)
),
subjects as (
    select unit_code, agency_code, indicator_code, year, period_end,
           bool_or(coalesce(source <> 'demo', false)) as real,
           count(distinct side) = 2 as both_sides,
           count(distinct side) filter (where coalesce(source <> 'demo', false)) in (0, 2) as both_sides_real
    from diff
    group by all
)
select unit_code, agency_code, year, period_end, bool_or(real) as real, bool_and(both_sides) as balanced,
       bool_and(both_sides_real) as balanced_real
from subjects
group by all
order by unit_code nulls first, agency_code nulls first, year, period_end
