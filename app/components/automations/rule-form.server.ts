import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { expectedError, optionalText, text, type FieldErrors } from "~/lib/forms.server";
import { REDACTED } from "../../../server/automations/schema";

export const DEDUP_CHOICES = { once: null, day: 86_400, week: 604_800 } as const;

/** Form field for each place in the rule (errors from the one zod schema are shown beside the input). */
const FIELD_OF: Record<string, string> = {
  name: "name",
  "trigger.event": "event",
  "trigger.filters": "filters",
  "trigger.absentEvent": "absentEvent",
  "trigger.withinSeconds": "withinMinutes",
  delaySeconds: "delayMinutes",
  "action.url": "url",
  "action.secret": "secret",
  "action.to": "to",
  "action.toPersonProperty": "toPersonProperty",
  "action.subject": "subject",
  dedupSeconds: "dedup",
  cohortId: "cohortId",
  url: "url",
  secret: "secret",
  properties: "properties",
};

function minutes(form: FormData, name: string): number | undefined {
  const v = optionalText(form, name);
  return v === undefined ? undefined : Math.round(Number(v) * 60);
}

function list(form: FormData, name: string): string[] {
  return text(form, name).split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
}

/** The trigger's filters from the form's JSON field (validated by the procedure's schema; text that is not JSON goes as is and is refused there, beside the field). */
function filtersOf(form: FormData): unknown {
  const raw = text(form, "filters").trim();
  if (raw === "") return [];
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** The form's values, kept to fill the form again after an error. */
export function ruleValues(form: FormData) {
  const names = ["name", "event", "filters", "absentEvent", "withinMinutes", "delayMinutes", "actionKind", "url", "to", "toPersonProperty", "subject", "dedup"];
  return Object.fromEntries(names.map((n) => [n, text(form, n)]));
}

/** The rule as the automations procedures take it (validated there, by the one schema). */
export function ruleFromForm(form: FormData) {
  const absentEvent = optionalText(form, "absentEvent");
  const kind = text(form, "actionKind") === "email" ? "email" : "webhook";
  const dedup = text(form, "dedup") as keyof typeof DEDUP_CHOICES;
  return {
    name: text(form, "name"),
    trigger: {
      event: text(form, "event"),
      filters: filtersOf(form),
      ...(absentEvent ? { absentEvent, withinSeconds: minutes(form, "withinMinutes") } : {}),
    },
    delaySeconds: minutes(form, "delayMinutes") ?? 0,
    action:
      kind === "webhook"
        ? { kind, url: text(form, "url"), secret: text(form, "secret") }
        : { kind, to: list(form, "to"), toPersonProperty: optionalText(form, "toPersonProperty"), subject: text(form, "subject") },
    dedupSeconds: dedup in DEDUP_CHOICES ? DEDUP_CHOICES[dedup] : customDedup(dedup),
  } as const;
}

/** The edited rule: a webhook secret left blank keeps the stored one (on/off is not sent, so it stays). */
export function ruleUpdateFromForm(form: FormData) {
  const rule = ruleFromForm(form);
  return rule.action.kind === "webhook" && !rule.action.secret ? { ...rule, action: { ...rule.action, secret: REDACTED } } : rule;
}

/** "seconds:N" (a period set through the API, offered as is by the edit form), else null. */
function customDedup(value: string): number | null {
  const m = /^seconds:(\d+)$/.exec(value);
  return m ? Number(m[1]) : null;
}

/** The form's values for a stored rule (the edit form); the webhook secret is never sent back. */
export function ruleToValues(a: {
  name: string;
  trigger: { event: string; filters?: unknown[]; absentEvent?: string; withinSeconds?: number };
  delaySeconds: number;
  action: { kind: "webhook"; url: string } | { kind: "email"; to: string[]; toPersonProperty?: string; subject: string };
  dedupSeconds: number | null;
}): Record<string, string> {
  const minutes = (s: number | undefined) => (s === undefined ? "" : String(s / 60));
  const dedupKey = (Object.keys(DEDUP_CHOICES) as Array<keyof typeof DEDUP_CHOICES>).find((k) => DEDUP_CHOICES[k] === a.dedupSeconds);
  return {
    name: a.name,
    event: a.trigger.event,
    filters: JSON.stringify(a.trigger.filters ?? []),
    absentEvent: a.trigger.absentEvent ?? "",
    withinMinutes: minutes(a.trigger.withinSeconds),
    delayMinutes: a.delaySeconds ? minutes(a.delaySeconds) : "",
    actionKind: a.action.kind,
    url: a.action.kind === "webhook" ? a.action.url : "",
    to: a.action.kind === "email" ? a.action.to.join(", ") : "",
    toPersonProperty: a.action.kind === "email" ? (a.action.toPersonProperty ?? "") : "",
    subject: a.action.kind === "email" ? a.action.subject : "",
    dedup: dedupKey ?? `seconds:${a.dedupSeconds}`,
  };
}

export function audienceFromForm(form: FormData) {
  return { cohortId: text(form, "cohortId"), url: text(form, "url"), secret: text(form, "secret"), properties: list(form, "properties") };
}

/** Bad input becomes messages beside the form's fields; anything else is rethrown as a response. */
export function formErrors(err: unknown, prefix: string[] = []): { formError: string; fieldErrors?: FieldErrors } {
  if (err instanceof TRPCError && err.code === "BAD_REQUEST" && err.cause instanceof ZodError) {
    const fieldErrors: FieldErrors = {};
    for (const issue of err.cause.issues) {
      const path = issue.path.slice(prefix.length).filter((p) => typeof p === "string").join(".");
      const field = FIELD_OF[path] ?? FIELD_OF[path.split(".").slice(0, 2).join(".")] ?? "form";
      fieldErrors[field] ??= issue.message;
    }
    return { formError: fieldErrors.form ?? "Check the highlighted fields.", fieldErrors };
  }
  return expectedError(err);
}
