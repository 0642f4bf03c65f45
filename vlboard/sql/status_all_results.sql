-- grain: one row per pillar × status, over EVERY result row judged against its year's target
--        (the heavy path: the benchmark's 10-million-row figure)
-- columns: pillar, status, n
-- params: $include_demo
select i.pillar,
       vl_status(i.kind, r.value, t.comparator, t.value, t.value_high, i.direction,
                 case when t.year is null then null else 'same' end,
                 coalesce(o.near_band, d.near_band)) as status,
       count(*)::bigint as n
from results r
join indicators i on i.code = r.indicator_code
left join targets t on t.indicator_code = r.indicator_code and t.year = r.year and t.comparator is not null
left join status_config o on o.indicator_code = r.indicator_code
cross join (select near_band from status_config where indicator_code is null) d
where $include_demo or r.source <> 'demo'
group by all
order by i.pillar, status
