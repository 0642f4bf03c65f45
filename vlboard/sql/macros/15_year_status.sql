-- vl_judged(): every row of results_stored (the results as written, without derived columns) with
-- year_status, its status against the target of its OWN year (basis 'same'; 'no_target' when that
-- year has no numeric target). vlboard.db.judge_results evaluates it once when a snapshot is
-- written and stores it in results.year_status; for a snapshot of format 2, which has no such
-- column, vlboard.db.open_snapshot serves results as a view over this macro instead.
-- Left joins only: every stored row comes out exactly once (targets hold one row per indicator ×
-- year, status_config one default row; vlboard.db.judge_results checks the count).
create or replace macro vl_judged() as table
select r.*,
       vl_status(i.kind, r.value, t.comparator, t.value, t.value_high, i.direction,
                 case when t.year is not null then 'same' end, coalesce(o.near_band, d.near_band)) as year_status
from results_stored r
left join indicators i on i.code = r.indicator_code
left join targets t on t.indicator_code = r.indicator_code and t.year = r.year and t.comparator is not null
left join status_config o on o.indicator_code = r.indicator_code
left join (select near_band from status_config where indicator_code is null) d on true;
