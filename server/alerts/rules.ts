import type { Prisma, PrismaClient } from "../db/generated/client";
import type { AlertRuleInput } from "./schema";

function data(input: AlertRuleInput) {
  const { source, muteWindows, ...rest } = input;
  return { ...rest, source: source as Prisma.InputJsonValue, muteWindows: muteWindows as Prisma.InputJsonValue };
}

async function checkChannels(prisma: PrismaClient, ids: string[]) {
  const found = await prisma.notificationChannel.count({ where: { id: { in: ids } } });
  if (found !== new Set(ids).size) throw new RuleError("channelIds", "a channel does not exist");
}

export class RuleError extends Error {
  constructor(public readonly field: string, message: string) {
    super(message);
  }
}

/** Rules visible in a project: its own and the instance-wide ones. */
const visible = (projectId: string): Prisma.AlertRuleWhereInput => ({ OR: [{ projectId }, { projectId: null }] });

export async function listRules(prisma: PrismaClient, projectId: string) {
  return prisma.alertRule.findMany({ where: visible(projectId), orderBy: [{ projectId: { sort: "asc", nulls: "first" } }, { createdAt: "asc" }] });
}

export async function getRule(prisma: PrismaClient, projectId: string, id: string) {
  return prisma.alertRule.findFirst({ where: { id, ...visible(projectId) } });
}

export async function createRule(prisma: PrismaClient, projectId: string, input: AlertRuleInput) {
  await checkChannels(prisma, input.channelIds);
  return prisma.alertRule.create({ data: { ...data(input), projectId } });
}

/** Editing resets the evaluation state only when what is measured changed. */
export async function updateRule(prisma: PrismaClient, projectId: string, id: string, input: AlertRuleInput) {
  const rule = await getRule(prisma, projectId, id);
  if (!rule) return null;
  await checkChannels(prisma, input.channelIds);
  const measuredChanged = JSON.stringify(rule.source) !== JSON.stringify(input.source) || rule.condition !== input.condition || rule.threshold !== input.threshold;
  return prisma.alertRule.update({
    where: { id },
    data: { ...data(input), ...(measuredChanged && rule.state === "pending" ? { state: "ok", stateSince: new Date() } : {}) },
  });
}

export async function deleteRule(prisma: PrismaClient, projectId: string, id: string) {
  const { count } = await prisma.alertRule.deleteMany({ where: { id, ...visible(projectId) } });
  return count === 1;
}

export async function alertHistory(prisma: PrismaClient, projectId: string, opts: { ruleId?: string; limit: number }) {
  return prisma.alertEvent.findMany({
    where: { rule: visible(projectId), ...(opts.ruleId ? { ruleId: opts.ruleId } : {}) },
    include: { rule: { select: { name: true, severity: true } }, deliveries: { select: { id: true, status: true, purpose: true, attempts: true, lastError: true, channelId: true } } },
    orderBy: { firedAt: "desc" },
    take: opts.limit,
  });
}

export async function acknowledge(prisma: PrismaClient, projectId: string, eventId: string, userId: string, now = new Date()) {
  const { count } = await prisma.alertEvent.updateMany({
    where: { id: eventId, acknowledgedAt: null, rule: visible(projectId) },
    data: { acknowledgedAt: now, acknowledgedById: userId },
  });
  return count === 1;
}
