// Flag rows: create, change, schedule, archive, delete. Every change bumps the flag's version,
// writes an audit_logs row (before/after of the changed fields) and tells the definitions cache.
import { z, ZodError } from "zod";
import { audit } from "../auth/audit";
import type { PrismaClient } from "../db/client";
import type { FeatureFlag } from "../db/generated/client";
import type { FlagDef } from "./evaluate";
import { checkFlagShape, flagChange, flagRule, flagVariant, type CreateFlagInput, type FlagChange } from "./schema";

export interface Actor {
  userId: string | null;
  ip?: string | null;
}

export interface FlagStoreDeps {
  prisma: PrismaClient;
  /** Called after any change to a project's flags (the definitions cache forgets that project). */
  onChange?: (projectId: string) => void;
}

/** A caller mistake found after parsing (a conflict, a stale version): the router makes it a 409. */
export class FlagConflictError extends Error {}

/** The merged flag would be invalid (zod's errors are not Errors, so tRPC would hide them): a 400 naming the fields. */
export class FlagInputError extends Error {
  constructor(readonly issues: { path: (string | number)[]; message: string }[]) {
    super(issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
}

export type FlagRow = FeatureFlag;

/** The stored JSON read back through the schemas (rows are only written through them). */
export function toDefinition(row: Pick<FeatureFlag, "key" | "type" | "enabled" | "rules" | "variants" | "payloads" | "environments">): FlagDef {
  return {
    key: row.key,
    type: row.type === "multivariate" ? "multivariate" : "boolean",
    enabled: row.enabled,
    rules: z.array(flagRule).parse(row.rules) as FlagDef["rules"],
    variants: z.array(flagVariant).parse(row.variants),
    payloads: (row.payloads ?? {}) as Record<string, unknown>,
    environments: row.environments,
  };
}

/** One line for the list page: "100% of everyone", "2 rules, 20% / 100%". */
export function rolloutSummary(def: FlagDef): string {
  if (def.rules.length === 0) return "nobody";
  if (def.rules.length === 1 && def.rules[0]!.conditions.length === 0) return `${def.rules[0]!.rollout}% of everyone`;
  return `${def.rules.length} rule${def.rules.length === 1 ? "" : "s"}: ${def.rules.map((r) => `${r.rollout}%`).join(" / ")}`;
}

const json = (v: unknown) => v as object;

export async function listFlags(prisma: PrismaClient, projectId: string, opts: { includeArchived: boolean }) {
  const rows = await prisma.featureFlag.findMany({
    where: { projectId, ...(opts.includeArchived ? {} : { archivedAt: null }) },
    orderBy: [{ archivedAt: { sort: "desc", nulls: "first" } }, { key: "asc" }],
    include: { scheduledChanges: { where: { appliedAt: null }, select: { id: true, at: true } } },
  });
  return rows.map(({ scheduledChanges, ...row }) => ({
    ...row,
    definition: toDefinition(row),
    summary: rolloutSummary(toDefinition(row)),
    nextChangeAt: scheduledChanges.length ? new Date(Math.min(...scheduledChanges.map((c) => c.at.getTime()))) : null,
  }));
}

export async function getFlag(prisma: PrismaClient, projectId: string, by: { id: string } | { key: string }) {
  const row = await prisma.featureFlag.findFirst({
    where: { projectId, ...("id" in by ? { id: by.id } : { key: by.key }) },
    include: { scheduledChanges: { orderBy: { at: "asc" } } },
  });
  if (!row) return null;
  return { ...row, definition: toDefinition(row), summary: rolloutSummary(toDefinition(row)) };
}

export async function createFlag(d: FlagStoreDeps, projectId: string, input: CreateFlagInput, actor: Actor) {
  const existing = await d.prisma.featureFlag.findUnique({ where: { projectId_key: { projectId, key: input.key } }, select: { id: true } });
  if (existing) throw new FlagConflictError(`key: a flag "${input.key}" already exists in this project`);
  const row = await d.prisma.featureFlag.create({
    data: {
      projectId,
      key: input.key,
      name: input.name,
      description: input.description,
      type: input.type,
      enabled: input.enabled,
      rules: json(input.rules),
      variants: json(input.variants),
      payloads: json(input.payloads),
      environments: input.environments,
      createdById: actor.userId,
    },
  });
  await audit(d.prisma, { actorId: actor.userId, ip: actor.ip, projectId, action: "flag.create", targetType: "feature_flag", targetId: row.id, details: { key: row.key, after: input } });
  d.onChange?.(projectId);
  return row;
}

/** The fields of `row` that `change` touches, before and after; the merged flag is checked as a whole. */
function merge(row: FeatureFlag, change: FlagChange) {
  const current = {
    name: row.name,
    description: row.description,
    type: row.type as "boolean" | "multivariate",
    enabled: row.enabled,
    rules: z.array(flagRule).parse(row.rules),
    variants: z.array(flagVariant).parse(row.variants),
    payloads: row.payloads as Record<string, unknown>,
    environments: row.environments,
  };
  const next = { ...current, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) } as typeof current;
  const issues: { path: (string | number)[]; message: string }[] = [];
  checkFlagShape(next, { addIssue: (i) => issues.push({ path: ["change", ...i.path], message: i.message }) });
  if (issues.length) throw new FlagInputError(issues);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const k of Object.keys(change) as (keyof typeof current)[]) {
    if (JSON.stringify(current[k]) !== JSON.stringify(next[k])) {
      before[k] = current[k];
      after[k] = next[k];
    }
  }
  return { next, before, after };
}

