import { z } from "zod";
import { baseQuery, eventSelector } from "./common";

export const pathsQuery = z
  .object({
    kind: z.literal("paths"),
    /** event: nodes are event names; pageview: nodes are `$pageview` pathnames. */
    pathType: z.enum(["event", "pageview"]).default("event"),
    startEvent: eventSelector.optional(),
    endEvent: eventSelector.optional(),
    steps: z.number().int().min(2).max(10).default(5),
    /** Keep at most this many distinct nodes per step; the rest are grouped as "other". */
    nodesPerStep: z.number().int().min(1).max(50).default(10),
    /** A session-like gap: a path ends after this many minutes without an event. */
    sessionGapMinutes: z.number().int().min(1).max(24 * 60).default(30),
    /** How many of the most common full paths to return. */
    topPaths: z.number().int().min(1).max(100).default(20),
    ...baseQuery,
  })
  .strict();
export type PathsQuery = z.infer<typeof pathsQuery>;

export interface PathsResult {
  /** step is 1-based; `other: true` marks the node grouping a step's names beyond nodesPerStep. */
  nodes: { id: string; step: number; name: string; persons: number; dropOff: number; other?: boolean }[];
  links: { source: string; target: string; persons: number }[];
  topPaths: { path: string[]; persons: number }[];
}
