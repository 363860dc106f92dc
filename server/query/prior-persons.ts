import type { QueryContext } from "./context";
import { eventsFrom, PERSON_ID } from "./events-sql";
import { filtersCondition, needsPersons, selectorCondition, testAccountExclusion } from "./filters";
import type { EventSelector, Filter, FilterGroup } from "./schema/common";
import { and, render, sql } from "./sql";
import type { EventStream } from "./stream/types";

/**
 * Which persons of a stream had an event matching `selector` (and the query's filters) before
 * `before`: the look-before-the-range check behind "first ever" (first-time retention, new in
 * lifecycle). Reads all earlier history, with no lower time bound; the canonical person
 * resolves through person_merges as everywhere else. Returns a flag per stream person. Streams
 * with up to ASK_FOR_PERSONS persons send their ids, so only their history is read and returned.
 */
export const ASK_FOR_PERSONS = 200_000;

export async function priorPersons(
  ctx: QueryContext,
  stream: EventStream,
  opts: { selector: EventSelector; before: Date; filters: (Filter | FilterGroup)[]; excludeTestAccounts: boolean },
): Promise<Uint8Array> {
  const flags = new Uint8Array(stream.personCount);
  if (stream.personCount === 0) return flags;
  const persons =
    needsPersons(opts.filters) || needsPersons(opts.selector.filters) || (opts.excludeTestAccounts && needsPersons(ctx.testAccountFilters));
  const q = render(sql`
    select distinct ${PERSON_ID}::text as person
      from ${eventsFrom({ persons })}
     where ${and([
       sql`e.project_id = ${ctx.projectId}::uuid and e.timestamp < ${opts.before}`,
       selectorCondition(opts.selector),
       filtersCondition(opts.filters),
       testAccountExclusion(ctx, opts.excludeTestAccounts),
       stream.personCount <= ASK_FOR_PERSONS ? sql`${PERSON_ID} in (select unnest(${stream.personIds}::uuid[]))` : null,
     ])}`);
  const { rows } = await ctx.pool.query<{ person: string }>(q.text, q.values);
  if (rows.length === 0) return flags;
  const earlier = new Set(rows.map((r) => r.person));
  for (let p = 0; p < stream.personCount; p++) if (earlier.has(stream.personIds[p]!)) flags[p] = 1;
  return flags;
}
