import { randomUUID } from "node:crypto";
import type { Deps } from "../deps";
import type { AlertRule } from "../db/generated/client";
import { queueDeliveries } from "../channels/deliveries";
import type { Notification } from "../channels/schema";
import { alertSource, breaches, isMuted, muteWindow, severity as severitySchema, type AlertCondition } from "./schema";
import { readSource } from "./source-value";
import { z } from "zod";

export interface EvaluationResult {
  ruleId: string;
  value: number | null;
  state: string;
  fired?: string;
  resolved?: string;
  error?: string;
}

function notificationFor(deps: Pick<Deps, "config">, rule: AlertRule, type: Notification["type"], e: { dedupKey: string; value: number | null; at: Date }): Notification {
  const base = deps.config.PUBLIC_URL?.replace(/\/$/, "");
  return {
    type,
    ruleId: rule.id,
    ruleName: rule.name,
    severity: severitySchema.catch("warning").parse(rule.severity),
    condition: rule.condition,
    threshold: rule.threshold,
    value: e.value,
    dedupKey: e.dedupKey,
    at: e.at.toISOString(),
    recipients: rule.recipients,
    url: base ? `${base}/monitoring/alerts?rule=${rule.id}` : null,
  };
}

/**
 * One evaluation of one rule at `now`: ok -> pending on a breach, pending -> firing once the
 * breach has lasted forSeconds (unless within the cooldown of the last firing or muted),
 * firing -> resolved when the value recovers. Each transition is claimed with a conditional
 * update, so two evaluators never fire the same rule twice.
 */
export async function evaluateRule(deps: Pick<Deps, "db" | "config" | "logger">, rule: AlertRule, now: Date): Promise<EvaluationResult> {
  const { prisma } = deps.db;
  const claim = (data: { state: string; stateSince: Date; lastValue: number | null; lastFiredAt?: Date }) =>
    prisma.alertRule
      .updateMany({ where: { id: rule.id, state: rule.state, stateSince: rule.stateSince }, data: { ...data, lastEvaluatedAt: now } })
      .then((r) => r.count === 1);
  let value: number | null;
  let previous: number | null;
  try {
    ({ value, previous } = await readSource(deps, alertSource.parse(rule.source), rule, now));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await prisma.alertRule.update({ where: { id: rule.id }, data: { lastEvaluatedAt: now } });
    return { ruleId: rule.id, value: null, state: rule.state, error: message };
  }
  const breach = breaches(rule.condition as AlertCondition, rule.threshold, value, previous);
  const out: EvaluationResult = { ruleId: rule.id, value, state: rule.state };

  if (!breach) {
    if (rule.state === "firing") {
      if (!(await claim({ state: "ok", stateSince: now, lastValue: value }))) return out;
      const open = await prisma.alertEvent.findFirst({ where: { ruleId: rule.id, status: "firing" }, orderBy: { firedAt: "desc" } });
      if (open) {
        await prisma.alertEvent.update({ where: { id: open.id }, data: { status: "resolved", resolvedAt: now } });
        await queueDeliveries(prisma, {
          channelIds: rule.channelIds,
          alertEventId: open.id,
          purpose: "alert_resolved",
          notification: notificationFor(deps, rule, "alert_resolved", { dedupKey: open.dedupKey, value, at: now }),
          now,
        });
        out.resolved = open.id;
      }
      return { ...out, state: "ok" };
    }
    if (rule.state === "pending") await claim({ state: "ok", stateSince: now, lastValue: value });
    else await prisma.alertRule.update({ where: { id: rule.id }, data: { lastValue: value, lastEvaluatedAt: now } });
    return { ...out, state: "ok" };
  }

  if (rule.state === "firing") {
    await prisma.alertRule.update({ where: { id: rule.id }, data: { lastValue: value, lastEvaluatedAt: now } });
    return out;
  }
  const since = rule.state === "pending" && rule.stateSince ? rule.stateSince : now;
  const heldLongEnough = now.getTime() - since.getTime() >= rule.forSeconds * 1000;
  const inCooldown = !!rule.lastFiredAt && now.getTime() - rule.lastFiredAt.getTime() < rule.cooldownSeconds * 1000;
  const muted = isMuted(z.array(muteWindow).catch([]).parse(rule.muteWindows), now);
  if (!heldLongEnough || inCooldown || muted) {
    if (rule.state === "ok") await claim({ state: "pending", stateSince: now, lastValue: value });
    else await prisma.alertRule.update({ where: { id: rule.id }, data: { lastValue: value, lastEvaluatedAt: now } });
    return { ...out, state: "pending" };
  }
  if (!(await claim({ state: "firing", stateSince: now, lastFiredAt: now, lastValue: value }))) return out;
  const eventId = randomUUID();
  const dedupKey = `foresight-alert-${rule.id}-${eventId.slice(0, 8)}`;
  await prisma.alertEvent.create({ data: { id: eventId, ruleId: rule.id, status: "firing", value, threshold: rule.threshold, dedupKey, firedAt: now } });
  await queueDeliveries(prisma, {
    channelIds: rule.channelIds,
    alertEventId: eventId,
    purpose: "alert_firing",
    notification: notificationFor(deps, rule, "alert_firing", { dedupKey, value, at: now }),
    now,
  });
  return { ...out, state: "firing", fired: eventId };
}

/** Evaluates every enabled rule (or one), one at a time. */
export async function evaluateRules(deps: Pick<Deps, "db" | "config" | "logger">, opts: { now?: Date; ruleId?: string } = {}) {
  const now = opts.now ?? new Date();
  const rules = await deps.db.prisma.alertRule.findMany({ where: { enabled: true, ...(opts.ruleId ? { id: opts.ruleId } : {}) }, orderBy: { createdAt: "asc" } });
  const results: EvaluationResult[] = [];
  for (const rule of rules) results.push(await evaluateRule(deps, rule, now));
  return results;
}
