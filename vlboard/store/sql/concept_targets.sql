-- grain: one row per target (indicator × year) of every indicator grouped under a cross-plan concept
-- columns: concept_code, label_vi, concept_pillar, judged_by, judged_by_reason, concept_note, indicator_code, member_note, plan, plan_name, plan_date, plan_level, scope, unit, kind, direction, name_vi, quote, year, comparator, value, value_high, raw
-- params: none
-- plan_date orders the documents: the date printed, else 1 January of the plan's first year
select
    c.code as concept_code,
    c.label_vi,
    c.pillar as concept_pillar,
    c.judged_by,
    c.judged_by_reason,
    c.note as concept_note,
    ic.indicator_code,
    ic.note as member_note,
    i.plan,
    p.short_name as plan_name,
    coalesce(p.date, make_date(p.period_start, 1, 1)) as plan_date,
    p.level as plan_level,
    i.scope,
    i.unit,
    i.kind,
    i.direction,
    i.name_vi,
    i.quote,
    t.year,
    t.comparator,
    t.value,
    t.value_high,
    t.raw
from concepts c
join indicator_concepts ic on ic.concept_code = c.code
join indicators i on i.code = ic.indicator_code
join plans p on p.code = i.plan
left join targets t on t.indicator_code = i.code
order by c.code, plan_date, i.code, t.year
