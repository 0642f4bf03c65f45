-- The applicable targets of the period being filled (vlboard.store.db.prepare_status: vl_targets_at
-- once, not once per part of vl_status_rows_part)
create table status_fill_targets as
select indicator_code, target_year, comparator, target, target_high, target_raw, basis
from vl_targets_at(date '1900-01-01', date '1900-01-01')
limit 0;
-- The units whose status rows vl_status_rows_part's 'touched' part computes (vlboard.store.status_kept:
-- the units a change touched, when a period's rows are carried from an earlier version)
create table status_touched_units (unit_code varchar);
-- The status rows of each period, filled on demand by vlboard.store.db.prepare_status: the heavy step
-- of every scorecard query runs once per period and snapshot. Plain tables (not temporary), so every
-- cursor of the snapshot's database sees them, in two parts that the view status_rows_cache joins
-- back into vl_status_rows' columns: status_rows_store, one row per subject with what depends on
-- it, and status_rows_meta, one row per indicator with what depends on the indicator alone (its
-- name, kind, target, band). Once per subject those were most of the table (the name alone is
-- ~230 bytes; at 100 M results 2.8 M rows took ~1.1 GB, more than the 1 GB limit).
create or replace macro vl_status_store_rows(p_year, p_end, p_demo, p_approved, p_lo, p_hi, p_mode) as table
select indicator_code, unit_code, agency_code, level, period, period_end, value, value_text, numerator,
       denominator, as_of, source, n_distinct_values, attainment, status, approval
from vl_status_rows_part(p_year, p_end, p_demo, p_approved, p_lo, p_hi, p_mode, true);

create or replace macro vl_status_meta_rows(p_year, p_end, p_demo, p_approved) as table
select indicator_code, plan, pillar, kind, measure_unit, direction, name_vi, target_year, comparator, target,
       target_high, target_raw, basis, near_band
from vl_status_rows_part(p_year, p_end, p_demo, p_approved, null, null, 'headlines', true);

create table status_rows_store as
select 0::integer as k_year, date '1900-01-01' as k_end, false as k_demo, false as k_approved, *
from vl_status_store_rows(0, date '1900-01-01', false, false, null, null, 'headlines')
limit 0;

create table status_rows_meta as
select 0::integer as k_year, date '1900-01-01' as k_end, false as k_demo, false as k_approved, *
from vl_status_meta_rows(0, date '1900-01-01', false, false)
limit 0;

-- The periods kept for the snapshot (vlboard.store.status_kept) are read from their files, not copied
-- into the tables above (at 100 M results a period took ~400 MB of memory there):
-- vlboard.store.status_files replaces these two views with the files it serves. The tables hold only
-- the rows being computed, and those that could not be kept.
create view status_rows_store_files as from status_rows_store limit 0;
create view status_rows_meta_files as from status_rows_meta limit 0;

-- what the scorecard queries read: the rows of vl_status_rows with the period's key
create view status_rows_cache as
select s.k_year, s.k_end, s.k_demo, s.k_approved, s.indicator_code, m.plan, m.pillar, m.kind, m.measure_unit,
       m.direction, m.name_vi, s.unit_code, s.agency_code, s.level, s.period, s.period_end, s.value, s.value_text,
       s.numerator, s.denominator, s.as_of, s.source, s.n_distinct_values, m.target_year, m.comparator, m.target,
       m.target_high, m.target_raw, m.basis, m.near_band, s.attainment, s.status, s.approval
from (select * from status_rows_store union all select * from status_rows_store_files) s
join (select * from status_rows_meta union all select * from status_rows_meta_files) m on m.k_year = s.k_year and m.k_end = s.k_end and m.k_demo = s.k_demo
 and m.k_approved = s.k_approved and m.indicator_code = s.indicator_code;
