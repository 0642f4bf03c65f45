-- grain: one row per source kind (document / report / demo)
-- columns: source, n_results, last_as_of
-- params: none
-- needs: results_summary
-- (results_summary: the results counted per group, made once per connection: vlboard.store.summary)
select source, sum(n)::integer as n_results, max(as_of) as last_as_of
from results_summary
group by source
order by source
