-- The one definition of status. Loaded into every snapshot connection by vlboard.store.db.
-- Statuses: achieved (Đạt), near (Gần đạt), not_achieved (Chưa đạt), no_data (Chưa có số liệu),
-- not_due (Chưa đến kỳ), qualitative (Định tính), no_target (Chưa có mục tiêu số).

-- lower is better when the indicator says so or its target is a ceiling
create or replace macro vl_lower_better(direction, comparator) as
    coalesce(direction = 'lower', false) or comparator in ('<=', '<');

-- does the value meet the target? strict comparators are strict; a range is met from its
-- lower bound for higher-is-better indicators (over-achieving is still achieving), and up to its
-- upper bound for lower-is-better ones
create or replace macro vl_met(value, comparator, target, target_high, direction) as
    case comparator
        when '>=' then value >= target
        when '>' then value > target
        when '<=' then value <= target
        when '<' then value < target
        when 'range' then case when coalesce(direction = 'lower', false) then value <= target_high
                               else value >= target end
    end;

-- attainment as a ratio (1.0 = at target); mirrored for lower-is-better; NULL where undefined
create or replace macro vl_attainment(value, comparator, target, target_high, direction) as
    case
        when value is null or target is null or comparator is null or comparator = 'done' then null
        when vl_lower_better(direction, comparator) then
            case when value = 0 then null
                 else coalesce(case when comparator = 'range' then target_high end, target) / value end
        when target = 0 then null
        else value / target
    end;

-- basis (see 12_path.sql): 'same' (the target of the result's year), 'path' (the straight path
-- between the targets around it), 'next' (a later year's with no path to it: not due yet, whatever
-- the value, so that being ahead counts no more than being behind), 'previous' (the last target,
-- kept after its year), NULL (no numeric target)
create or replace macro vl_status(kind, value, comparator, target, target_high, direction, basis, near) as
    case
        when kind in ('qualitative', 'referenced') or comparator = 'done' then 'qualitative'
        when comparator is null or target is null then 'no_target'
        when basis = 'next' then 'not_due'
        when value is null then 'no_data'
        when vl_met(value, comparator, target, target_high, direction) then 'achieved'
        when vl_attainment(value, comparator, target, target_high, direction) >= near then 'near'
        else 'not_achieved'
    end;
