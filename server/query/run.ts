import type pg from "pg";
import { cacheKey, ResultCache } from "./cache";
import type { QueryContext } from "./context";
import { resolveRange } from "./date-range";
import { runnerFor } from "./registry";
import type { QueryAnswer } from "./result";
import { insightQuery, type InsightQuery } from "./schema";
import type { Filter } from "./schema/common";
import { dataWatermark } from "./watermark";

const cache = new ResultCache<QueryAnswer<unknown>>();

export interface ProjectForQuery {
  id: string;
  timezone: string;
  testAccountFilters?: unknown;
}

/**
 * Runs any insight query for a project: validates it (zod), answers from the result cache when
 * the same normalized query was answered at the same data watermark, else runs the kind's
 * runner and says where the answer came from and how fresh it is.
 */
export async function runInsight(
  pool: pg.Pool,
  project: ProjectForQuery,
  input: unknown,
  opts: { now?: Date; useCache?: boolean } = {},
): Promise<QueryAnswer<unknown>> {
  const query: InsightQuery = insightQuery.parse(input);
  const started = performance.now();
  const now = opts.now ?? new Date();
  const ctx: QueryContext = {
    pool,
    projectId: project.id,
    timezone: project.timezone,
    now,
    testAccountFilters: (Array.isArray(project.testAccountFilters) ? project.testAccountFilters : []) as Filter[],
  };
  const range = resolveRange(query.dateRange, ctx.timezone, now);
  const watermark = await dataWatermark(pool, project.id);
  const key = cacheKey({
    projectId: project.id,
    timezone: ctx.timezone,
    query: { query, testAccountFilters: ctx.testAccountFilters },
    watermark: watermark.key,
    now: new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString(),
  });
  if (opts.useCache !== false) {
    const hit = cache.get(key);
    if (hit) return { ...hit, meta: { ...hit.meta, cached: true, elapsedMs: performance.now() - started } };
  }
  const runner = runnerFor(query.kind) as (ctx: QueryContext, q: InsightQuery) => ReturnType<ReturnType<typeof runnerFor>>;
  const out = await runner(ctx, query);
  const answer: QueryAnswer<unknown> = {
    kind: query.kind,
    result: out.result,
    meta: {
      source: out.source,
      dataWatermark: out.dataWatermark === undefined ? watermark.at : out.dataWatermark,
      cached: false,
      elapsedMs: performance.now() - started,
      timezone: ctx.timezone,
      range: { from: range.from.toISOString(), to: range.to.toISOString() },
    },
  };
  if (watermark.settled) cache.set(key, answer);
  return answer;
}

export function clearResultCache(): void {
  cache.clear();
}
