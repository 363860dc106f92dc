import { readdirSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { repoRoot } from "../../../server/config";
import { clearResultCache, runInsight, type ProjectForQuery } from "../../../server/query/run";
import type { QuerySource } from "../../../server/query/result";
import type { FunnelsResult } from "../../../server/query/schema/funnels";
import type { RetentionResult } from "../../../server/query/schema/retention";
import type { TrendsResult } from "../../../server/query/schema/trends";
import { FUNNEL_STEPS, RETENTION_PERIODS, type Answer, type Question, type Range } from "./questions";

/** Foresight's insight queries for the benchmark's questions, in the API's own query language. */
export function foresightQuery(q: Question, range: Range): unknown {
  // Dates are inclusive days in the project's timezone (UTC): the first and the last day of data.
  const dateRange = { from: day(range.from), to: day(range.to - 1) };
  switch (q) {
    case "daily_uniques_by_country":
      return {
        kind: "trends",
        series: [{ event: "$all", math: "unique_persons" }],
        interval: "day",
        breakdown: { type: "event", key: "$geoip_country_code", limit: 100 },
        dateRange,
      };
    case "daily_uniques":
      return { kind: "trends", series: [{ event: "$all", math: "unique_persons" }], interval: "day", dateRange };
    case "funnel":
      return {
        kind: "funnels",
        steps: FUNNEL_STEPS.map((event) => ({ event })),
        order: "ordered",
        window: { value: 1, unit: "day" },
        dateRange,
      };
    case "retention":
      return {
        kind: "retention",
        targetEvent: { event: "$all" },
        returnEvent: { event: "$all" },
        retentionType: "first_time",
        period: "week",
        periods: RETENTION_PERIODS,
        dateRange,
      };
  }
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** An ISO bucket start in UTC ("2026-10-19T00:00:00.000Z" or "...+00:00") as its date. */
const dateOf = (iso: string) => day(Date.parse(iso));

/** Foresight's answer in the compared shape. */
export function foresightAnswer(q: Question, result: unknown): Answer {
  const out: Answer = new Map();
  switch (q) {
    case "daily_uniques_by_country":
    case "daily_uniques": {
      const r = result as TrendsResult;
      for (const s of r.series) {
        if (s.period !== "current") continue;
        s.data.forEach((n, i) => {
          const d = dateOf(r.buckets[i]!);
          out.set(q === "daily_uniques" ? d : `${d}|${s.breakdownValue ?? "(none)"}`, n);
        });
      }
      return out;
    }
    case "funnel": {
      const r = result as FunnelsResult;
      const steps = r.breakdowns[0]?.steps ?? [];
      FUNNEL_STEPS.forEach((s, i) => out.set(`step ${i + 1} ${s}`, steps[i]?.count ?? 0));
      return out;
    }
    case "retention": {
      const r = result as RetentionResult;
      for (const c of r.breakdowns[0]?.cohorts ?? []) c.values.forEach((v, k) => out.set(`${dateOf(c.start)}|${k}`, v.count));
      return out;
    }
  }
}

export async function askForesight(pool: pg.Pool, project: ProjectForQuery, q: Question, range: Range): Promise<{ answer: Answer; source: QuerySource }> {
  clearResultCache();
  const a = await runInsight(pool, project, foresightQuery(q, range), { now: new Date(range.to + 3_600_000), useCache: false });
  return { answer: foresightAnswer(q, a.result), source: a.meta.source };
}

/**
 * Foresight's preparation steps, found by their exported names in the modules that own them
 * (server/rollups: `refreshRollups(pool, projectId)`; server/query/stream: `prepareColumnar(pool,
 * projectId)`), so the benchmark runs whichever of them exist at this commit.
 */
export async function preparationSteps(): Promise<Array<{ name: string; run: (pool: pg.Pool, projectId: string) => Promise<unknown> }>> {
  const wanted: Array<[string, string]> = [
    ["server/rollups", "refreshRollups"],
    ["server/query/stream", "prepareColumnar"],
  ];
  const out: Array<{ name: string; run: (pool: pg.Pool, projectId: string) => Promise<unknown> }> = [];
  for (const [dir, name] of wanted) {
    const abs = path.join(repoRoot, dir);
    let files: string[] = [];
    try {
      files = readdirSync(abs).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
    } catch {
      continue;
    }
    files.sort((a, b) => (a === "index.ts" ? -1 : b === "index.ts" ? 1 : a.localeCompare(b)));
    for (const f of files) {
      const mod = (await import(path.join(abs, f))) as Record<string, unknown>;
      const fn = mod[name];
      if (typeof fn === "function") {
        out.push({ name: `${name}() (${dir}/${f})`, run: fn as (pool: pg.Pool, projectId: string) => Promise<unknown> });
        break;
      }
    }
  }
  return out;
}
