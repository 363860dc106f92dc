// Input schemas for privacy procedures (person lookup, export, erasure) and project privacy
// settings; shared by the tRPC routers, the settings forms and the tests.
import { z } from "zod";

const distinctId = z
  .string({ error: "Enter a distinct id" })
  .min(1, "Enter a distinct id")
  .max(200, "Distinct ids are at most 200 characters");

export const findPersonInput = z.object({ distinctId });

/** A person named by one of their distinct ids or by their person id. */
export const personRefInput = z.union([
  z.object({ distinctId }).strict(),
  z.object({ personId: z.uuid("Not a person id") }).strict(),
]);
export type PersonRef = z.infer<typeof personRefInput>;

export const ipModes = ["keep", "truncate", "drop"] as const;

export const settingsBounds = {
  rateLimitPerSec: { min: 1, max: 1_000_000 },
  retentionDays: { min: 7, max: 3650 },
} as const;

function wholeNumber(label: string, { min, max }: { min: number; max: number }) {
  const range = `${label} must be between ${min.toLocaleString("en")} and ${max.toLocaleString("en")}`;
  return z.number({ error: `Enter ${label.toLowerCase()} as a whole number` }).int(`Enter ${label.toLowerCase()} as a whole number`).min(min, range).max(max, range);
}

export const projectSettingsInput = z
  .object({
    ipMode: z.enum(ipModes, { error: "Choose keep, truncate or drop" }),
    cookieless: z.boolean({ error: "Choose on or off" }),
    respectDnt: z.boolean({ error: "Choose on or off" }),
    strictEvents: z.boolean({ error: "Choose on or off" }),
    rateLimitPerSec: wholeNumber("The rate limit", settingsBounds.rateLimitPerSec),
    retentionDays: wholeNumber("Retention", settingsBounds.retentionDays),
  })
  .strict();
export type ProjectSettingsInput = z.infer<typeof projectSettingsInput>;
