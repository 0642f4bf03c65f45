-- grain: one row per indicator of $codes: the result its path baseline comes from, among the real,
--   finite values at its earliest such period end (the only rows vl_path_segments reads for the
--   baseline, sql/macros/12_path.sql), leaving out the rows whose key (indicator|unit|agency|period)
--   is in $replaced: an import's rows replace them (document figures are never replaced). The import
--   commit judges its rows against these instead of reading every real row of its indicators.
-- columns: result_id, indicator_code, period, period_type, year, period_end, unit_code, agency_code, value, value_text, numerator, denominator, as_of, source, reported_by, reported_at, plan, source_ref, quote, note, evidence_url, precedence
-- params: $codes, $replaced
with codes as (
    select unnest($codes) as code
),
replaced as (  -- the import's keys, split: indicator|unit|agency|period ('' for none)
    select split_part(k, '|', 1) as ind, split_part(k, '|', 2) as unit, split_part(k, '|', 3) as agency,
           split_part(k, '|', 4) as per
    from (select unnest($replaced) as k)
),
candidates as (  -- hash joins only: a list lookup per row was 7 s at 10 M rows
    select r.indicator_code, r.period_end
    from results_stored r
    semi join codes c on c.code = r.indicator_code
    anti join replaced x on r.source <> 'document' and x.ind = r.indicator_code
        and x.unit = coalesce(r.unit_code, '') and x.agency = coalesce(r.agency_code, '') and x.per = r.period
    where r.source <> 'demo' and r.value is not null and isfinite(r.value)
),
firsts as (
    select indicator_code, min(period_end) as first_end from candidates group by indicator_code
),
picked as (  -- the one row the baseline takes at that date (the order of vl_path_segments' arg_min):
    -- the rows an import adds are compared with it, as with all of them; a hash aggregate, not a sort
    -- of every row at that date (every commune's, at national scale)
    select arg_min(
        struct_pack(r.result_id, r.indicator_code, r.period, r.period_type, r.year, r.period_end, r.unit_code,
            r.agency_code, r.value, r.value_text, r.numerator, r.denominator, r.as_of, r.source, r.reported_by,
            r.reported_at, r.plan, r.source_ref, r.quote, r.note, r.evidence_url, r.precedence),
        (coalesce(r.as_of, date '9999-12-31'), coalesce(r.precedence, 2147483647), r.result_id)
    ) as baseline
    from results_stored r
    join firsts f on f.indicator_code = r.indicator_code and f.first_end = r.period_end
    anti join replaced x on r.source <> 'document' and x.ind = r.indicator_code
        and x.unit = coalesce(r.unit_code, '') and x.agency = coalesce(r.agency_code, '') and x.per = r.period
    where r.source <> 'demo' and r.value is not null and isfinite(r.value)
    group by r.indicator_code
)
select unnest(baseline) from picked
