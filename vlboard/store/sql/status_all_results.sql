-- grain: one row per pillar × status, over EVERY result row judged against its year's target
--        (the heavy path: the benchmark's 10-million-row figure)
-- columns: pillar, status, n
-- params: $include_demo
-- Each result's status against its own year's target is stored with it when the snapshot is
-- written (results.year_status, by the one status macro): counting reads three columns, grouped by
-- indicator first, and only the small counts meet the indicators table.
select i.pillar, s.status, sum(s.n)::bigint as n
from (select indicator_code, year_status as status, count(*) as n
      from results
      where $include_demo or source <> 'demo'
      group by all) s
join indicators i on i.code = s.indicator_code
group by all
order by i.pillar, s.status
