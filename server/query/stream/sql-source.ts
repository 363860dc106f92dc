import type { QueryContext } from "../context";
import { eventsFrom, PERSON_ID, projectAndRange } from "../events-sql";
import { filtersCondition, needsPersons, propertyText, selectorCondition, testAccountExclusion } from "../filters";
import type { Breakdown } from "../schema/common";
import { and, or, render, sql, type Sql } from "../sql";
import { StreamBuilder } from "./builder";
import { forEachRowBatch } from "./rows";
import type { EventStream, StreamRequest } from "./types";

export const MAX_SELECTORS = 31;

/** The breakdown value of a row as text (null when absent); cohort breakdowns use `cohortMaskSql`. */
function breakdownSql(ctx: QueryContext, b: Breakdown | undefined): Sql {
  if (!b || b.type === "cohort") return sql`null::text`;
  if (b.type === "event" || b.type === "person") return propertyText(b.type, b.key);
  if (b.type === "day_of_week") return sql`extract(isodow from e.timestamp at time zone ${ctx.timezone}::text)::int::text`;
  return sql`extract(hour from e.timestamp at time zone ${ctx.timezone}::text)::int::text`;
}

/** Bit j when the row's canonical person is in cohort j of the breakdown. */
function cohortJoin(b: Breakdown | undefined): { join: Sql; mask: Sql } {
  if (!b || b.type !== "cohort") return { join: sql``, mask: sql`0` };
  return {
    join: sql` left join (select cm.person_id, bit_or(1 << (array_position(${b.cohortIds}::uuid[], cm.cohort_id) - 1)) as bits
                 from cohort_members cm where cm.cohort_id = any(${b.cohortIds}::uuid[]) group by cm.person_id) cmem
               on cmem.person_id = ${PERSON_ID}`,
    mask: sql`coalesce(cmem.bits, 0)`,
  };
}

/** The SELECT behind the SQL source; exported so its shape can be inspected in tests. */
export function streamSql(ctx: QueryContext, req: StreamRequest): { text: string; values: unknown[] } {
  if (req.selectors.length > MAX_SELECTORS) throw new Error(`at most ${MAX_SELECTORS} selectors per stream`);
  const persons =
    needsPersons(req.filters) ||
    req.selectors.some((s) => needsPersons(s.filters)) ||
    (req.excludeTestAccounts && needsPersons(ctx.testAccountFilters)) ||
    req.breakdown?.type === "person";
  const conds = req.selectors.map(selectorCondition);
  const mask = conds.length
    ? sql`(${conds.map((c, i) => sql`(case when ${c} then ${1 << i}::int else 0 end)`).reduce((a, b) => sql`${a} | ${b}`)})`
    : sql`0`;
  const cohorts = cohortJoin(req.breakdown);
  const label = req.pathnames ? sql`case when e.event = '$pageview' then coalesce(e.pathname, '') else e.event end` : sql`e.event`;
  const where = and([
    projectAndRange(ctx.projectId, req.range.from, req.range.to),
    filtersCondition(req.filters),
    testAccountExclusion(ctx, req.excludeTestAccounts),
    req.allEvents ? null : or(conds),
  ]);
  return render(sql`
    select x.ts, x.person::text, x.m, x.bd, x.label, x.cm from (
      select (extract(epoch from e.timestamp) * 1000)::float8 as ts, ${PERSON_ID} as person, ${mask} as m,
             ${breakdownSql(ctx, req.breakdown)} as bd, ${label} as label, e.event as event, ${cohorts.mask} as cm
        from ${eventsFrom({ persons })}${cohorts.join}
       where ${where}
    ) x
    order by x.ts, x.person, case when x.m = 0 then 2147483647 else x.m & -x.m end,
      x.event collate "C", x.bd collate "C"`);
}

/** Reads the stream with one SELECT over `events` (any filter, breakdown or selector). */
export async function loadSqlStream(ctx: QueryContext, req: StreamRequest): Promise<EventStream> {
  const cohortIds = req.breakdown?.type === "cohort" ? req.breakdown.cohortIds : null;
  const b = new StreamBuilder({ breakdown: !!req.breakdown, cohorts: !!cohortIds, eventNames: !!(req.withEventNames || req.pathnames) });
  if (cohortIds) b.presetBreakdownValues(cohortIds);
  const bd = b.breakdown !== null;
  const names = b.eventName !== null;
  await forEachRowBatch(ctx.pool, streamSql(ctx, req), (rows) => {
    for (const r of rows) {
      const i = b.push(r[0] as number, b.personOf(r[1] as string), r[2] as number);
      if (cohortIds) {
        const m = r[5] as number;
        b.cohortMask![i] = m;
        b.breakdown![i] = m === 0 ? -1 : 31 - Math.clz32(m & -m);
      } else if (bd) b.breakdown![i] = b.breakdownOf(r[3] as string | null);
      if (names) b.eventName![i] = b.eventNameOf(r[4] as string);
    }
  });
  return b.finish("events");
}
