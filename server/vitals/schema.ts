import { z } from "zod";

/** What the vitals table and trend are asked for: a window of days and optional page / device filters. */
export const vitalsQueryInput = z.object({
  days: z.number().int().min(1).max(90).default(28),
  device: z.string().min(1).max(40).optional(),
  page: z.string().min(1).max(2000).optional(),
  /** Pages shown in the table, busiest first. */
  pageLimit: z.number().int().min(1).max(200).default(30),
});

export type VitalsQuery = z.infer<typeof vitalsQueryInput>;
