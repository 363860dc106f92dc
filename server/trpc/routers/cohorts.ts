import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { enqueue } from "../../jobs/queue";
import {
  cohortIdInput,
  createCohort,
  createCohortInput,
  deleteCohort,
  getCohort,
  listCohorts,
  listMembers,
  membersInput,
  recomputeCohort,
  recomputeInput,
  updateCohort,
  updateCohortInput,
  uploadCohortCsv,
  uploadCsvInput,
} from "../../query/cohorts";
import { QueryInputError } from "../../query/errors";
import { analystProcedure, router, viewerProcedure } from "../init";

/** Each issue's message names where inside its field it is (`rules.1.count: Too small ...`). */
function located(err: ZodError): ZodError {
  return new ZodError(err.issues.map((i) => (i.path.length > 1 ? { ...i, message: `${i.path.slice(1).join(".")}: ${i.message}` } : i)));
}

/**
 * Bad input is the caller's mistake: a zod error, a QueryInputError or a rule's invalid regex
 * become 400s whose message names the field (and, for rule trees, the place in the tree).
 */
async function inputErrorsAre400<T>(next: () => Promise<T>): Promise<T> {
  const result = (await next()) as { ok: boolean; error?: { cause?: unknown } };
  const cause = result.ok ? null : result.error?.cause;
  if (cause instanceof ZodError) {
    const message = cause.issues.slice(0, 3).map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
    throw new TRPCError({ code: "BAD_REQUEST", message, cause: located(cause) });
  }
  if (cause instanceof QueryInputError) {
    const zodError = new ZodError([{ code: "custom", path: cause.field.split("."), message: cause.problem, input: undefined }]);
    throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause: zodError });
  }
  if ((cause as { code?: unknown } | null)?.code === "2201B") {
    throw new TRPCError({ code: "BAD_REQUEST", message: `definition: invalid regular expression (${(cause as Error).message})` });
  }
  return result as T;
}

const read = viewerProcedure.use(({ next }) => inputErrorsAre400(next));
const write = analystProcedure.use(({ next }) => inputErrorsAre400(next));

/** Cohorts whose rules use a changed cohort follow it in the next worker run (queued once per project). */
async function refreshDependents(pool: import("pg").Pool, projectId: string, id: string) {
  const cohort = await getCohort(pool, projectId, id);
  if (cohort && cohort.usedBy.length > 0) {
    await enqueue(pool, "recompute_cohorts", { projectId }, { jobKey: `recompute_cohorts:project:${projectId}` });
  }
}

const notFound = () => new TRPCError({ code: "NOT_FOUND", message: "No such cohort in this project" });
function found<T>(value: T | null): T {
  if (value === null) throw notFound();
  return value;
}

export const cohortsRouter = router({
  list: read.query(({ ctx }) => listCohorts(ctx.deps.db.pool, ctx.project.id)),

  get: read.input(cohortIdInput).query(async ({ ctx, input }) => found(await getCohort(ctx.deps.db.pool, ctx.project.id, input.id))),

  create: write
    .input(createCohortInput)
    .mutation(({ ctx, input }) => createCohort(ctx.deps.db.pool, ctx.project.id, input, { createdById: ctx.user.id })),

  update: write.input(updateCohortInput).mutation(async ({ ctx, input }) => {
    const updated = found(await updateCohort(ctx.deps.db.pool, ctx.project.id, input));
    if (updated.computed) await refreshDependents(ctx.deps.db.pool, ctx.project.id, input.id);
    return updated;
  }),

  delete: write.input(cohortIdInput).mutation(async ({ ctx, input }) => {
    if (!(await deleteCohort(ctx.deps.db.pool, ctx.project.id, input.id))) throw notFound();
    return { id: input.id };
  }),

  uploadCsv: write.input(uploadCsvInput).mutation(async ({ ctx, input }) => {
    const uploaded = found(await uploadCohortCsv(ctx.deps.db.pool, ctx.project.id, input));
    await refreshDependents(ctx.deps.db.pool, ctx.project.id, input.id);
    return uploaded;
  }),

  /** wait: compute now and answer with the count; otherwise queue the worker task (duplicates collapse). */
  recompute: write.input(recomputeInput).mutation(async ({ ctx, input }) => {
    const { pool } = ctx.deps.db;
    found(await getCohort(pool, ctx.project.id, input.id));
    if (!input.wait) {
      const job = await enqueue(pool, "recompute_cohorts", { cohortId: input.id }, { jobKey: `recompute_cohorts:${input.id}` });
      return { queued: true as const, jobId: job.id };
    }
    const done = found(await recomputeCohort(pool, input.id));
    if (done.added + done.removed > 0) await refreshDependents(pool, ctx.project.id, input.id);
    return { queued: false as const, ...done };
  }),

  members: read.input(membersInput).query(async ({ ctx, input }) => {
    found(await getCohort(ctx.deps.db.pool, ctx.project.id, input.id));
    return listMembers(ctx.deps.db.pool, ctx.project.id, input.id, input);
  }),
});
