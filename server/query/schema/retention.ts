import { z } from "zod";
import { baseQuery, breakdown, eventSelector } from "./common";
import type { Proportion } from "./funnels";

export const retentionQuery = z
  .object({
    kind: z.literal("retention"),
    /** The event that puts a person in a cohort (the cohort's start period). */
    targetEvent: eventSelector,
    /** The event that counts as coming back. */
    returnEvent: eventSelector,
    /** first_time: cohort = period of the person's first ever target event; recurring: every period with one. */
    retentionType: z.enum(["first_time", "recurring"]).default("first_time"),
    period: z.enum(["day", "week", "month"]).default("week"),
    /** Periods after the start period to show. */
    periods: z.number().int().min(1).max(60).default(8),
    breakdown: breakdown.optional(),
    ...baseQuery,
  })
  .strict();
export type RetentionQuery = z.infer<typeof retentionQuery>;

export interface RetentionCohort {
  /** Start of the cohort's period (ISO, project timezone). */
  start: string;
  size: number;
  /** values[k]: persons of the cohort active k periods after the start (values[0] = size). */
  values: ({ count: number } & Proportion)[];
}

export interface RetentionResult {
  breakdowns: { breakdownValue: string | null; cohorts: RetentionCohort[] }[];
}
