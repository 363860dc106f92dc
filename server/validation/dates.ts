import { z } from "zod";

export const EARLIEST_DATE = new Date("2000-01-01T00:00:00Z");
export const LATEST_DATE = new Date("2100-01-01T00:00:00Z");

/**
 * A moment given as a Date, an ISO 8601 string or epoch milliseconds, between 2000 and 2099.
 * Unlike z.coerce.date() it does not turn null, false or "" into 1970-01-01, and it refuses dates
 * PostgreSQL cannot store or that no schedule or experiment window means.
 */
export const moment = z
  .union([z.date(), z.string().min(1).max(64), z.number().finite()], { error: "expected a date (ISO 8601 like 2026-11-22T10:00:00Z, or epoch milliseconds)" })
  .transform((v, ctx) => {
    const d = v instanceof Date ? v : new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: `is not a date: ${JSON.stringify(v instanceof Date ? "Invalid Date" : v).slice(0, 80)} (expected ISO 8601 like 2026-11-22T10:00:00Z)` });
      return z.NEVER;
    }
    if (d < EARLIEST_DATE || d >= LATEST_DATE) {
      ctx.addIssue({ code: "custom", message: `must be between 2000-01-01 and 2099-12-31 (got ${d.toISOString()})` });
      return z.NEVER;
    }
    return d;
  });
