import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import {
  completeExperiment,
  completeExperimentInput,
  createExperiment,
  createExperimentInput,
  experimentIdInput,
  ExperimentInputError,
  ExperimentInputErrorFromCapture,
  ExperimentNotFoundError,
  experimentResults,
  ExperimentStateError,
  getExperiment,
  getExperimentInput,
  getVariant,
  getVariantInput,
  listExperiments,
  pauseExperiment,
  resultsInput,
  resumeExperiment,
  startExperiment,
  startExperimentInput,
  trackConversion,
  trackConversionInput,
  updateExperiment,
  updateExperimentInput,
} from "../../experiments";
import { sampleSize, sampleSizeInputSchema } from "../../experiments/stats";
import { flagService, FlagConflictError, FlagInputError } from "../../flags";
import { analystProcedure, router, viewerProcedure } from "../init";

/** Mistakes found past input parsing: 400 naming the field, 409 for a step that does not fit the state, 404 for an unknown key. */
async function callerErrors<T>(next: () => Promise<T>): Promise<T> {
  const result = (await next()) as { ok: boolean; error?: { cause?: unknown } };
  const cause = result.ok ? null : result.error?.cause;
  if (cause instanceof ZodError) {
    const message = cause.issues.slice(0, 3).map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
    throw new TRPCError({ code: "BAD_REQUEST", message, cause });
  }
  if (cause instanceof ExperimentInputError || cause instanceof FlagInputError || cause instanceof ExperimentInputErrorFromCapture || cause instanceof RangeError) {
    throw new TRPCError({ code: "BAD_REQUEST", message: cause.message });
  }
  if (cause instanceof ExperimentStateError || cause instanceof FlagConflictError) throw new TRPCError({ code: "CONFLICT", message: cause.message });
  if (cause instanceof ExperimentNotFoundError) throw new TRPCError({ code: "NOT_FOUND", message: cause.message });
  return result as T;
}

const read = viewerProcedure.use(({ next }) => callerErrors(next));
const write = analystProcedure.use(({ next }) => callerErrors(next));

function found<T>(value: T | null): T {
  if (value === null) throw new TRPCError({ code: "NOT_FOUND", message: "No such experiment in this project" });
  return value;
}

type Ctx = { deps: Parameters<typeof flagService>[0]; user: { id: string }; ip: string | null };
const actor = (ctx: Ctx) => ({ userId: ctx.user.id, ip: ctx.ip });
const store = (ctx: Ctx) => flagService(ctx.deps).storeDeps;

export const experimentsRouter = router({
  list: read.query(({ ctx }) => listExperiments(ctx.deps.db.prisma, ctx.project.id)),

  get: read.input(getExperimentInput).query(async ({ ctx, input }) => found(await getExperiment(ctx.deps.db.prisma, ctx.project.id, input))),

  create: write.input(createExperimentInput).mutation(({ ctx, input }) => createExperiment(store(ctx), ctx.project.id, input, actor(ctx))),

  /** Drafts only. */
  update: write.input(updateExperimentInput).mutation(async ({ ctx, input }) => found(await updateExperiment(ctx.deps.db.prisma, ctx.project.id, input.id, input.change, actor(ctx)))),

  start: write.input(startExperimentInput).mutation(async ({ ctx, input }) => found(await startExperiment(store(ctx), ctx.project.id, input.id, actor(ctx), input.startedAt))),

  pause: write.input(experimentIdInput).mutation(async ({ ctx, input }) => found(await pauseExperiment(store(ctx), ctx.project.id, input.id, actor(ctx)))),

  resume: write.input(experimentIdInput).mutation(async ({ ctx, input }) => found(await resumeExperiment(store(ctx), ctx.project.id, input.id, actor(ctx)))),

  /** Declares the winner, ends the window and rolls the winner out to 100% through the flag. */
  complete: write.input(completeExperimentInput).mutation(async ({ ctx, input }) => found(await completeExperiment(store(ctx), ctx.project.id, input.id, input.winner, actor(ctx)))),

  /** The same step under the name the issue uses. */
  declareWinner: write.input(completeExperimentInput).mutation(async ({ ctx, input }) => found(await completeExperiment(store(ctx), ctx.project.id, input.id, input.winner, actor(ctx)))),

  results: read.input(resultsInput).query(async ({ ctx, input }) => {
    const e = found(await getExperiment(ctx.deps.db.prisma, ctx.project.id, { id: input.id }));
    return experimentResults(ctx.deps.db.pool, ctx.project.id, e, { asOf: input.asOf });
  }),

  /** Users per variant (and in all) from the power calculator, for the setup wizard. */
  sampleSize: read.input(sampleSizeInputSchema).query(({ input }) => sampleSize(input)),

  /** Product surfaces: the person's variant (the flag's evaluation); records an exposure while the experiment runs. */
  getVariant: read.input(getVariantInput).mutation(({ ctx, input }) => getVariant(ctx.deps, ctx.project.id, input, { ip: ctx.ip, userAgent: ctx.userAgent })),

  /** Product surfaces: records a conversion event (with `value` as its revenue) through ingest. */
  trackConversion: read.input(trackConversionInput).mutation(({ ctx, input }) => trackConversion(ctx.deps, ctx.project.id, input, { ip: ctx.ip, userAgent: ctx.userAgent })),
});
