import { resolveRange } from "../date-range";
import { eventsFrom, PERSON_ID, projectAndRange } from "../events-sql";
import { needsPersons, propertyCondition, selectorCondition } from "../filters";
import { allow, and, ident, join, or, sql, type Sql } from "../sql";
import type { BehaviorRule, FirstSeenRule, LeafRule, NotPerformedRule, RuleGroup } from "./schema";

export interface CompileContext {
  projectId: string;
  timezone: string;
  now: Date;
}

const DAY_MS = 86_400_000;

/**
 * Compiles a cohort definition to one SELECT of the canonical person ids that match it.
 *
 * The universe is the project's persons that were not merged into another (`persons p`).
 * Each behavioral or first-seen rule becomes a grouped subquery over `events` (person ids resolved
 * through `person_merges`) left-joined to the universe as `r0`, `r1`, ...; the rule tree then is a
 * plain boolean condition over `p` and those joins, so an AND / OR / nesting costs nothing extra.
 * Every value is a bind parameter; the only generated identifiers are the `rN` aliases.
 */
export function compileCohort(def: RuleGroup, c: CompileContext): Sql {
  const joins: Sql[] = [];
  const nextAlias = () => ident(allow(`r${joins.length}`));

  const leaf = (r: LeafRule): Sql => {
    switch (r.type) {
      case "property":
        return sql`coalesce(${propertyCondition(r.filter)}, false)`;
      case "cohort": {
        const member = sql`exists (select 1 from cohort_members cm where cm.cohort_id = ${r.cohortId}::uuid and cm.person_id = p.id)`;
        return r.negate ? sql`not ${member}` : member;
      }
      case "behavior":
      case "not_performed": {
        const alias = nextAlias();
        joins.push(sql`left join (${countEvents(r, c)}) ${alias} on ${alias}.person_id = p.id`);
        const n = sql`coalesce(${alias}.n, 0)`;
        if (r.type === "not_performed") return sql`${n} = 0`;
        if (r.operator === "at_least") return sql`${n} >= ${r.count}`;
        if (r.operator === "at_most") return sql`${n} <= ${r.count}`;
        return sql`${n} = ${r.count}`;
      }
      case "first_seen": {
        const alias = nextAlias();
        joins.push(sql`left join (${firstSeenIn(r, c)}) ${alias} on ${alias}.person_id = p.id`);
        return sql`${alias}.person_id is not null`;
      }
    }
  };

  const group = (g: RuleGroup): Sql => {
    const parts = g.rules.map((r) => (r.type === "group" ? group(r) : leaf(r)));
    return g.op === "and" ? and(parts) : or(parts);
  };

  const condition = group(def);
  return sql`select p.id as person_id from persons p ${join(joins, " ")}
    where p.project_id = ${c.projectId}::uuid
      and not exists (select 1 from person_merges m where m.project_id = p.project_id and m.from_person_id = p.id)
      and ${condition}`;
}

/** Events per canonical person matching the rule's event and filters in the last `days` days. */
function countEvents(r: BehaviorRule | NotPerformedRule, c: CompileContext): Sql {
  const from = new Date(c.now.getTime() - r.days * DAY_MS);
  return sql`select ${PERSON_ID} as person_id, count(*)::bigint as n
    from ${eventsFrom({ persons: needsPersons(r.filters) })}
    where ${projectAndRange(c.projectId, from, c.now)} and ${selectorCondition({ event: r.event, filters: r.filters })}
    group by 1`;
}

/** Canonical persons whose first event is in the range (no event before it). */
function firstSeenIn(r: FirstSeenRule, c: CompileContext): Sql {
  const range = resolveRange(r.dateRange, c.timezone, c.now);
  return sql`select ${PERSON_ID} as person_id
    from ${eventsFrom({ persons: false })}
    where e.project_id = ${c.projectId}::uuid and e.timestamp < ${range.to}
    group by 1
    having min(e.timestamp) >= ${range.from}`;
}
