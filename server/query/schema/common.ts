import { z } from "zod";

/** Limits shared by every insight kind; errors name the field and the limit. */
export const LIMITS = {
  series: 10,
  filters: 50,
  listValues: 1000,
  stringValue: 20_000,
  breakdownLimit: 100,
  funnelSteps: 20,
  rangeDays: 3660,
} as const;

const name = z.string().min(1).max(400);

const DAYS_PER_UNIT = { h: 1 / 24, d: 1, w: 7, m: 30.44, y: 365.25 } as const;
/** `-7d`, `-12w`, `-3m`, `-1y`, `-24h`, or an ISO date/date-time. Relative ranges end now. */
export const dateBound = z.union([
  z
    .string()
    .regex(/^-\d{1,5}[hdwmy]$/, "relative bound like -7d, -4w, -3m, -1y, -24h")
    .refine((v) => Number(v.slice(1, -1)) * DAYS_PER_UNIT[v.at(-1) as keyof typeof DAYS_PER_UNIT] <= LIMITS.rangeDays + 1, {
      message: `reaches back further than the longest range (${LIMITS.rangeDays} days)`,
    }),
  z.iso.date(),
  z.iso.datetime({ offset: true }),
]);

export const dateRange = z
  .object({
    from: dateBound,
    /** Omitted: now. */
    to: dateBound.optional(),
  })
  .strict();
export type DateRange = z.infer<typeof dateRange>;

export const interval = z.enum(["minute", "hour", "day", "week", "month"]);
export type Interval = z.infer<typeof interval>;

const scalar = z.union([z.string().max(LIMITS.stringValue), z.number().finite(), z.boolean()]);

/** One property condition. `type` says whose property: the event's or the person's. */
export const propertyFilter = z.discriminatedUnion("operator", [
  z.object({ type: z.enum(["event", "person"]), key: name, operator: z.enum(["equals", "not_equals"]), value: scalar }).strict(),
  z
    .object({
      type: z.enum(["event", "person"]),
      key: name,
      operator: z.enum(["contains", "not_contains", "regex", "not_regex"]),
      value: z.string().max(LIMITS.stringValue),
    })
    .strict(),
  z.object({ type: z.enum(["event", "person"]), key: name, operator: z.enum(["gt", "gte", "lt", "lte"]), value: z.number().finite() }).strict(),
  z
    .object({
      type: z.enum(["event", "person"]),
      key: name,
      operator: z.literal("between"),
      value: z.tuple([z.number().finite(), z.number().finite()]),
    })
    .strict(),
  z.object({ type: z.enum(["event", "person"]), key: name, operator: z.enum(["is_set", "is_not_set"]) }).strict(),
  z
    .object({
      type: z.enum(["event", "person"]),
      key: name,
      operator: z.enum(["in", "not_in"]),
      value: z.array(scalar).min(1).max(LIMITS.listValues),
    })
    .strict(),
]);
export type PropertyFilter = z.infer<typeof propertyFilter>;

/** Membership (or not) of a saved cohort. */
export const cohortFilter = z.object({ type: z.literal("cohort"), cohortId: z.uuid(), negate: z.boolean().default(false) }).strict();
export type CohortFilter = z.infer<typeof cohortFilter>;

export const filter = z.union([propertyFilter, cohortFilter]);
export type Filter = z.infer<typeof filter>;

/** Filters are ANDed; a group lets the user OR some of them. */
export type FilterGroup = { op: "and" | "or"; filters: (Filter | FilterGroup)[] };
export const filterGroup: z.ZodType<FilterGroup> = z.lazy(() =>
  z.object({ op: z.enum(["and", "or"]), filters: z.array(z.union([filter, filterGroup])).max(LIMITS.filters) }).strict(),
);

export const filters = z.array(z.union([filter, filterGroup])).max(LIMITS.filters).default([]);

export const breakdown = z.discriminatedUnion("type", [
  z.object({ type: z.enum(["event", "person"]), key: name, limit: z.number().int().min(1).max(LIMITS.breakdownLimit).default(10) }).strict(),
  z.object({ type: z.literal("cohort"), cohortIds: z.array(z.uuid()).min(1).max(LIMITS.series) }).strict(),
  z.object({ type: z.enum(["day_of_week", "hour_of_day"]) }).strict(),
]);
export type Breakdown = z.infer<typeof breakdown>;

/** An event to count or match: a name (or `$all` for any event) with its own filters. */
export const eventSelector = z
  .object({
    event: name,
    filters,
    /** Shown in charts and tables; defaults to the event name. */
    label: z.string().max(200).optional(),
  })
  .strict();
export type EventSelector = z.infer<typeof eventSelector>;

/** Parts every insight query has. */
export const baseQuery = {
  dateRange: dateRange.default({ from: "-7d" }),
  /** Applied to every event the query reads. */
  filters,
  excludeTestAccounts: z.boolean().default(false),
};

export const ALL_EVENTS = "$all";
