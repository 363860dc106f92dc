import type { QueryContext } from "./context";
import { bucketStart, resolveRange } from "./date-range";
import { QueryInputError } from "./errors";
import { lifecycleStates } from "./lifecycle-states";
import { periodIndex, zonedIso } from "./period-index";
import { priorPersons } from "./prior-persons";
import type { RunOutput } from "./registry";
import type { LifecycleQuery, LifecycleResult } from "./schema/lifecycle";
import type { RunnerOptions } from "./runner-options";
import { loadEventStream } from "./stream";

export const MAX_LIFECYCLE_BUCKETS = 1000;

/**
 * Lifecycle (PostHog's definitions) per day / week / month bucket of the project timezone; the
 * first bucket is the one containing `dateRange.from`, the last may be partial. For each bucket,
 * of the persons with a matching event in it: new (their first ever matching event is in this
 * bucket: history before the range is read to decide), returning (also active in the bucket
 * before), resurrecting (not in the bucket before, but at some time earlier); and dormant
 * (negative): active in the bucket before, not in this one. The bucket before the first one is
 * read too, so the first bucket's states are real, not all "new".
 */
export async function runLifecycle(ctx: QueryContext, query: LifecycleQuery, opts: RunnerOptions = {}): Promise<RunOutput<LifecycleResult>> {
  const range = resolveRange(query.dateRange, ctx.timezone, ctx.now);
  const first = bucketStart(range.from, query.interval, ctx.timezone);
  const lookBack = bucketStart(new Date(first.getTime() - 1), query.interval, ctx.timezone);
  let periods;
  try {
    periods = periodIndex(lookBack, range.to, query.interval, ctx.timezone, MAX_LIFECYCLE_BUCKETS + 1);
  } catch {
    throw new QueryInputError("interval", `more than ${MAX_LIFECYCLE_BUCKETS} ${query.interval} buckets in the date range; pick a larger interval`);
  }
  const stream = await loadEventStream(ctx, {
    source: opts.source,
    range: { from: lookBack, to: range.to },
    selectors: [query.event],
    filters: query.filters,
    excludeTestAccounts: query.excludeTestAccounts,
  });
  const prior = await priorPersons(ctx, stream, { selector: query.event, before: lookBack, filters: query.filters, excludeTestAccounts: query.excludeTestAccounts });
  const counts = lifecycleStates(stream, periods, 0, prior);
  const shown = (xs: Int32Array) => Array.from(xs.subarray(1));
  return {
    result: {
      buckets: Array.from(periods.starts.subarray(1, periods.count), (t) => zonedIso(t, ctx.timezone)),
      new: shown(counts.new),
      returning: shown(counts.returning),
      resurrecting: shown(counts.resurrecting),
      dormant: shown(counts.dormant),
    },
    source: stream.source,
  };
}
