// Experiment rows and their lifecycle: draft -> running <-> paused -> completed (with a winner).
// The flag is the assignment: start makes it a multivariate flag with the experiment's variants
// and weights (the holdout is the part of each rule's audience outside its rollout), pause turns
// it off, resume on, complete rolls the winner out to 100%. Every step is audited.
import { z } from "zod";
import { audit } from "../auth/audit";
import type { PrismaClient } from "../db/client";
import type { Experiment } from "../db/generated/client";
import { createFlag, getFlag, updateFlagIn, type Actor, type FlagStoreDeps } from "../flags/store";
import { flagRule, type FlagChange, type FlagRuleInput } from "../flags/schema";
import {
  experimentPlan,
  experimentVariant,
  metricDefinition,
  type CreateExperimentInput,
  type ExperimentChange,
  type MetricDefinition,
} from "./schema";

export type ExperimentStatus = "draft" | "running" | "paused" | "completed";

/** A lifecycle step that does not fit the experiment's state (a 409), or input that does not fit its flag (a 400). */
export class ExperimentStateError extends Error {}
export class ExperimentInputError extends Error {}

export interface ExperimentView {
  id: string;
  key: string;
  name: string;
  hypothesis: string;
  status: ExperimentStatus;
  flagId: string | null;
  flagKey: string | null;
  variants: { key: string; weight: number }[];
  primaryMetric: MetricDefinition;
  secondaryMetrics: MetricDefinition[];
  guardrailMetrics: MetricDefinition[];
  exposureEvent: string;
  holdoutPercent: number;
  minSampleSize: number | null;
  plan: z.infer<typeof experimentPlan> | null;
  startedAt: Date | null;
  endedAt: Date | null;
  winner: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The stored JSON read back through the schemas; the plan rides along in primary_metric. */
export function toView(row: Experiment, flagKey: string | null): ExperimentView {
  const { plan, ...primary } = (row.primaryMetric ?? {}) as Record<string, unknown>;
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    hypothesis: row.hypothesis,
    status: row.status as ExperimentStatus,
    flagId: row.flagId,
    flagKey,
    variants: z.array(experimentVariant).parse(row.variants),
    primaryMetric: metricDefinition.parse(primary),
    secondaryMetrics: z.array(metricDefinition).parse(row.secondaryMetrics),
    guardrailMetrics: z.array(metricDefinition).parse(row.guardrailMetrics),
    exposureEvent: row.exposureEvent,
    holdoutPercent: row.holdoutPercent,
    minSampleSize: row.minSampleSize,
    plan: plan ? experimentPlan.parse(plan) : null,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    winner: row.winner,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const primaryJson = (metric: MetricDefinition, plan: ExperimentView["plan"]) => (plan ? { ...metric, plan } : metric) as object;

async function flagKeys(prisma: PrismaClient, ids: (string | null)[]) {
  const wanted = ids.filter((x): x is string => x !== null);
  const rows = wanted.length ? await prisma.featureFlag.findMany({ where: { id: { in: wanted } }, select: { id: true, key: true } }) : [];
  return new Map(rows.map((r) => [r.id, r.key]));
}

export async function listExperiments(prisma: PrismaClient, projectId: string): Promise<ExperimentView[]> {
  const rows = await prisma.experiment.findMany({ where: { projectId }, orderBy: [{ createdAt: "desc" }] });
  const keys = await flagKeys(prisma, rows.map((r) => r.flagId));
  return rows.map((r) => toView(r, r.flagId ? (keys.get(r.flagId) ?? null) : null));
}

export async function getExperiment(prisma: PrismaClient, projectId: string, by: { id: string } | { key: string }): Promise<ExperimentView | null> {
  const row = await prisma.experiment.findFirst({ where: { projectId, ...("id" in by ? { id: by.id } : { key: by.key }) } });
  if (!row) return null;
  const keys = await flagKeys(prisma, [row.flagId]);
  return toView(row, row.flagId ? (keys.get(row.flagId) ?? null) : null);
}

/** A draft on an existing flag, or on a new (off) multivariate flag with the experiment's variants. */
export async function createExperiment(d: FlagStoreDeps, projectId: string, input: CreateExperimentInput, actor: Actor): Promise<ExperimentView> {
  const { prisma } = d;
  if (await prisma.experiment.findUnique({ where: { projectId_key: { projectId, key: input.key } }, select: { id: true } })) {
    throw new ExperimentStateError(`key: an experiment "${input.key}" already exists in this project`);
  }
  let flagId = input.flagId;
  if (flagId) {
    const flag = await getFlag(prisma, projectId, { id: flagId });
    if (!flag) throw new ExperimentInputError("flagId: no such flag in this project");
    if (flag.archivedAt) throw new ExperimentInputError("flagId: the flag is archived");
    const other = await prisma.experiment.findFirst({ where: { projectId, flagId, status: { in: ["running", "paused"] } }, select: { key: true } });
    if (other) throw new ExperimentStateError(`flagId: experiment "${other.key}" is running on this flag`);
  } else {
    const key = input.flagKey ?? input.key;
    const existing = await getFlag(prisma, projectId, { key });
    if (existing) throw new ExperimentStateError(`flagKey: a flag "${key}" already exists; choose it as the experiment's flag instead`);
    const flag = await createFlag(d, projectId, {
      key,
      name: input.name,
      description: `Flag of experiment "${input.key}"`,
      type: "multivariate",
      enabled: false,
      rules: [{ conditions: [], rollout: 100, variant: null }],
      variants: input.variants,
      payloads: {},
      environments: [],
    }, actor);
    flagId = flag.id;
  }
  const row = await prisma.experiment.create({
    data: {
      projectId,
      key: input.key,
      name: input.name,
      hypothesis: input.hypothesis,
      flagId,
      variants: input.variants as object,
      primaryMetric: primaryJson(input.primaryMetric, input.plan),
      secondaryMetrics: input.secondaryMetrics as object,
      guardrailMetrics: input.guardrailMetrics as object,
      exposureEvent: input.exposureEvent,
      holdoutPercent: input.holdoutPercent,
      minSampleSize: input.minSampleSize,
      createdById: actor.userId,
    },
  });
  await audit(prisma, { actorId: actor.userId, ip: actor.ip, projectId, action: "experiment.create", targetType: "experiment", targetId: row.id, details: { key: row.key, flagId } });
  return (await getExperiment(prisma, projectId, { id: row.id }))!;
}

/** Only drafts change: a running experiment's definition is what its results mean. */
export async function updateExperiment(prisma: PrismaClient, projectId: string, id: string, change: ExperimentChange, actor: Actor): Promise<ExperimentView | null> {
  const current = await getExperiment(prisma, projectId, { id });
  if (!current) return null;
  if (current.status !== "draft") throw new ExperimentStateError(`status: only a draft can be edited (this one is ${current.status})`);
  const primary = change.primaryMetric ?? current.primaryMetric;
  const plan = change.plan === undefined ? current.plan : change.plan;
  await prisma.experiment.update({
    where: { id },
    data: {
      name: change.name,
      hypothesis: change.hypothesis,
      variants: change.variants as object | undefined,
      primaryMetric: change.primaryMetric !== undefined || change.plan !== undefined ? primaryJson(primary, plan) : undefined,
      secondaryMetrics: change.secondaryMetrics as object | undefined,
      guardrailMetrics: change.guardrailMetrics as object | undefined,
      exposureEvent: change.exposureEvent,
      holdoutPercent: change.holdoutPercent,
      minSampleSize: change.minSampleSize,
    },
  });
  await audit(prisma, { actorId: actor.userId, ip: actor.ip, projectId, action: "experiment.update", targetType: "experiment", targetId: id, details: { key: current.key, change } });
  return getExperiment(prisma, projectId, { id });
}

/** The flag's rules during the experiment: each rule's audience, minus the holdout, split by the variants. */
function experimentRules(rules: readonly { conditions: unknown[] }[], holdoutPercent: number): FlagRuleInput[] {
  const base = rules.length ? rules : [{ conditions: [], rollout: 100, variant: null }];
  return base.map((r) => flagRule.parse({ conditions: r.conditions, rollout: 100 - holdoutPercent, variant: null }));
}

async function transition(
  d: FlagStoreDeps,
  projectId: string,
  id: string,
  from: ExperimentStatus[],
  to: ExperimentStatus,
  action: string,
  actor: Actor,
  apply: (e: ExperimentView, flag: NonNullable<Awaited<ReturnType<typeof getFlag>>>, tx: PrismaClient) => Promise<{ data: Record<string, unknown>; details?: Record<string, unknown> }>,
): Promise<ExperimentView | null> {
  const e = await getExperiment(d.prisma, projectId, { id });
  if (!e) return null;
  if (!from.includes(e.status)) throw new ExperimentStateError(`status: cannot go from ${e.status} to ${to}`);
  const flag = e.flagId ? await getFlag(d.prisma, projectId, { id: e.flagId }) : null;
  if (!flag) throw new ExperimentInputError("flagId: the experiment's flag no longer exists");
  // One transaction: the step's flag change, the experiment and both audit rows commit together or
  // not at all (a failed step leaves the flag as it was). The claim comes first: a second click
  // waits on the row, then finds the status changed.
  await d.prisma.$transaction(async (txClient) => {
    const tx = txClient as unknown as PrismaClient;
    const claimed = await tx.experiment.updateMany({ where: { id, status: e.status }, data: { status: to } });
    if (claimed.count === 0) throw new ExperimentStateError("status: the experiment changed meanwhile; reload");
    const { data, details } = await apply(e, flag, tx);
    await tx.experiment.update({ where: { id }, data });
    await audit(tx, { actorId: actor.userId, ip: actor.ip, projectId, action: `experiment.${action}`, targetType: "experiment", targetId: id, details: { key: e.key, from: e.status, to, flagKey: flag.key, ...details } });
  });
  d.onChange?.(projectId);
  return getExperiment(d.prisma, projectId, { id });
}

export function startExperiment(d: FlagStoreDeps, projectId: string, id: string, actor: Actor, startedAt = new Date()) {
  return transition(d, projectId, id, ["draft"], "running", "start", actor, async (e, flag, tx) => {
    await updateFlagIn(tx, projectId, flag.id, {
      type: "multivariate",
      variants: e.variants,
      rules: experimentRules(flag.definition.rules, e.holdoutPercent),
      payloads: Object.fromEntries(Object.entries(flag.definition.payloads).filter(([k]) => e.variants.some((v) => v.key === k))) as FlagChange["payloads"],
      enabled: true,
    }, actor, { action: "flag.experiment_start", details: { experiment: e.key } });
    return { data: { startedAt }, details: { startedAt: startedAt.toISOString() } };
  });
}

/** Paused: the flag is off (everyone sees the fallback, nobody new is exposed); the window keeps running. */
export function pauseExperiment(d: FlagStoreDeps, projectId: string, id: string, actor: Actor) {
  return transition(d, projectId, id, ["running"], "paused", "pause", actor, async (e, flag, tx) => {
    await updateFlagIn(tx, projectId, flag.id, { enabled: false }, actor, { action: "flag.disable", details: { experiment: e.key } });
    return { data: {} };
  });
}

export function resumeExperiment(d: FlagStoreDeps, projectId: string, id: string, actor: Actor) {
  return transition(d, projectId, id, ["paused"], "running", "resume", actor, async (e, flag, tx) => {
    await updateFlagIn(tx, projectId, flag.id, { enabled: true }, actor, { action: "flag.enable", details: { experiment: e.key } });
    return { data: {} };
  });
}

/** Ends the window and rolls the winning variant out to everyone the flag's rules reach, at 100%. */
export function completeExperiment(d: FlagStoreDeps, projectId: string, id: string, winner: string, actor: Actor, endedAt = new Date()) {
  return transition(d, projectId, id, ["running", "paused"], "completed", "complete", actor, async (e, flag, tx) => {
    if (!e.variants.some((v) => v.key === winner)) throw new ExperimentInputError(`winner: no variant "${winner}" (variants: ${e.variants.map((v) => v.key).join(", ")})`);
    const rules = (flag.definition.rules.length ? flag.definition.rules : [{ conditions: [], rollout: 100, variant: null }]).map((r) =>
      flagRule.parse({ conditions: r.conditions, rollout: 100, variant: winner }),
    );
    await updateFlagIn(tx, projectId, flag.id, { enabled: true, rules }, actor, { action: "flag.experiment_rollout", details: { experiment: e.key, winner } });
    return { data: { endedAt, winner }, details: { winner, endedAt: endedAt.toISOString() } };
  });
}
