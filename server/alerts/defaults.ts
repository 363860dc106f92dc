import type { Prisma, PrismaClient } from "../db/generated/client";
import type { AlertRuleInput } from "./schema";

/**
 * The source plans' built-in rules, created once per project (builtInKey) and editable after.
 * - error_rate: share of HTTP requests answered 5xx over 5 minutes (http_errors / http_requests), above 1%.
 * - p95_latency: the worst 10-second p95 of all HTTP requests over 5 minutes, above 2 s.
 * - conversion_drop: today's checkout_started -> booking_completed ratio (trends formula B/A*100)
 *   against the previous window's, a drop of 20% or more.
 * - payment_failures: payment_failed / payment_attempted events today in percent, above 5%.
 * - api_quota: the capture quota used (capture_quota_used_ratio gauge, 0..1), above 80%.
 */
/** Instance rules watch Foresight itself (one per instance, no project); project rules watch a project's events. */
export const BUILT_IN_RULES: Array<{ key: string; scope: "instance" | "project"; rule: AlertRuleInput }> = [
  {
    key: "error_rate",
    scope: "instance",
    rule: {
      name: "Error rate above 1%",
      source: { kind: "metric", name: "http_errors", denominator: "http_requests", labels: { route: "*" }, aggregation: "sum" },
      condition: "above", threshold: 0.01, windowSeconds: 300, forSeconds: 0, cooldownSeconds: 3600,
      severity: "critical", channelIds: [], recipients: [], muteWindows: [], enabled: true,
    },
  },
  {
    key: "p95_latency",
    scope: "instance",
    rule: {
      name: "p95 latency above 2 s",
      source: { kind: "metric", name: "http_latency_p95", labels: { route: "*" }, aggregation: "max" },
      condition: "above", threshold: 2, windowSeconds: 300, forSeconds: 120, cooldownSeconds: 3600,
      severity: "warning", channelIds: [], recipients: [], muteWindows: [], enabled: true,
    },
  },
  {
    key: "conversion_drop",
    scope: "project",
    rule: {
      name: "Conversion rate dropped by 20%",
      source: {
        kind: "insight",
        query: { kind: "trends", series: [{ event: "checkout_started" }, { event: "booking_completed" }], formula: "B/A*100", interval: "day", dateRange: { from: "-7d" } },
        series: "formula",
      },
      condition: "change_pct", threshold: -20, windowSeconds: 86400, forSeconds: 0, cooldownSeconds: 86400,
      severity: "warning", channelIds: [], recipients: [], muteWindows: [], enabled: true,
    },
  },
  {
    key: "payment_failures",
    scope: "project",
    rule: {
      name: "Payment failures above 5%",
      source: {
        kind: "insight",
        query: { kind: "trends", series: [{ event: "payment_attempted" }, { event: "payment_failed" }], formula: "B/A*100", interval: "day", dateRange: { from: "-7d" } },
        series: "formula",
      },
      condition: "above", threshold: 5, windowSeconds: 3600, forSeconds: 0, cooldownSeconds: 21600,
      severity: "critical", channelIds: [], recipients: [], muteWindows: [], enabled: true,
    },
  },
  {
    key: "api_quota",
    scope: "instance",
    rule: {
      name: "API quota above 80%",
      source: { kind: "metric", name: "capture_quota_used_ratio", labels: {}, aggregation: "max" },
      condition: "above", threshold: 0.8, windowSeconds: 600, forSeconds: 0, cooldownSeconds: 86400,
      severity: "warning", channelIds: [], recipients: [], muteWindows: [], enabled: true,
    },
  },
];

/** Creates the built-in rules missing for the instance and for `projectId`; edited ones are left alone. */
export async function ensureDefaultRules(prisma: PrismaClient, projectId: string): Promise<number> {
  const rows = await prisma.alertRule.findMany({
    where: { builtInKey: { not: null }, OR: [{ projectId }, { projectId: null }] },
    select: { builtInKey: true, projectId: true },
  });
  const have = new Set(rows.map((r) => `${r.projectId ?? "instance"}:${r.builtInKey}`));
  let created = 0;
  for (const d of BUILT_IN_RULES) {
    const owner = d.scope === "instance" ? null : projectId;
    if (have.has(`${owner ?? "instance"}:${d.key}`)) continue;
    const { source, muteWindows, ...rest } = d.rule;
    await prisma.alertRule.create({ data: { ...rest, projectId: owner, builtInKey: d.key, source: source as Prisma.InputJsonValue, muteWindows } });
    created++;
  }
  return created;
}