type UpdateOpts = { expectedVersion?: number; action?: string; details?: Record<string, unknown> };

export async function updateFlag(d: FlagStoreDeps, projectId: string, id: string, change: FlagChange, actor: Actor, opts: UpdateOpts = {}) {
  const updated = await d.prisma.$transaction((tx) => updateFlagIn(tx as unknown as PrismaClient, projectId, id, change, actor, opts));
  if (updated) d.onChange?.(projectId);
  return updated;
}

/** The update inside the caller's transaction: lock the row, check the merged flag, write, audit (the caller tells onChange after commit). */
export async function updateFlagIn(tx: PrismaClient, projectId: string, id: string, rawChange: FlagChange, actor: Actor, opts: UpdateOpts) {
  const change = flagChange.parse(rawChange);
  const locked = await tx.$queryRaw<{ id: string }[]>`select id from feature_flags where id = ${id}::uuid and project_id = ${projectId}::uuid for update`;
  if (locked.length === 0) return null;
  const row = (await tx.featureFlag.findUnique({ where: { id } }))!;
  if (opts.expectedVersion !== undefined && opts.expectedVersion !== row.version) {
    throw new FlagConflictError(`expectedVersion: the flag changed since you loaded it (now version ${row.version}); reload and retry`);
  }
  const { next, before, after } = merge(row, change);
  if (Object.keys(after).length === 0) return row;
  const updated = await tx.featureFlag.update({
    where: { id },
    data: {
      name: next.name,
      description: next.description,
      type: next.type,
      enabled: next.enabled,
      rules: json(next.rules),
      variants: json(next.variants),
      payloads: json(next.payloads),
      environments: next.environments,
      version: { increment: 1 },
    },
  });
  await audit(tx, {
    actorId: actor.userId,
    ip: actor.ip,
    projectId,
    action: opts.action ?? "flag.update",
    targetType: "feature_flag",
    targetId: id,
    details: { key: row.key, version: updated.version, before, after, ...opts.details },
  });
  return updated;
}

export async function archiveFlag(d: FlagStoreDeps, projectId: string, id: string, archived: boolean, actor: Actor) {
  const row = await d.prisma.featureFlag.findFirst({ where: { id, projectId } });
  if (!row) return null;
  // An archived flag is also switched off, so unarchiving never turns anything on by surprise.
  const updated = await d.prisma.featureFlag.update({
    where: { id },
    data: { archivedAt: archived ? (row.archivedAt ?? new Date()) : null, enabled: archived ? false : row.enabled, version: { increment: 1 } },
  });
  if (archived) await d.prisma.flagScheduledChange.deleteMany({ where: { flagId: id, appliedAt: null } });
  await audit(d.prisma, { actorId: actor.userId, ip: actor.ip, projectId, action: archived ? "flag.archive" : "flag.unarchive", targetType: "feature_flag", targetId: id, details: { key: row.key } });
  d.onChange?.(projectId);
  return updated;
}

