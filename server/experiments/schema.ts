// Inputs of the experiments service, router, REST routes and wizard: one zod schema each.
import { z } from "zod";
import { flagKey } from "../flags/schema";
import { moment } from "../validation/dates";

const eventName = z.string().min(1, "is required").max(400);
const HOURS_MAX = 24 * 90;

const metricCommon = {
  name: z.string().max(200).optional(),
  /** false for metrics where less is better (errors, refunds): "worse" then means higher. */
  higherIsBetter: z.boolean().default(true),
};

/** What a metric measures, per exposed person, counted from their first exposure. */
export const metricDefinition = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("conversion"),
      event: eventName,
      /** Counted when the event happens within this many hours after the first exposure. */
      windowHours: z.number().positive().max(HOURS_MAX).default(72),
      ...metricCommon,
    })
    .strict(),
  z
    .object({
      kind: z.literal("count"),
      event: eventName,
      windowHours: z.number().positive().max(HOURS_MAX).default(72),
      ...metricCommon,
    })
    .strict(),
  z
    .object({
      kind: z.literal("revenue"),
      /** The event whose `revenue` column is summed; any event carrying revenue when absent. */
      event: eventName.optional(),
      windowHours: z.number().positive().max(HOURS_MAX).default(72),
      ...metricCommon,
    })
    .strict(),
  z
    .object({
      kind: z.literal("retention"),
      /** The returning event; any event when absent. */
      event: eventName.optional(),
      /** Returned on day N after the first exposure: [first + N days, first + N + 1 days). */
      day: z.number().int().min(1).max(90).default(7),
      ...metricCommon,
    })
    .strict(),
]);
export type MetricDefinition = z.infer<typeof metricDefinition>;
export type MetricInput = z.input<typeof metricDefinition>;

/** A metric in words, for tables and guidance. */
export function metricLabel(m: MetricDefinition): string {
  if (m.name) return m.name;
  switch (m.kind) {
    case "conversion":
      return `${m.event} conversion (${m.windowHours} h)`;
    case "count":
      return `${m.event} per user (${m.windowHours} h)`;
    case "revenue":
      return `revenue per user${m.event ? ` from ${m.event}` : ""} (${m.windowHours} h)`;
    case "retention":
      return `returned on day ${m.day}${m.event ? ` (${m.event})` : ""}`;
  }
}

/** Proportion metrics (one 0/1 per person) or means of a per-person number. */
export const isProportion = (m: MetricDefinition) => m.kind === "conversion" || m.kind === "retention";

export const experimentKey = z
  .string()
  .min(1, "is required")
  .max(200)
  .regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits and _ . : - only");

export const experimentVariant = z.object({ key: flagKey, weight: z.number().gt(0, "must be above 0").max(100) }).strict();

/** Variants: the first is the control; weights add up to 100. */
const variants = z
  .array(experimentVariant)
  .min(2, "an experiment needs at least 2 variants (the first is the control)")
  .max(10)
  .superRefine((vs, ctx) => {
    const sum = vs.reduce((s, v) => s + v.weight, 0);
    if (Math.abs(sum - 100) > 1e-9) ctx.addIssue({ code: "custom", message: `weights must add up to 100 (they add up to ${sum})` });
    const seen = new Set<string>();
    vs.forEach((v, i) => {
      if (seen.has(v.key)) ctx.addIssue({ code: "custom", path: [i, "key"], message: `variant "${v.key}" appears twice` });
      seen.add(v.key);
    });
  });

/** What the power calculation assumed, kept so the confidence sequence's mixing variance is fixed before the data. */
export const experimentPlan = z
  .object({
    baselineRate: z.number().gt(0).lt(1).optional(),
    /** Relative minimum detectable effect, e.g. 0.05 for +5%. */
    relativeEffect: z.number().optional(),
    /** Per-user standard deviation assumed for a mean metric. */
    sd: z.number().positive().optional(),
    alpha: z.number().gt(0).lt(1).default(0.05),
    power: z.number().gt(0).lt(1).default(0.8),
  })
  .strict();

const experimentBody = {
  name: z.string().min(1, "is required").max(400),
  hypothesis: z.string().max(4000).default(""),
  variants,
  primaryMetric: metricDefinition,
  secondaryMetrics: z.array(metricDefinition).max(10).default([]),
  guardrailMetrics: z.array(metricDefinition).max(10).default([]),
  exposureEvent: eventName.default("$feature_flag_called"),
  holdoutPercent: z.number().min(0).max(50).default(0),
  /** Users per variant the experiment plans for (from the power calculator). */
  minSampleSize: z.number().int().positive().nullable().default(null),
  plan: experimentPlan.nullable().default(null),
};

/** Create a draft: on an existing flag (`flagId`) or on a new flag keyed `flagKey` (the experiment key when absent). */
export const createExperimentInput = z
  .object({
    key: experimentKey,
    flagId: z.uuid().optional(),
    flagKey: flagKey.optional(),
    ...experimentBody,
  })
  .strict()
  .refine((i) => !(i.flagId && i.flagKey), { message: "give flagId (an existing flag) or flagKey (a new one), not both", path: ["flagKey"] });
export type CreateExperimentInput = z.infer<typeof createExperimentInput>;

export const updateExperimentInput = z
  .object({
    id: z.uuid(),
    change: z
      .object({
        name: experimentBody.name.optional(),
        hypothesis: z.string().max(4000).optional(),
        variants: variants.optional(),
        primaryMetric: metricDefinition.optional(),
        secondaryMetrics: z.array(metricDefinition).max(10).optional(),
        guardrailMetrics: z.array(metricDefinition).max(10).optional(),
        exposureEvent: eventName.optional(),
        holdoutPercent: z.number().min(0).max(50).optional(),
        minSampleSize: z.number().int().positive().nullable().optional(),
        plan: experimentPlan.nullable().optional(),
      })
      .strict(),
  })
  .strict();
export type ExperimentChange = z.infer<typeof updateExperimentInput>["change"];

export const experimentIdInput = z.object({ id: z.uuid() }).strict();
export const getExperimentInput = z.union([z.object({ id: z.uuid() }).strict(), z.object({ key: experimentKey }).strict()]);

/** When exposures start counting: may lie in the past (the flag already ran), never in the future. */
export const exposureStart = moment.refine((d) => d.getTime() <= Date.now() + 60_000, "must not lie in the future");

export const startExperimentInput = z
  .object({
    id: z.uuid(),
    /** Now when absent. */
    startedAt: exposureStart.optional(),
  })
  .strict();

export const completeExperimentInput = z.object({ id: z.uuid(), winner: flagKey }).strict();

export const resultsInput = z
  .object({
    id: z.uuid(),
    /** Results as of this time (the window's end); now or the experiment's end when absent. */
    asOf: moment.optional(),
  })
  .strict();

const propertiesInput = z.record(z.string().max(400), z.unknown());

export const getVariantInput = z
  .object({
    experimentKey,
    distinctId: z.string().min(1, "is required").max(400),
    properties: propertiesInput.optional(),
  })
  .strict();
export type GetVariantInput = z.infer<typeof getVariantInput>;

export const trackConversionInput = z
  .object({
    experimentKey,
    distinctId: z.string().min(1, "is required").max(400),
    event: eventName,
    properties: propertiesInput.optional(),
    /** Stored as the event's revenue (revenue-per-user metrics sum it). */
    value: z.number().finite().optional(),
  })
  .strict();
export type TrackConversionInput = z.infer<typeof trackConversionInput>;
