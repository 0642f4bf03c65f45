-- The headline series of a snapshot that keeps them (series.parquet, written with the snapshot by
-- vlboard.store.series; view series_stored): read, not computed from every result. Replaces the
-- definition of macros/40_series.sql on such a snapshot's connection (vlboard.store.db.open_snapshot).
create or replace macro vl_series_all() as table
select indicator_code, period, period_end, source, value, aggregation, n_units
from series_stored;
