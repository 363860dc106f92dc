import { z } from "zod";
import { baseQuery, interval } from "./common";

/** Dimensions revenue can be split by; each maps to a column or a fixed property in server/query/revenue. */
export const revenueDimension = z.enum(["provider", "route", "device", "browser", "os", "country", "utm_source", "currency"]);
export type RevenueDimension = z.infer<typeof revenueDimension>;

export const revenueQuery = z
  .object({
    kind: z.literal("revenue"),
    report: z.enum([
      "overview",
      "by_dimension",
      "search_to_booking",
      "ltv_by_cohort",
      "top_routes",
      "peak_hours",
      "device_share",
      "browser_share",
    ]),
    interval: interval.default("day"),
    dimension: revenueDimension.optional(),
    limit: z.number().int().min(1).max(100).default(10),
    ...baseQuery,
  })
  .strict();
export type RevenueQuery = z.infer<typeof revenueQuery>;
