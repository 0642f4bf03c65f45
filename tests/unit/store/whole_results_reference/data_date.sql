-- grain: one row per source kind (document / report / demo)
-- columns: source, n_results, last_as_of
-- params: none
select source, count(*)::integer as n_results, max(as_of) as last_as_of
from results
group by source
order by source
