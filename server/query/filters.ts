import { eventColumn, NUMERIC_COLUMNS } from "./columns";
import type { QueryContext } from "./context";
import { PERSON_ID } from "./events-sql";
import { ALL_EVENTS, type EventSelector, type Filter, type FilterGroup, type PropertyFilter } from "./schema/common";
import { and, ident, or, sql, TRUE, type Sql } from "./sql";

/** The text value of a property: an extracted column, or `properties ->> key` (key bound). */
export function propertyText(type: "event" | "person", key: string): Sql {
  if (type === "event") {
    const col = eventColumn(key);
    if (col) return NUMERIC_COLUMNS.has(col) ? sql`e.${ident(col)}::text` : sql`e.${ident(col)}`;
    return sql`(e.properties ->> ${key}::text)`;
  }
  return sql`(p.properties ->> ${key}::text)`;
}

/** The numeric value of a property, null when it is absent or not a number. */
export function propertyNumber(type: "event" | "person", key: string): Sql {
  if (type === "event") {
    const col = eventColumn(key);
    if (col && NUMERIC_COLUMNS.has(col)) return sql`e.${ident(col)}`;
  }
  return numericOf(propertyText(type, key));
}

const NUMBER_RE = "^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$";
export function numericOf(text: Sql): Sql {
  return sql`(case when ${text} ~ ${NUMBER_RE} then (${text})::numeric end)`;
}

function scalarText(v: string | number | boolean): string {
  return typeof v === "string" ? v : String(v);
}

/** True when the filters need the canonical person's row (`p`) joined. */
export function needsPersons(filters: readonly (Filter | FilterGroup)[]): boolean {
  return filters.some((f) => ("op" in f ? needsPersons(f.filters) : f.type === "person"));
}

export function propertyCondition(f: PropertyFilter): Sql {
  const text = propertyText(f.type, f.key);
  switch (f.operator) {
    case "equals":
      return typeof f.value === "number" ? sql`${propertyNumber(f.type, f.key)} = ${f.value}` : sql`${text} = ${scalarText(f.value)}::text`;
    case "not_equals":
      return typeof f.value === "number"
        ? sql`${propertyNumber(f.type, f.key)} is distinct from ${f.value}`
        : sql`${text} is distinct from ${scalarText(f.value)}::text`;
    case "contains":
      return sql`strpos(lower(${text}), lower(${f.value}::text)) > 0`;
    case "not_contains":
      return sql`coalesce(strpos(lower(${text}), lower(${f.value}::text)) = 0, true)`;
    case "regex":
      return sql`${text} ~ ${f.value}::text`;
    case "not_regex":
      return sql`coalesce(not (${text} ~ ${f.value}::text), true)`;
    case "gt":
      return sql`${propertyNumber(f.type, f.key)} > ${f.value}`;
    case "gte":
      return sql`${propertyNumber(f.type, f.key)} >= ${f.value}`;
    case "lt":
      return sql`${propertyNumber(f.type, f.key)} < ${f.value}`;
    case "lte":
      return sql`${propertyNumber(f.type, f.key)} <= ${f.value}`;
    case "between":
      return sql`${propertyNumber(f.type, f.key)} between ${f.value[0]} and ${f.value[1]}`;
    case "is_set":
      return sql`${text} is not null`;
    case "is_not_set":
      return sql`${text} is null`;
    case "in":
      return sql`${text} = any(${f.value.map(scalarText)}::text[])`;
    case "not_in":
      return sql`coalesce(not (${text} = any(${f.value.map(scalarText)}::text[])), true)`;
  }
}

export function filterCondition(f: Filter | FilterGroup): Sql {
  if ("op" in f) {
    const parts = f.filters.map(filterCondition);
    return f.op === "and" ? and(parts) : or(parts);
  }
  if (f.type === "cohort") {
    const member = sql`exists (select 1 from cohort_members cm where cm.cohort_id = ${f.cohortId}::uuid and cm.person_id = ${PERSON_ID})`;
    return f.negate ? sql`not ${member}` : member;
  }
  return propertyCondition(f);
}

export function filtersCondition(filters: readonly (Filter | FilterGroup)[]): Sql {
  return and(filters.map(filterCondition));
}

/** Events the project marked as test traffic (any of its test-account filters matches). */
export function testAccountExclusion(ctx: QueryContext, exclude: boolean): Sql {
  if (!exclude || ctx.testAccountFilters.length === 0) return TRUE;
  return sql`not coalesce(${or(ctx.testAccountFilters.map(filterCondition))}, false)`;
}

/** The condition for one event selector: its event name (unless `$all`) and its own filters. */
export function selectorCondition(s: EventSelector): Sql {
  const name = s.event === ALL_EVENTS ? TRUE : sql`e.event = ${s.event}::text`;
  return and([name, filtersCondition(s.filters)]);
}

export function selectorNeedsPersons(s: EventSelector): boolean {
  return needsPersons(s.filters);
}
