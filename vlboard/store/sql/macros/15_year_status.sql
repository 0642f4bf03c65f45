-- vl_judged(): every row of results_stored (the results as written, without derived columns) with
-- year_status, its status against the target applicable at its own period end (12_path.sql: the
-- year's printed target, else the path between the targets around it, else not due / the last
-- target; 'no_target' when the indicator has no dated numeric target). vlboard.store.db.judge_results
-- evaluates it once when a snapshot is written and stores it in results.year_status; for a
-- snapshot written under an older rule (format 2 or 3), vlboard.store.db.open_snapshot serves results
-- as a view over this macro instead.
-- judge_targets is vl_targets_at over every period end, made a table first by the caller
-- (vlboard.store.db.prepare_judging): joined as a macro, DuckDB planned 10 M rows against it ~3× slower.
-- Left joins only: every stored row comes out exactly once (judge_targets holds one row per
-- indicator × date, status_config one default row; vlboard.store.db.judge_results checks the count).
create or replace macro vl_judged() as table
select r.*,
       vl_status(i.kind, r.value, t.comparator, t.target, t.target_high, i.direction, t.basis,
                 coalesce(o.near_band, d.near_band)) as year_status
from results_stored r
left join indicators i on i.code = r.indicator_code
left join judge_targets t on t.indicator_code = r.indicator_code and t.at_date = r.period_end
left join status_config o on o.indicator_code = r.indicator_code
left join (select near_band from status_config where indicator_code is null) d on true;
