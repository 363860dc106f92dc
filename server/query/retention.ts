import type { QueryContext } from "./context";
import { resolveRange } from "./date-range";
import { QueryInputError } from "./errors";
import { periodIndex, zonedIso } from "./period-index";
import { priorPersons } from "./prior-persons";
import type { RunOutput } from "./registry";
import { NULL_GROUP, OTHER_GROUP, retentionMatrix } from "./retention-matrix";
import type { RetentionCohort, RetentionQuery, RetentionResult } from "./schema/retention";
import { wilson } from "./stats/wilson";
import type { RunnerOptions } from "./runner-options";
import { loadEventStream } from "./stream";

/** breakdownValue of the group holding the values beyond the top N (as trends uses). */
export const OTHER_BREAKDOWN = "$other";
/** Most cohort periods one query may have. */
export const MAX_RETENTION_PERIODS = 400;

/**
 * Retention: the cohort matrix of the date range.
 *
 * - Periods (day / week from Monday / month) are in the project timezone; the range is widened
 *   to start at the beginning of the period containing `dateRange.from`, and the last period
 *   may be partial (up to `dateRange.to`, usually now). Cohorts are the periods of the range;
 *   returns are read inside the same range, so a cohort's row is as long as the range allows
 *   (at most `periods` + 1 values), as PostHog does.
 * - first_time: a person's cohort is the period of their first ever target event. "Ever" is
 *   honest: persons with a matching target event before the range (any time earlier, same
 *   filters) are in no cohort of this range. recurring: every period in which a person did the
 *   target event starts a cohort entry of theirs.
 * - Retained at k: a return event k periods after the cohort period (k >= 1); values[0] is the
 *   cohort size. Rates carry Wilson 95% intervals.
 * - Breakdown: the value on the cohort-defining event (for person properties that is the
 *   person's value); top `limit` by cohort entries, the rest as "$other", no value as null.
 *   Cohort breakdown: a person counts in every cohort they belong to.
 */
export async function runRetention(ctx: QueryContext, query: RetentionQuery, opts: RunnerOptions = {}): Promise<RunOutput<RetentionResult>> {
  const range = resolveRange(query.dateRange, ctx.timezone, ctx.now);
  let periods;
  try {
    periods = periodIndex(range.from, range.to, query.period, ctx.timezone, MAX_RETENTION_PERIODS);
  } catch {
    throw new QueryInputError("period", `more than ${MAX_RETENTION_PERIODS} ${query.period} cohorts in the date range; pick a larger period`);
  }
  const from = new Date(periods.starts[0]!);
  const stream = await loadEventStream(ctx, {
    source: opts.source,
    range: { from, to: range.to },
    selectors: [query.targetEvent, query.returnEvent],
    filters: query.filters,
    excludeTestAccounts: query.excludeTestAccounts,
    breakdown: query.breakdown,
  });
  const prior =
    query.retentionType === "first_time"
      ? await priorPersons(ctx, stream, { selector: query.targetEvent, before: from, filters: query.filters, excludeTestAccounts: query.excludeTestAccounts })
      : null;
  const K = query.periods;
  const groups = retentionMatrix(stream, {
    periods,
    targetBit: 0,
    returnBit: 1,
    retentionType: query.retentionType,
    maxOffset: K,
    prior,
    breakdownLimit: query.breakdown && "limit" in query.breakdown ? query.breakdown.limit : undefined,
  });
  const P = periods.count;
  const cohortsOf = (sizes: Int32Array | null, counts: Int32Array | null): RetentionCohort[] =>
    Array.from({ length: P }, (_, c) => {
      const size = sizes ? sizes[c]! : 0;
      const values = Array.from({ length: Math.min(K, P - 1 - c) + 1 }, (_, k) => {
        const count = counts ? counts[c * (K + 1) + k]! : 0;
        return { count, ...wilson(count, size) };
      });
      return { start: zonedIso(periods.starts[c]!, ctx.timezone), size, values };
    });
  const label = (v: number) => (v === NULL_GROUP ? null : v === OTHER_GROUP ? OTHER_BREAKDOWN : (stream.breakdownValues[v] ?? null));
  const breakdowns = groups.map((g) => ({ breakdownValue: label(g.value), cohorts: cohortsOf(g.sizes, g.counts) }));
  if (!query.breakdown && breakdowns.length === 0) breakdowns.push({ breakdownValue: null, cohorts: cohortsOf(null, null) });
  return { result: { breakdowns }, source: stream.source };
}
