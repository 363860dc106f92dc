import type { Deps } from "../deps";
import { aggregateMetric } from "../monitoring/metric-store";
import { runInsight } from "../query/run";
import type { AlertSource } from "./schema";

export interface SourceValue {
  value: number | null;
  /** The previous window's value, for change_pct. */
  previous: number | null;
}

type SourceReader<K extends AlertSource["kind"]> = (
  deps: Pick<Deps, "db">,
  source: Extract<AlertSource, { kind: K }>,
  rule: { projectId: string | null; windowSeconds: number },
  now: Date,
) => Promise<SourceValue>;

const metric: SourceReader<"metric"> = async (deps, s, rule, now) => {
  const { pool } = deps.db;
  const read = async (from: Date, to: Date) => {
    const value = await aggregateMetric(pool, { name: s.name, labels: s.labels, aggregation: s.aggregation, from, to });
    if (!s.denominator || value === null) return value;
    const base = await aggregateMetric(pool, { name: s.denominator, labels: s.labels, aggregation: s.aggregation, from, to });
    return base ? value / base : null;
  };
  const w = rule.windowSeconds * 1000;
  const start = new Date(now.getTime() - w);
  // The window ends just after `now` so a sample stamped at the evaluation instant counts.
  const end = new Date(now.getTime() + 1);
  return { value: await read(start, end), previous: await read(new Date(start.getTime() - w), start) };
};

/** The insight's buckets: the last one is the value, the one before it the previous window. */
const insight: SourceReader<"insight"> = async (deps, s, rule, now) => {
  const { prisma, pool } = deps.db;
  let query = s.query;
  let projectId = rule.projectId;
  if (s.savedInsightId) {
    const saved = await prisma.savedInsight.findUnique({ where: { id: s.savedInsightId } });
    if (!saved) throw new Error(`saved insight ${s.savedInsightId} no longer exists`);
    query = saved.query as Record<string, unknown>;
    projectId = saved.projectId;
  }
  if (!projectId) throw new Error("an insight source needs a project");
  const project = await prisma.project.findUnique({ where: { id: projectId } });
  if (!project) throw new Error(`project ${projectId} no longer exists`);
  const answer = await runInsight(pool, { id: project.id, timezone: project.timezone, testAccountFilters: (project as { testAccountFilters?: unknown }).testAccountFilters }, query, { now });
  const result = answer.result as { series?: Array<{ key: string; period?: string; data: number[] }> };
  const series = (result.series ?? []).filter((x) => x.period !== "previous");
  const picked = s.series ? series.find((x) => x.key === s.series) : series[0];
  if (!picked) throw new Error(`the insight has no series ${s.series ?? "(first)"}; alert rules read trends insights`);
  const at = (i: number) => {
    const v = picked.data[picked.data.length - i];
    return v === undefined || !Number.isFinite(v) ? null : v;
  };
  return { value: at(1), previous: at(2) };
};

const readers: { [K in AlertSource["kind"]]: SourceReader<K> } = { metric, insight };

/** The registry of source kinds: an "anomaly" source adds one reader here. */
export function readSource(deps: Pick<Deps, "db">, source: AlertSource, rule: { projectId: string | null; windowSeconds: number }, now: Date) {
  return (readers[source.kind] as SourceReader<AlertSource["kind"]>)(deps, source as never, rule, now);
}
