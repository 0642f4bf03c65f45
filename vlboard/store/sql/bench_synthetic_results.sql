-- grain: one synthetic result per numeric indicator × synthetic unit × month (benchmark input); months
-- $m_from … $m_to - 1 of 0 (2023-01) … 35 (2025-12): the whole grid, or one month at a time (a row's
-- values depend only on its indicator, unit and month)
-- columns: result_id, indicator_code, period, period_type, year, period_end, unit_code, agency_code, value, value_text, numerator, denominator, as_of, source, reported_by, reported_at, plan, source_ref, quote, note, evidence_url, precedence
-- params: $n_units, $n_rows, $m_from, $m_to, $source
with ind as (
    select code, plan, kind from indicators
    where kind in ('percent', 'count')
      and code in (select indicator_code from targets where comparator in ('>=', '>', '<=', '<', 'range'))
),
months as (
    select m, make_date(2023 + m // 12, m % 12 + 1, 1) as first_day from range($m_from, $m_to) t(m)
),
grid as (
    select i.code, i.plan, i.kind, u.u, mo.first_day,
           hash(i.code, u.u, mo.m) as h
    from ind i cross join range($n_units) u(u) cross join months mo
    limit $n_rows
)
select 'S' || h as result_id, code as indicator_code, strftime(first_day, '%Y-%m') as period,
       'month' as period_type, year(first_day)::integer as year,
       last_day(first_day) as period_end, 'syn-' || lpad(u::varchar, 5, '0') as unit_code,
       null::varchar as agency_code,
       case when h % 100 < 7 then null
            when kind = 'count' then (h // 100 % 50)::double
            else (h // 100 % 10000) / 100.0 end as value,
       null::varchar as value_text, null::double as numerator, null::double as denominator,
       last_day(first_day) as as_of, $source as source, 'bench' as reported_by,
       (last_day(first_day) + to_days((h // 1000000 % 30)::integer))::timestamp as reported_at,
       plan, null::varchar as source_ref, null::varchar as quote,
       null::varchar as note, null::varchar as evidence_url, null::integer as precedence
from grid
