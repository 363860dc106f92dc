import { z } from "zod";
import { baseQuery, breakdown, eventSelector, LIMITS } from "./common";

export const windowUnit = z.enum(["second", "minute", "hour", "day", "week"]);
export const conversionWindow = z.object({ value: z.number().int().min(1).max(100_000), unit: windowUnit }).strict();
export type ConversionWindow = z.infer<typeof conversionWindow>;

export const funnelStep = eventSelector.extend({
  /** This step must follow the previous one within this window (not allowed on the first step). */
  window: conversionWindow.optional(),
});
export type FunnelStep = z.infer<typeof funnelStep>;

export const funnelExclusion = eventSelector.extend({
  /** The exclusion applies between these steps (0-based, from < to). */
  fromStep: z.number().int().min(0),
  toStep: z.number().int().min(1),
});

export const funnelsQuery = z
  .object({
    kind: z.literal("funnels"),
    steps: z.array(funnelStep).min(2).max(LIMITS.funnelSteps),
    /** ordered: steps in order, other events between allowed; strict: no other event between; any: any order. */
    order: z.enum(["ordered", "strict", "any"]).default("ordered"),
    /** The whole funnel must complete within this window from the first step. */
    window: conversionWindow.default({ value: 14, unit: "day" }),
    exclusions: z.array(funnelExclusion).max(LIMITS.series).default([]),
    breakdown: breakdown.optional(),
    ...baseQuery,
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.steps[0]?.window) ctx.addIssue({ code: "custom", path: ["steps", 0, "window"], message: "the first step has no window" });
    if (q.order === "any")
      q.steps.forEach((s, i) => {
        if (s.window && i > 0) ctx.addIssue({ code: "custom", path: ["steps", i, "window"], message: "per-step windows apply to ordered and strict funnels" });
      });
    q.exclusions.forEach((e, i) => {
      if (e.fromStep >= e.toStep || e.toStep >= q.steps.length)
        ctx.addIssue({ code: "custom", path: ["exclusions", i], message: `exclusion steps must satisfy 0 <= fromStep < toStep < ${q.steps.length}` });
    });
  });
export type FunnelsQuery = z.infer<typeof funnelsQuery>;

export interface Proportion {
  rate: number;
  /** Wilson score 95% interval. */
  low: number;
  high: number;
}

export interface FunnelStepResult {
  index: number;
  label: string;
  /** Persons who reached this step. */
  count: number;
  fromStart: Proportion;
  fromPrevious: Proportion;
  /** Persons who reached the previous step but not this one. */
  droppedOff: number;
  /** Seconds from the previous step, over persons who converted to this step. */
  medianSecondsFromPrevious: number | null;
  averageSecondsFromPrevious: number | null;
}

export interface FunnelsResult {
  breakdowns: { breakdownValue: string | null; steps: FunnelStepResult[] }[];
  /** Histogram of seconds from first to last step among persons who completed the funnel. */
  timeToConvert: { bins: { fromSeconds: number; toSeconds: number; persons: number }[]; medianSeconds: number | null };
}

export const funnelPersonsInput = z
  .object({
    query: funnelsQuery,
    step: z.number().int().min(0).max(LIMITS.funnelSteps - 1),
    outcome: z.enum(["converted", "dropped"]),
    breakdownValue: z.string().nullable().optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    offset: z.number().int().min(0).default(0),
  })
  .strict();
export type FunnelPersonsInput = z.infer<typeof funnelPersonsInput>;
