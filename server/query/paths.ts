import type { QueryContext } from "./context";
import { resolveRange } from "./date-range";
import { pathsGraph } from "./paths-graph";
import { walkPaths } from "./paths-walk";
import type { RunOutput } from "./registry";
import type { EventSelector } from "./schema/common";
import type { PathsQuery, PathsResult } from "./schema/paths";
import type { RunnerOptions } from "./runner-options";
import { loadEventStream } from "./stream";

const PAGEVIEW: EventSelector = { event: "$pageview", filters: [] };

/**
 * Paths: the most common sequences of events (pathType "event": event names) or pages
 * ("pageview": `$pageview` pathnames; a start or end event of another kind appears under its
 * event name) in the date range, one path per person:
 * - after `startEvent`: from the person's first start event in the range;
 * - before `endEvent`: the steps leading to the person's first end event, end included;
 * - both: from a start to the first end reached within `steps` (the person's first qualifying
 *   start); persons who never get from a start to an end have no path;
 * - neither: from the person's first event in the range.
 * Consecutive repeats of a node collapse into one step; a gap of more than `sessionGapMinutes`
 * between two steps ends the path. Each person counts once. Nodes beyond `nodesPerStep` at a
 * step are grouped as "other"; a node's dropOff is the persons whose path ends there.
 */
export async function runPaths(ctx: QueryContext, query: PathsQuery, opts: RunnerOptions = {}): Promise<RunOutput<PathsResult>> {
  const range = resolveRange(query.dateRange, ctx.timezone, ctx.now);
  const selectors: EventSelector[] = [];
  const bit = (s: EventSelector | undefined) => (s ? selectors.push(s) - 1 : null);
  const startBit = bit(query.startEvent);
  const endBit = bit(query.endEvent);
  const pages = query.pathType === "pageview";
  const elementBit = pages ? bit(PAGEVIEW) : null;
  const stream = await loadEventStream(ctx, {
    source: opts.source,
    range,
    selectors,
    filters: query.filters,
    excludeTestAccounts: query.excludeTestAccounts,
    allEvents: !pages,
    withEventNames: true,
    pathnames: pages,
  });
  const walked = walkPaths(stream, { startBit, endBit, elementBit, steps: query.steps, gapMs: query.sessionGapMinutes * 60_000 });
  return { result: pathsGraph(walked, stream.eventNames, query.nodesPerStep, query.topPaths), source: stream.source };
}
