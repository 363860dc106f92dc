import type { QueryContext } from "./context";
import { resolveRange } from "./date-range";
import { QueryInputError } from "./errors";
import { periodIndex, zonedIso } from "./period-index";
import type { RunOutput } from "./registry";
import type { StickinessQuery, StickinessResult } from "./schema/lifecycle";
import { stickinessHistogram } from "./stickiness-days";
import type { RunnerOptions } from "./runner-options";
import { loadEventStream } from "./stream";

const MAX_DAYS = { week: 7, month: 31 } as const;
export const MAX_STICKINESS_DAYS = 3660;

/**
 * Stickiness: for each week (Monday to Sunday) or month of the project timezone that overlaps
 * the date range, each person with a matching event in it counts once, under the number of
 * distinct days (project timezone) they were active in it; `persons[d - 1]` sums that over the
 * periods. Partial periods at the range's edges count, with only their days inside the range
 * (so a person in a 3-day edge sliver has at most 3 days); `periods` lists every period with
 * its days in range so that the edges are visible.
 */
export async function runStickiness(ctx: QueryContext, query: StickinessQuery, opts: RunnerOptions = {}): Promise<RunOutput<StickinessResult>> {
  const range = resolveRange(query.dateRange, ctx.timezone, ctx.now);
  let days;
  try {
    days = periodIndex(range.from, range.to, "day", ctx.timezone, MAX_STICKINESS_DAYS);
  } catch {
    throw new QueryInputError("dateRange", `more than ${MAX_STICKINESS_DAYS} days`);
  }
  const periods = periodIndex(range.from, range.to, query.period, ctx.timezone);
  const stream = await loadEventStream(ctx, {
    source: opts.source,
    range,
    selectors: [query.event],
    filters: query.filters,
    excludeTestAccounts: query.excludeTestAccounts,
  });
  const max = MAX_DAYS[query.period];
  const histogram = stickinessHistogram(stream, periods, days, 0, max);
  const daysIn = new Int32Array(periods.count);
  for (let d = 0, q = 0; d < days.count; d++) {
    while (days.starts[d]! >= periods.starts[q + 1]!) q++;
    daysIn[q]!++;
  }
  return {
    result: {
      days: Array.from({ length: max }, (_, i) => i + 1),
      persons: Array.from(histogram.subarray(1)),
      periods: Array.from({ length: periods.count }, (_, q) => ({ start: zonedIso(periods.starts[q]!, ctx.timezone), daysInRange: daysIn[q]! })),
    },
    source: stream.source,
  };
}
