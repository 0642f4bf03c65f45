-- The status rows of each period, filled on demand by vlboard.store.db.prepare_status: the heavy step
-- of every scorecard query runs once per period and snapshot. A plain table (not temporary), so
-- every cursor of the snapshot's database sees it.
create table status_rows_cache as
select 0::integer as k_year, date '1900-01-01' as k_end, false as k_demo, false as k_approved, *
from vl_status_rows(0, date '1900-01-01', false, false)
limit 0;
