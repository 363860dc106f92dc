import type { QueryContext } from "./context";
import type { QuerySource } from "./result";
import type { InsightKind, InsightQuery } from "./schema";
import { runFunnels } from "./funnels";
import { runLifecycle } from "./lifecycle";
import { runPaths } from "./paths";
import { runRetention } from "./retention";
import { runRevenue } from "./revenue";
import { runStickiness } from "./stickiness";
import { runTrends } from "./trends";

export interface RunOutput<R> {
  result: R;
  source: QuerySource;
  /** For rollup answers: the watermark the rollups were computed at (ISO), when older than the data's. */
  dataWatermark?: string | null;
}

type QueryOf<K extends InsightKind> = Extract<InsightQuery, { kind: K }>;
type Runner<K extends InsightKind> = (ctx: QueryContext, query: QueryOf<K>) => Promise<RunOutput<unknown>>;

/** One runner per insight kind; `kind` picks it. */
export const RUNNERS: { [K in InsightKind]: Runner<K> } = {
  trends: runTrends,
  funnels: runFunnels,
  retention: runRetention,
  paths: runPaths,
  lifecycle: runLifecycle,
  stickiness: runStickiness,
  revenue: runRevenue,
};

export function runnerFor<K extends InsightKind>(kind: K): Runner<K> {
  return RUNNERS[kind];
}
