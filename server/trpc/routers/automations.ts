import { TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import { audit } from "../../auth/audit";
import {
  audienceMembers,
  audienceSyncInput,
  automationInput,
  automationUpdate,
  createAudienceSync,
  createAutomation,
  deleteAudienceSync,
  deleteAutomation,
  firingLog,
  firingStatus,
  getAutomation,
  listAudienceSyncs,
  listAutomations,
  membersCsv,
  setAutomationEnabled,
  testFire,
  updateAudienceSync,
  updateAutomation,
} from "../../automations";
import { enqueue } from "../../jobs/queue";
import { QueryInputError } from "../../query/errors";
import { analystProcedure, router, viewerProcedure } from "../init";

/** A QueryInputError (a well-formed request that cannot be done as asked) is a 400 naming its field. */
async function inputErrorsAre400<T>(next: () => Promise<T>): Promise<T> {
  const result = (await next()) as { ok: boolean; error?: { cause?: unknown } };
  const cause = result.ok ? null : result.error?.cause;
  if (cause instanceof QueryInputError) {
    const zodError = new ZodError([{ code: "custom", path: cause.field.split("."), message: cause.problem, input: undefined }]);
    throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause: zodError });
  }
  return result as T;
}

const read = viewerProcedure.use(({ next }) => inputErrorsAre400(next));
const write = analystProcedure.use(({ next }) => inputErrorsAre400(next));
const byId = z.object({ id: z.uuid() });
const notFound = (what = "automation") => new TRPCError({ code: "NOT_FOUND", message: `No such ${what} in this project` });
const csvInput = z.object({ cohortId: z.uuid(), properties: z.array(z.string().trim().min(1).max(200)).max(50).default([]) });

/** Automations: viewers read rules and their log; analysts create, change, test and delete them. */
export const automationsRouter = router({
  list: read.query(({ ctx }) => listAutomations(ctx.deps.db.prisma, ctx.project.id)),

  get: read.input(byId).query(async ({ ctx, input }) => (await getAutomation(ctx.deps.db.prisma, ctx.project.id, input.id)) ?? Promise.reject(notFound())),

  create: write.input(automationInput).mutation(async ({ ctx, input }) => {
    const a = await createAutomation(ctx.deps.db.prisma, ctx.project.id, input, ctx.user.id);
    await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "automation.created", targetType: "automation", targetId: a.id, details: { kind: input.action.kind }, ip: ctx.ip });
    return a;
  }),

  update: write.input(z.object({ id: z.uuid(), automation: automationUpdate })).mutation(async ({ ctx, input }) => {
    const a = await updateAutomation(ctx.deps.db.prisma, ctx.project.id, input.id, input.automation);
    if (!a) throw notFound();
    await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "automation.updated", targetType: "automation", targetId: a.id, details: {}, ip: ctx.ip });
    return a;
  }),

  setEnabled: write.input(z.object({ id: z.uuid(), enabled: z.boolean() })).mutation(async ({ ctx, input }) => {
    const a = await setAutomationEnabled(ctx.deps.db.prisma, ctx.project.id, input.id, input.enabled);
    if (!a) throw notFound();
    return a;
  }),

  delete: write.input(byId).mutation(async ({ ctx, input }) => {
    if (!(await deleteAutomation(ctx.deps.db.prisma, ctx.project.id, input.id))) throw notFound();
    await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "automation.deleted", targetType: "automation", targetId: input.id, details: {}, ip: ctx.ip });
    return { ok: true };
  }),

  /** The firings of one rule, newest trigger first, with status, attempts and the last error. */
  log: read
    .input(z.object({ id: z.uuid(), status: firingStatus.optional(), limit: z.number().int().min(1).max(1000).default(100) }))
    .query(async ({ ctx, input }) => (await firingLog(ctx.deps.db.prisma, ctx.project.id, input.id, input)) ?? Promise.reject(notFound())),

  /** Acts once now for a person (by distinct id, or the last who did the trigger event); no condition, delay or dedup. */
  testFire: write.input(z.object({ id: z.uuid(), distinctId: z.string().trim().min(1).max(400).optional() })).mutation(async ({ ctx, input }) => {
    const r = await testFire(ctx.deps, ctx.project.id, input.id, { distinctId: input.distinctId });
    if (!r) throw notFound();
    return r;
  }),

  /** Asks the worker to scan and act now (instead of at the next minute). */
  runNow: write.input(byId).mutation(async ({ ctx, input }) => {
    if (!(await getAutomation(ctx.deps.db.prisma, ctx.project.id, input.id))) throw notFound();
    await enqueue(ctx.deps.db.pool, "run_automations", { automationId: input.id }, { jobKey: `run_automations:${input.id}` });
    return { queued: true };
  }),

  audiences: router({
    list: read.query(({ ctx }) => listAudienceSyncs(ctx.deps.db.prisma, ctx.project.id)),
    create: write.input(audienceSyncInput).mutation(({ ctx, input }) => createAudienceSync(ctx.deps.db.prisma, ctx.project.id, input)),
    update: write.input(z.object({ id: z.uuid(), sync: audienceSyncInput })).mutation(async ({ ctx, input }) => {
      return (await updateAudienceSync(ctx.deps.db.prisma, ctx.project.id, input.id, input.sync)) ?? Promise.reject(notFound("audience sync"));
    }),
    delete: write.input(byId).mutation(async ({ ctx, input }) => {
      if (!(await deleteAudienceSync(ctx.deps.db.prisma, ctx.project.id, input.id))) throw notFound("audience sync");
      return { ok: true };
    }),
    /** Queues the sync job for this audience now. */
    syncNow: write.input(byId).mutation(async ({ ctx, input }) => {
      const owned = await ctx.deps.db.prisma.audienceSync.count({ where: { id: input.id, projectId: ctx.project.id } });
      if (!owned) throw notFound("audience sync");
      await enqueue(ctx.deps.db.pool, "sync_audiences", { syncId: input.id }, { jobKey: `sync_audiences:${input.id}` });
      return { queued: true };
    }),
    /** A cohort's members as CSV (person_id, distinct_ids, the chosen properties). */
    csv: read.input(csvInput).query(async ({ ctx, input }) => {
      const cohort = await ctx.deps.db.prisma.cohort.findFirst({ where: { id: input.cohortId, projectId: ctx.project.id }, select: { name: true } });
      if (!cohort) throw notFound("cohort");
      const members = await audienceMembers(ctx.deps.db.pool, ctx.project.id, input.cohortId, input.properties);
      return { filename: `${cohort.name.replace(/[^\w.-]+/g, "-").slice(0, 80) || "cohort"}-members.csv`, csv: membersCsv(members, input.properties), count: members.length };
    }),
  }),
});