export async function deleteFlag(d: FlagStoreDeps, projectId: string, id: string, actor: Actor) {
  const row = await d.prisma.featureFlag.findFirst({ where: { id, projectId } });
  if (!row) return false;
  await d.prisma.featureFlag.delete({ where: { id } });
  await audit(d.prisma, { actorId: actor.userId, ip: actor.ip, projectId, action: "flag.delete", targetType: "feature_flag", targetId: id, details: { key: row.key, definition: toDefinition(row) } });
  d.onChange?.(projectId);
  return true;
}

export async function scheduleChange(d: FlagStoreDeps, projectId: string, id: string, at: Date, change: FlagChange, actor: Actor) {
  const row = await d.prisma.featureFlag.findFirst({ where: { id, projectId } });
  if (!row) return null;
  if (row.archivedAt) throw new FlagConflictError("id: the flag is archived");
  merge(row, change); // fails now, not when the job applies it, if the result would be invalid today
  const scheduled = await d.prisma.flagScheduledChange.create({ data: { flagId: id, at, change: json(change), createdById: actor.userId } });
  await audit(d.prisma, { actorId: actor.userId, ip: actor.ip, projectId, action: "flag.schedule_change", targetType: "feature_flag", targetId: id, details: { key: row.key, at: at.toISOString(), change, scheduledChangeId: scheduled.id } });
  return scheduled;
}

export async function cancelScheduledChange(d: FlagStoreDeps, projectId: string, id: string, changeId: string, actor: Actor) {
  const row = await d.prisma.featureFlag.findFirst({ where: { id, projectId } });
  if (!row) return false;
  const { count } = await d.prisma.flagScheduledChange.deleteMany({ where: { id: changeId, flagId: id, appliedAt: null } });
  if (count > 0) {
    await audit(d.prisma, { actorId: actor.userId, ip: actor.ip, projectId, action: "flag.cancel_scheduled_change", targetType: "feature_flag", targetId: id, details: { key: row.key, scheduledChangeId: changeId } });
  }
  return count > 0;
}

/**
 * Applies every scheduled change that is due, oldest first. Each is claimed with SKIP LOCKED and
 * marked applied (or with its error) in the same transaction, so two workers or a retry never
 * apply one twice. A change that no longer fits the flag is recorded as failed, not retried.
 */
export async function applyDueChanges(d: FlagStoreDeps, now = new Date()) {
  let applied = 0;
  let failed = 0;
  for (;;) {
    const claimed = await d.prisma.$transaction(async (tx) => {
      const [due] = await tx.$queryRaw<{ id: string; flag_id: string; change: unknown; created_by_id: string | null; project_id: string }[]>`
        select c.id, c.flag_id, c.change, c.created_by_id, f.project_id
          from flag_scheduled_changes c join feature_flags f on f.id = c.flag_id
         where c.applied_at is null and c.error is null and c.at <= ${now}
         order by c.at, c.created_at limit 1 for update of c skip locked`;
      if (!due) return null;
      try {
        const change = flagChange.parse(due.change);
        await updateFlagIn(tx as unknown as PrismaClient, due.project_id, due.flag_id, change, { userId: due.created_by_id }, {
          action: "flag.apply_scheduled_change",
          details: { scheduledChangeId: due.id },
        });
        await tx.flagScheduledChange.update({ where: { id: due.id }, data: { appliedAt: new Date() } });
        return { projectId: due.project_id, ok: true };
      } catch (err) {
        const message = err instanceof ZodError ? err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") : (err as Error).message;
        await tx.flagScheduledChange.update({ where: { id: due.id }, data: { error: message.slice(0, 2000) } });
        return { projectId: due.project_id, ok: false };
      }
    });
    if (!claimed) break;
    if (claimed.ok) applied++;
    else failed++;
    d.onChange?.(claimed.projectId);
  }
  return { applied, failed };
}
