import { z } from "zod";
import { baseQuery, eventSelector } from "./common";

export const lifecycleQuery = z
  .object({
    kind: z.literal("lifecycle"),
    event: eventSelector,
    interval: z.enum(["day", "week", "month"]).default("day"),
    ...baseQuery,
  })
  .strict();
export type LifecycleQuery = z.infer<typeof lifecycleQuery>;

export interface LifecycleResult {
  buckets: string[];
  /** Per bucket: new (first ever event), returning (active the bucket before too), resurrecting
   * (active now, not the bucket before, but earlier), dormant (active the bucket before, not now; negative). */
  new: number[];
  returning: number[];
  resurrecting: number[];
  dormant: number[];
}

export const stickinessQuery = z
  .object({
    kind: z.literal("stickiness"),
    event: eventSelector,
    /** Days active per week, or per month. */
    period: z.enum(["week", "month"]).default("week"),
    ...baseQuery,
  })
  .strict();
export type StickinessQuery = z.infer<typeof stickinessQuery>;

export interface StickinessResult {
  /** persons[d - 1]: persons active on exactly d days of a period (summed over the periods in range). */
  days: number[];
  persons: number[];
  /** The periods counted (start, ISO in the project timezone) and how many of their days lie in the date range. */
  periods: { start: string; daysInRange: number }[];
}
