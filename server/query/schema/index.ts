import { z } from "zod";
import { funnelsQuery } from "./funnels";
import { lifecycleQuery, stickinessQuery } from "./lifecycle";
import { pathsQuery } from "./paths";
import { retentionQuery } from "./retention";
import { revenueQuery } from "./revenue";
import { trendsQuery } from "./trends";

/** Any insight query; `kind` picks the runner (server/query/registry.ts). */
export const insightQuery = z.discriminatedUnion("kind", [
  trendsQuery,
  funnelsQuery,
  retentionQuery,
  pathsQuery,
  lifecycleQuery,
  stickinessQuery,
  revenueQuery,
]);
export type InsightQuery = z.infer<typeof insightQuery>;
export type InsightKind = InsightQuery["kind"];
export const INSIGHT_KINDS = ["trends", "funnels", "retention", "paths", "lifecycle", "stickiness", "revenue"] as const satisfies readonly InsightKind[];
