-- grain: one row per indicator matching the data API's filters (a NULL filter: any), one page of
--        them in code order, with the number of matching indicators (n_total) on every row.
--        $agency: lead or partner (assignments, as the pages' agency filter); $unit: indicators
--        reported at that unit's level (ward: scope with "ward", 2025 commune: "commune",
--        province: "province…", city: "city…")
-- columns: code, plan, pillar, name_vi, kind, measure_unit, direction, scope, section, quote, n_total
-- params: $plan, $pillar, $agency, $unit, $limit, $offset
select i.code, i.plan, i.pillar, i.name_vi, i.kind, i.unit as measure_unit, i.direction, i.scope, i.section,
       i.quote, count(*) over () as n_total
from indicators i
where ($plan::varchar is null or i.plan = $plan)
  and ($pillar::varchar is null or i.pillar = $pillar)
  and ($agency::varchar is null
       or exists (select 1 from assignments a where a.indicator_code = i.code and a.agency_code = $agency))
  and ($unit::varchar is null
       or exists (select 1 from units u
                  where u.unit_code = $unit
                    and i.scope like case u.level when 'phuong' then '%ward%'
                                                  when 'xa' then '%commune%'
                                                  when 'tinh' then 'province%'
                                                  else 'city%' end))
order by i.code
limit $limit offset $offset
