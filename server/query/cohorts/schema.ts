import { z } from "zod";
import { dateRange, LIMITS, propertyFilter } from "../schema/common";

/** Limits of a cohort definition; errors name the field and the limit. */
export const COHORT_LIMITS = {
  /** Rules in the whole tree, groups included. */
  rules: 50,
  /** Nesting depth of groups. */
  depth: 5,
  days: 3660,
  count: 1_000_000,
  name: 200,
  description: 2000,
} as const;

const eventName = z.string().min(1).max(400);
const days = z.number().int().min(1).max(COHORT_LIMITS.days);
/** Filters on the events a behavioral rule counts (event or person properties). */
const eventFilters = z.array(propertyFilter).max(LIMITS.filters).default([]);

/** A person property condition, evaluated on the canonical person. */
export const propertyRule = z
  .object({
    type: z.literal("property"),
    filter: propertyFilter.refine((f) => f.type === "person", { message: "a cohort property rule filters person properties (type: person)" }),
  })
  .strict();

/** Did `event` (with `filters`) at least / at most / exactly `count` times in the last `days` days. */
export const behaviorRule = z
  .object({
    type: z.literal("behavior"),
    event: eventName,
    filters: eventFilters,
    operator: z.enum(["at_least", "at_most", "exactly"]),
    count: z.number().int().min(0).max(COHORT_LIMITS.count),
    days,
  })
  .strict();

/** Did not do `event` (with `filters`) in the last `days` days. */
export const notPerformedRule = z
  .object({ type: z.literal("not_performed"), event: eventName, filters: eventFilters, days })
  .strict();

/** The person's first event (any event, merged persons included) falls in the date range. */
export const firstSeenRule = z.object({ type: z.literal("first_seen"), dateRange }).strict();

/** Member (or, negated, not a member) of another cohort, as last computed. */
export const cohortRule = z.object({ type: z.literal("cohort"), cohortId: z.uuid(), negate: z.boolean().default(false) }).strict();

export type PropertyRule = z.infer<typeof propertyRule>;
export type BehaviorRule = z.infer<typeof behaviorRule>;
export type NotPerformedRule = z.infer<typeof notPerformedRule>;
export type FirstSeenRule = z.infer<typeof firstSeenRule>;
export type CohortRule = z.infer<typeof cohortRule>;
export type LeafRule = PropertyRule | BehaviorRule | NotPerformedRule | FirstSeenRule | CohortRule;

/** An AND / OR of rules and nested groups; the root of a dynamic cohort's definition. */
export type RuleGroup = { type: "group"; op: "and" | "or"; rules: (LeafRule | RuleGroup)[] };
export type Rule = LeafRule | RuleGroup;

const leafRule = z.discriminatedUnion("type", [propertyRule, behaviorRule, notPerformedRule, firstSeenRule, cohortRule]);

export const ruleGroup: z.ZodType<RuleGroup, unknown> = z.lazy(() =>
  z
    .object({
      type: z.literal("group"),
      op: z.enum(["and", "or"]),
      rules: z.array(z.union([leafRule, ruleGroup])).min(1, "a group needs at least one rule").max(COHORT_LIMITS.rules),
    })
    .strict(),
);

function countRules(g: RuleGroup): number {
  return g.rules.reduce((n, r) => n + (r.type === "group" ? 1 + countRules(r) : 1), 0);
}
function depthOf(g: RuleGroup): number {
  return 1 + Math.max(0, ...g.rules.map((r) => (r.type === "group" ? depthOf(r) : 0)));
}

/** The definition stored in `cohorts.definition` for a dynamic cohort. */
export const cohortDefinition = ruleGroup.superRefine((g, ctx) => {
  if (countRules(g) > COHORT_LIMITS.rules) ctx.addIssue({ code: "custom", path: ["rules"], message: `at most ${COHORT_LIMITS.rules} rules in a cohort` });
  if (depthOf(g) > COHORT_LIMITS.depth) ctx.addIssue({ code: "custom", path: ["rules"], message: `groups nest at most ${COHORT_LIMITS.depth} deep` });
});
export type CohortDefinition = RuleGroup;

/** Ids of the cohorts a definition refers to (anywhere in the tree). */
export function referencedCohorts(def: RuleGroup): string[] {
  const out = new Set<string>();
  const walk = (g: RuleGroup) => {
    for (const r of g.rules) {
      if (r.type === "group") walk(r);
      else if (r.type === "cohort") out.add(r.cohortId);
    }
  };
  walk(def);
  return [...out];
}

// ---- procedure inputs ------------------------------------------------------------------------

const cohortName = z.string().trim().min(1, "give the cohort a name").max(COHORT_LIMITS.name);
const description = z.string().max(COHORT_LIMITS.description).default("");

export const cohortIdInput = z.object({ id: z.uuid() }).strict();

export const createCohortInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("static"), name: cohortName, description }).strict(),
  z.object({ kind: z.literal("dynamic"), name: cohortName, description, definition: cohortDefinition }).strict(),
]);
export type CreateCohortInput = z.infer<typeof createCohortInput>;

export const updateCohortInput = z
  .object({
    id: z.uuid(),
    name: cohortName.optional(),
    description: z.string().max(COHORT_LIMITS.description).optional(),
    /** Only for dynamic cohorts; membership is recomputed at once. */
    definition: cohortDefinition.optional(),
  })
  .strict();
export type UpdateCohortInput = z.infer<typeof updateCohortInput>;

export const CSV_LIMITS = { bytes: 20_000_000, rows: 200_000, idLength: 200 } as const;

export const uploadCsvInput = z
  .object({
    id: z.uuid(),
    /** CSV text: one id per row, optionally with a header row naming `distinct_id` / `person_id`. */
    csv: z.string().max(CSV_LIMITS.bytes, `at most ${CSV_LIMITS.bytes} characters`),
    idType: z.enum(["distinct_id", "person_id"]).default("distinct_id"),
    /** replace: the upload becomes the membership; append: added to it. */
    mode: z.enum(["replace", "append"]).default("replace"),
  })
  .strict();
export type UploadCsvInput = z.infer<typeof uploadCsvInput>;

export const membersInput = z
  .object({
    id: z.uuid(),
    /** The last person id of the previous page. */
    cursor: z.uuid().optional(),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();
export type MembersInput = z.infer<typeof membersInput>;

export const recomputeInput = z
  .object({
    id: z.uuid(),
    /** true: compute in this request and answer with the new count; false: queue the worker task. */
    wait: z.boolean().default(true),
  })
  .strict();
