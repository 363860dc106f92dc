import type { Prisma } from "../db/generated/client";
import type { Deps } from "../deps";
import { QueryInputError } from "../query/errors";
import { automationAction, automationTrigger, REDACTED, type AutomationAction, type AutomationInput, type AutomationUpdate, type FiringStatus } from "./schema";

type PrismaClient = Deps["db"]["prisma"];
type Row = Awaited<ReturnType<PrismaClient["automation"]["findFirstOrThrow"]>>;

/** The stored action with its kind; the webhook secret never leaves the server. */
function actionOf(row: Row, redact: boolean): AutomationAction {
  const action = automationAction.parse({ ...(row.action as object), kind: row.actionKind });
  return redact && action.kind === "webhook" ? { ...action, secret: REDACTED } : action;
}

export function automationView(row: Row) {
  return {
    id: row.id,
    name: row.name,
    trigger: automationTrigger.parse(row.trigger),
    delaySeconds: row.delaySeconds,
    action: actionOf(row, true),
    dedupSeconds: row.dedupSeconds,
    enabled: row.enabled,
    scannedTo: row.scannedTo,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
export type AutomationView = ReturnType<typeof automationView>;

function storedAction(action: AutomationAction, previous: Row | null): { actionKind: string; action: Prisma.InputJsonValue } {
  const { kind, ...rest } = action;
  if (kind === "webhook" && action.secret === REDACTED) {
    const old = previous ? actionOf(previous, false) : null;
    if (old?.kind !== "webhook") throw new QueryInputError("action.secret", "give the webhook's secret (at least 16 characters)");
    return { actionKind: kind, action: { ...rest, secret: old.secret } };
  }
  return { actionKind: kind, action: rest as Prisma.InputJsonValue };
}

function columns(input: AutomationInput, previous: Row | null) {
  return {
    name: input.name,
    trigger: input.trigger as unknown as Prisma.InputJsonValue,
    delaySeconds: input.delaySeconds,
    dedupSeconds: input.dedupSeconds,
    enabled: input.enabled,
    ...storedAction(input.action, previous),
  };
}

export async function listAutomations(prisma: PrismaClient, projectId: string) {
  const rows = await prisma.automation.findMany({ where: { projectId }, orderBy: { createdAt: "desc" } });
  const counts = rows.length
    ? await prisma.automationFiring.groupBy({ by: ["automationId", "status"], where: { automationId: { in: rows.map((r) => r.id) } }, _count: { _all: true } })
    : [];
  return rows.map((r) => {
    const byStatus: Record<FiringStatus, number> = { pending: 0, sent: 0, skipped: 0, failed: 0 };
    for (const c of counts) if (c.automationId === r.id) byStatus[c.status as FiringStatus] = c._count._all;
    return { ...automationView(r), firings: byStatus };
  });
}

export async function getAutomation(prisma: PrismaClient, projectId: string, id: string) {
  const row = await prisma.automation.findFirst({ where: { id, projectId } });
  return row ? automationView(row) : null;
}

/** A new rule watches events inserted from now on (scanned_to = now): history does not fire it. */
export async function createAutomation(prisma: PrismaClient, projectId: string, input: AutomationInput, userId: string | null) {
  const row = await prisma.automation.create({ data: { projectId, createdById: userId, scannedTo: new Date(), ...columns(input, null) } });
  return automationView(row);
}

/**
 * A rule turned back on starts from now: events that arrived while it was off do not fire it, and
 * firings that fell due meanwhile are skipped rather than sent late.
 */
async function resume(prisma: PrismaClient, id: string) {
  const now = new Date();
  await prisma.automation.update({ where: { id }, data: { scannedTo: now } });
  await prisma.automationFiring.updateMany({
    where: { automationId: id, status: "pending", dueAt: { lte: now } },
    data: { status: "skipped", lastError: "the automation was off when this was due" },
  });
}

/** Changes a rule; without `enabled` it stays on or off as it was. */
export async function updateAutomation(prisma: PrismaClient, projectId: string, id: string, update: AutomationUpdate) {
  const previous = await prisma.automation.findFirst({ where: { id, projectId } });
  if (!previous) return null;
  const input: AutomationInput = { ...update, enabled: update.enabled ?? previous.enabled };
  if (input.enabled && !previous.enabled) await resume(prisma, id);
  return automationView(await prisma.automation.update({ where: { id }, data: columns(input, previous) }));
}

export async function setAutomationEnabled(prisma: PrismaClient, projectId: string, id: string, enabled: boolean) {
  const previous = await prisma.automation.findFirst({ where: { id, projectId } });
  if (!previous) return null;
  if (enabled && !previous.enabled) await resume(prisma, id);
  return automationView(await prisma.automation.update({ where: { id }, data: { enabled } }));
}

export async function deleteAutomation(prisma: PrismaClient, projectId: string, id: string): Promise<boolean> {
  return (await prisma.automation.deleteMany({ where: { id, projectId } })).count > 0;
}

/** The log: firings newest trigger first, with status, attempts and the last error (or why it was skipped). */
export async function firingLog(prisma: PrismaClient, projectId: string, id: string, opts: { status?: FiringStatus; limit: number }) {
  const owned = await prisma.automation.count({ where: { id, projectId } });
  if (!owned) return null;
  const rows = await prisma.automationFiring.findMany({
    where: { automationId: id, ...(opts.status ? { status: opts.status } : {}) },
    orderBy: [{ triggeredAt: "desc" }, { id: "desc" }],
    take: opts.limit,
  });
  return rows.map((r) => ({
    id: r.id.toString(),
    personId: r.personId,
    dedupKey: r.dedupKey,
    triggeredAt: r.triggeredAt,
    dueAt: r.dueAt,
    status: r.status as FiringStatus,
    attempts: r.attempts,
    lastError: r.lastError,
    firedAt: r.firedAt,
    distinctId: ((r.payload as { person?: { distinctIds?: string[] }; distinctId?: string } | null)?.person?.distinctIds?.[0] ??
      (r.payload as { distinctId?: string } | null)?.distinctId ??
      null) as string | null,
  }));
}
