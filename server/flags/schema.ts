import { z } from "zod";
import { propertyFilter } from "../query/schema/common";
import { moment } from "../validation/dates";

export const FLAG_LIMITS = { rules: 50, conditions: 20, variants: 20, ids: 1000, environments: 20, payloadBytes: 64_000 } as const;

/** Flag keys are used in URLs, SDK calls and the hash: short, no spaces. */
export const flagKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits and _ . : - only");

const environmentName = z.string().min(1).max(100);

/** Person property conditions: the insight filters' operators, on the person's properties. */
const personCondition = propertyFilter
  .refine((f) => f.type === "person", {
    message: "flag conditions use person properties (type: person)",
    path: ["type"],
  })
  // Flags are evaluated with JavaScript's RegExp (server and SDKs): one it cannot compile would make the condition never match.
  .superRefine((f, ctx) => {
    if ((f.operator !== "regex" && f.operator !== "not_regex") || typeof f.value !== "string") return;
    try {
      new RegExp(f.value);
    } catch (err) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `invalid regular expression (${(err as Error).message})` });
    }
  });

export const flagCondition = z.union([
  z.object({ type: z.literal("cohort"), cohortId: z.uuid(), negate: z.boolean().default(false) }).strict(),
  z.object({ type: z.literal("distinct_id"), values: z.array(z.string().min(1).max(400)).min(1).max(FLAG_LIMITS.ids) }).strict(),
  z.object({ type: z.literal("environment"), values: z.array(environmentName).min(1).max(FLAG_LIMITS.environments) }).strict(),
  personCondition,
]);
export type FlagConditionInput = z.infer<typeof flagCondition>;

export const flagRule = z
  .object({
    conditions: z.array(flagCondition).max(FLAG_LIMITS.conditions).default([]),
    rollout: z.number().min(0).max(100).default(100),
    variant: z.string().min(1).max(200).nullable().default(null),
  })
  .strict();
export type FlagRuleInput = z.infer<typeof flagRule>;

export const flagVariant = z.object({ key: flagKey, weight: z.number().min(0).max(100) }).strict();

const payloads = z.record(z.string().max(200), z.json()).refine((p) => JSON.stringify(p).length <= FLAG_LIMITS.payloadBytes, {
  message: `payloads may be at most ${FLAG_LIMITS.payloadBytes} bytes of JSON`,
});

/** Everything a flag's behaviour depends on; create takes it whole, update any part of it. */
const flagBody = {
  name: z.string().max(400).default(""),
  description: z.string().max(4000).default(""),
  type: z.enum(["boolean", "multivariate"]).default("boolean"),
  enabled: z.boolean().default(false),
  rules: z.array(flagRule).max(FLAG_LIMITS.rules).default([{ conditions: [], rollout: 100, variant: null }]),
  variants: z.array(flagVariant).max(FLAG_LIMITS.variants).default([]),
  payloads: payloads.default({}),
  environments: z.array(environmentName).max(FLAG_LIMITS.environments).default([]),
};

type Shape = { type: "boolean" | "multivariate"; rules: FlagRuleInput[]; variants: { key: string; weight: number }[]; payloads: Record<string, unknown> };

/** Cross-field checks: variants of multivariate flags add up to 100, overrides and payloads name real variants. */
export function checkFlagShape(f: Shape, ctx: { addIssue(i: { code: "custom"; message: string; path: (string | number)[]; input?: unknown }): void }) {
  if (f.type === "multivariate") {
    if (f.variants.length < 2) ctx.addIssue({ code: "custom", path: ["variants"], message: "a multivariate flag needs at least 2 variants" });
    const sum = f.variants.reduce((s, v) => s + v.weight, 0);
    if (Math.abs(sum - 100) > 1e-9) ctx.addIssue({ code: "custom", path: ["variants"], message: `weights must add up to 100 (they add up to ${sum})` });
    const keys = new Set<string>();
    f.variants.forEach((v, i) => {
      if (keys.has(v.key)) ctx.addIssue({ code: "custom", path: ["variants", i, "key"], message: `variant "${v.key}" appears twice` });
      keys.add(v.key);
    });
    f.rules.forEach((r, i) => {
      if (r.variant !== null && !keys.has(r.variant)) ctx.addIssue({ code: "custom", path: ["rules", i, "variant"], message: `no variant "${r.variant}"` });
    });
    for (const k of Object.keys(f.payloads)) {
      if (!keys.has(k)) ctx.addIssue({ code: "custom", path: ["payloads", k], message: `no variant "${k}"` });
    }
  } else {
    if (f.variants.length > 0) ctx.addIssue({ code: "custom", path: ["variants"], message: "a boolean flag has no variants" });
    f.rules.forEach((r, i) => {
      if (r.variant !== null) ctx.addIssue({ code: "custom", path: ["rules", i, "variant"], message: "a boolean flag has no variants" });
    });
    for (const k of Object.keys(f.payloads)) {
      if (k !== "true") ctx.addIssue({ code: "custom", path: ["payloads", k], message: 'a boolean flag has one payload, keyed "true"' });
    }
  }
}

export const createFlagInput = z.object({ key: flagKey, ...flagBody }).strict().superRefine(checkFlagShape);
export type CreateFlagInput = z.infer<typeof createFlagInput>;

/** Any subset of the flag's fields (the key stays: renaming would reshuffle everyone). */
export const flagChange = z
  .object({
    name: flagBody.name.unwrap().optional(),
    description: flagBody.description.unwrap().optional(),
    type: z.enum(["boolean", "multivariate"]).optional(),
    enabled: z.boolean().optional(),
    rules: z.array(flagRule).max(FLAG_LIMITS.rules).optional(),
    variants: z.array(flagVariant).max(FLAG_LIMITS.variants).optional(),
    payloads: payloads.optional(),
    environments: z.array(environmentName).max(FLAG_LIMITS.environments).optional(),
  })
  .strict();
export type FlagChange = z.infer<typeof flagChange>;

export const flagIdInput = z.object({ id: z.uuid() }).strict();
export const getFlagInput = z.union([z.object({ id: z.uuid() }).strict(), z.object({ key: flagKey }).strict()]);
export const updateFlagInput = z.object({ id: z.uuid(), change: flagChange, expectedVersion: z.number().int().optional() }).strict();
export const setEnabledInput = z.object({ id: z.uuid(), enabled: z.boolean() }).strict();
export const archiveInput = z.object({ id: z.uuid(), archived: z.boolean().default(true) }).strict();
export const listFlagsInput = z.object({ includeArchived: z.boolean().default(false) }).strict().default({ includeArchived: false });

export const scheduleChangeInput = z
  .object({
    id: z.uuid(),
    at: moment,
    change: flagChange.refine((c) => Object.keys(c).length > 0, { message: "the change changes nothing" }),
  })
  .strict();
export const cancelScheduledInput = z.object({ id: z.uuid(), changeId: z.uuid() }).strict();

export const evaluateInput = z
  .object({
    key: flagKey.optional(),
    distinctId: z.string().min(1).max(400),
    personProperties: z.record(z.string(), z.unknown()).optional(),
    environment: environmentName.optional(),
  })
  .strict();
export type EvaluateInput = z.infer<typeof evaluateInput>;

export const statsInput = z
  .object({
    id: z.uuid(),
    days: z.number().int().min(1).max(365).default(30),
  })
  .strict();
