import { z } from "zod";

const labelSet = z.record(z.string().max(100), z.string().max(400));

/** A stored series in metric_samples, folded over the evaluation window; optionally a ratio of two. */
export const metricSource = z
  .object({
    kind: z.literal("metric"),
    name: z.string().min(1).max(100),
    labels: labelSet.default({}),
    aggregation: z.enum(["sum", "avg", "max", "min", "last"]).default("sum"),
    /** Divides by this series (same labels, same aggregation): error rate = http_errors / http_requests. */
    denominator: z.string().min(1).max(100).optional(),
  })
  .strict();

/** A saved insight (or, for built-in rules, an inline query) run through runInsight: the last value of one series. */
export const insightSource = z
  .object({
    kind: z.literal("insight"),
    savedInsightId: z.uuid().optional(),
    query: z.record(z.string(), z.unknown()).optional(),
    /** Series key (A, B ... or "formula"); the first current-period series when omitted. */
    series: z.string().max(40).optional(),
  })
  .strict()
  .refine((s) => !!s.savedInsightId !== !!s.query, { message: "give a saved insight or a query, not both", path: ["savedInsightId"] });

/** Discriminated on `kind`: an "anomaly" source (model score) is one more member here. */
export const alertSource = z.discriminatedUnion("kind", [metricSource, insightSource]);
export type AlertSource = z.infer<typeof alertSource>;

export const alertCondition = z.enum(["above", "below", "change_pct"]);
export type AlertCondition = z.infer<typeof alertCondition>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM");
/** No notifications inside a window: a one-off span, or a daily span in UTC (may cross midnight). */
export const muteWindow = z.union([
  z.object({ kind: z.literal("once"), from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }).strict(),
  z.object({ kind: z.literal("daily"), start: hhmm, end: hhmm }).strict(),
]);
export type MuteWindow = z.infer<typeof muteWindow>;

export const severity = z.enum(["info", "warning", "critical"]);

/** The one schema for a rule: procedure input, editor form and tests. */
export const alertRuleInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    source: alertSource,
    /** above / below compare the value with the threshold; change_pct compares it with the previous window in percent (negative threshold = a drop). */
    condition: alertCondition,
    threshold: z.number().finite(),
    windowSeconds: z.number().int().min(10).max(90 * 86400).default(300),
    forSeconds: z.number().int().min(0).max(7 * 86400).default(0),
    cooldownSeconds: z.number().int().min(0).max(30 * 86400).default(3600),
    severity: severity.default("warning"),
    channelIds: z.array(z.uuid()).max(20).default([]),
    recipients: z.array(z.email()).max(50).default([]),
    muteWindows: z.array(muteWindow).max(20).default([]),
    enabled: z.boolean().default(true),
  })
  .strict();
export type AlertRuleInput = z.infer<typeof alertRuleInput>;

export function isMuted(windows: MuteWindow[], now: Date): boolean {
  const minutes = now.getUTCHours() * 60 + now.getUTCMinutes();
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  return windows.some((w) => {
    if (w.kind === "once") return now >= new Date(w.from) && now < new Date(w.to);
    const [a, b] = [toMin(w.start), toMin(w.end)];
    return a <= b ? minutes >= a && minutes < b : minutes >= a || minutes < b;
  });
}

/** Does `value` (and, for change_pct, the previous window's value) breach the rule? */
export function breaches(condition: AlertCondition, threshold: number, value: number | null, previous: number | null): boolean {
  if (value === null || !Number.isFinite(value)) return false;
  if (condition === "above") return value > threshold;
  if (condition === "below") return value < threshold;
  if (previous === null || previous === 0) return false;
  const change = ((value - previous) / Math.abs(previous)) * 100;
  return threshold < 0 ? change <= threshold : change >= threshold;
}
