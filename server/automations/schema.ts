import { z } from "zod";
import { filters } from "../query/schema/common";

/** Limits of an automation rule; errors name the field and the limit. */
export const AUTOMATION_LIMITS = {
  name: 200,
  eventName: 400,
  /** Delays, windows and dedup periods: at most 90 days. */
  seconds: 90 * 86_400,
  recipients: 50,
  subject: 300,
  properties: 50,
} as const;

/** Shown instead of a webhook secret when a rule leaves the server; sending it back keeps the stored one. */
export const REDACTED = "•••";

const eventName = z.string().trim().min(1).max(AUTOMATION_LIMITS.eventName);
const seconds = z.number().int().min(0).max(AUTOMATION_LIMITS.seconds);
const url = z.url({ protocol: /^https?$/ });
const propertyKey = z.string().trim().min(1).max(200);

/**
 * What starts an automation: each `event` (matching `filters`, event or person properties) by a
 * person. With `absentEvent`, only when that person does not do `absentEvent` within
 * `withinSeconds` after it ("checkout_started and no booking_completed within 1 hour").
 */
export const automationTrigger = z
  .object({
    event: eventName,
    filters,
    absentEvent: eventName.optional(),
    withinSeconds: seconds.min(1).optional(),
  })
  .strict()
  .refine((t) => (t.absentEvent === undefined) === (t.withinSeconds === undefined), {
    message: "absentEvent and withinSeconds go together: give both or neither",
    path: ["withinSeconds"],
  });
export type AutomationTrigger = z.infer<typeof automationTrigger>;

/** A signed POST (the channels' webhook signature) with the person's properties. */
export const webhookAction = z
  .object({ kind: z.literal("webhook"), url, secret: z.string().min(16).max(200).or(z.literal(REDACTED)) })
  .strict();

/** An email to fixed addresses and/or the address in a person property (e.g. `email`). */
export const emailAction = z
  .object({
    kind: z.literal("email"),
    to: z.array(z.email()).max(AUTOMATION_LIMITS.recipients).default([]),
    toPersonProperty: propertyKey.optional(),
    subject: z.string().trim().min(1).max(AUTOMATION_LIMITS.subject),
  })
  .strict()
  .refine((a) => a.to.length > 0 || a.toPersonProperty !== undefined, {
    message: "give fixed addresses (to) or a person property holding the address (toPersonProperty)",
    path: ["to"],
  });

export const automationAction = z.discriminatedUnion("kind", [webhookAction, emailAction]);
export type AutomationAction = z.infer<typeof automationAction>;

/** One rule, as the procedure, the form and the tests take it. */
export const automationInput = z
  .object({
    name: z.string().trim().min(1).max(AUTOMATION_LIMITS.name),
    trigger: automationTrigger,
    /** Wait this long after the trigger before acting (absence rules also wait for their window). */
    delaySeconds: seconds.default(0),
    action: automationAction,
    /** null: once per person ever; else at most once per person per period of this many seconds. */
    dedupSeconds: seconds.min(60).nullable().default(null),
    enabled: z.boolean().default(true),
  })
  .strict();
export type AutomationInput = z.infer<typeof automationInput>;
export type AutomationInputRaw = z.input<typeof automationInput>;

/** A changed rule: as automationInput, except that leaving out `enabled` keeps the rule on or off as it is. */
export const automationUpdate = automationInput.extend({ enabled: z.boolean().optional() });
export type AutomationUpdate = z.infer<typeof automationUpdate>;

/** A cohort posted to a webhook: its members' distinct ids and the chosen person properties. */
export const audienceSyncInput = z
  .object({
    cohortId: z.uuid(),
    url,
    secret: z.string().min(16).max(200).or(z.literal(REDACTED)),
    properties: z.array(propertyKey).max(AUTOMATION_LIMITS.properties).default([]),
    enabled: z.boolean().default(true),
  })
  .strict();
export type AudienceSyncInput = z.infer<typeof audienceSyncInput>;

export const firingStatus = z.enum(["pending", "sent", "skipped", "failed"]);
export type FiringStatus = z.infer<typeof firingStatus>;
