import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { activeVersion, getVersion, promote, rollback } from "../../../ml/registry/registry";
import { audit } from "../../auth/audit";
import {
  forecastTarget,
  forecastWindow,
  FORECAST_KIND,
  listTargets,
  queryTarget,
  readSeries,
  resolveTarget,
  summarizeVersion,
  targetId,
  TargetNotFoundError,
  trainingJobState,
  versionHistory,
} from "../../forecasts";
import { projectForQuery } from "../../forecasts/project";
import { enqueue } from "../../jobs/queue";
import { trendsQuery } from "../../query/schema/trends";
import type { Deps } from "../../deps";
import { analystProcedure, router, viewerProcedure } from "../init";

// ---- inputs (one schema each) --------------------------------------------------------------

export const forecastInput = forecastWindow.extend({ target: targetId }).strict();
export const insightForecastInput = forecastWindow.extend({ insightId: z.uuid() }).strict();
export const queryForecastInput = forecastWindow.extend({ query: trendsQuery }).strict();
export const targetInput = z.object({ target: targetId }).strict();
export const versionInput = z.object({ versionId: z.uuid() }).strict();
export const retrainInput = z.object({ target: targetId.optional() }).strict();
export const jobInput = z.object({ jobId: z.string().regex(/^\d{1,18}$/, "jobId is a job number") }).strict();

// ---- helpers -------------------------------------------------------------------------------

async function project(deps: Deps, id: string) {
  const p = await projectForQuery(deps.db.pool, id);
  if (!p) throw new TRPCError({ code: "NOT_FOUND", message: "No such project" });
  return p;
}

async function target(deps: Deps, projectId: string, id: string) {
  try {
    return await resolveTarget(deps.db.pool, projectId, id);
  } catch (err) {
    if (err instanceof TargetNotFoundError) throw new TRPCError({ code: "NOT_FOUND", message: err.message });
    throw err;
  }
}

/** A version of this project's forecasts, or 404. */
async function ownVersion(deps: Deps, projectId: string, versionId: string) {
  const v = await getVersion(deps.db.pool, versionId);
  if (!v || v.projectId !== projectId || v.kind !== FORECAST_KIND) throw new TRPCError({ code: "NOT_FOUND", message: "No such forecast model version in this project" });
  return v;
}

// ---- router --------------------------------------------------------------------------------

export const forecastsRouter = router({
  /** Every target with a 28-day sparkline and its active version's accuracy. */
  targets: viewerProcedure.query(async ({ ctx }) => {
    const pool = ctx.deps.db.pool;
    const p = await project(ctx.deps, ctx.project.id);
    const now = new Date();
    const targets = await listTargets(pool, p.id, { now });
    return Promise.all(
      targets.map(async (t) => {
        const [spark, active] = await Promise.all([
          readSeries(pool, p, t, { historyDays: 28, now }),
          activeVersion(pool, { projectId: p.id, kind: FORECAST_KIND, target: t.id }),
        ]);
        return { id: t.id, kind: t.kind, label: t.label, description: t.description, unit: t.unit, sparkline: spark.values, active: active ? summarizeVersion(active) : null };
      }),
    );
  }),

  /** History, forecast with 80/95% bands, the active version with backtest and live accuracy. */
  forecast: viewerProcedure.input(forecastInput).query(async ({ ctx, input }) => {
    const p = await project(ctx.deps, ctx.project.id);
    const t = await target(ctx.deps, p.id, input.target);
    return forecastTarget(ctx.deps.db.pool, p, t, { horizon: input.horizon, historyDays: input.historyDays }, new Date());
  }),

  /** The same for a saved trends insight (the "forecast" toggle on its chart). */
  insightForecast: viewerProcedure.input(insightForecastInput).query(async ({ ctx, input }) => {
    const p = await project(ctx.deps, ctx.project.id);
    const t = await target(ctx.deps, p.id, `insight:${input.insightId}`);
    return forecastTarget(ctx.deps.db.pool, p, t, { horizon: input.horizon, historyDays: input.historyDays }, new Date());
  }),

  /** The same for an unsaved trends query (the toggle while editing an insight); no model versions. */
  queryForecast: viewerProcedure.input(queryForecastInput).query(async ({ ctx, input }) => {
    const p = await project(ctx.deps, ctx.project.id);
    return forecastTarget(ctx.deps.db.pool, p, queryTarget(input.query), { horizon: input.horizon, historyDays: input.historyDays }, new Date());
  }),

  /** Model history of a target, newest first, with progress of a running training. */
  history: viewerProcedure.input(targetInput).query(async ({ ctx, input }) => {
    await target(ctx.deps, ctx.project.id, input.target);
    return versionHistory(ctx.deps.db.pool, ctx.project.id, input.target);
  }),

  /** Makes a ready version active by hand (an override: it need not beat the active one). */
  promote: analystProcedure.input(versionInput).mutation(async ({ ctx, input }) => {
    const v = await ownVersion(ctx.deps, ctx.project.id, input.versionId);
    const r = await promote(ctx.deps.db.pool, v.id, { force: true });
    if (!r.promoted) throw new TRPCError({ code: "BAD_REQUEST", message: `versionId: version ${v.version} cannot be promoted (${r.reason})` });
    await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "forecast.promoted", targetType: "model_version", targetId: v.id, details: { target: v.target, version: v.version }, ip: ctx.ip });
    return { promoted: true, version: v.version };
  }),

  /** Re-activates the version that was active before the current one. */
  rollback: analystProcedure.input(targetInput).mutation(async ({ ctx, input }) => {
    await target(ctx.deps, ctx.project.id, input.target);
    try {
      const r = await rollback(ctx.deps.db.pool, { projectId: ctx.project.id, kind: FORECAST_KIND, target: input.target });
      await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "forecast.rolled_back", targetType: "forecast_target", targetId: input.target, details: r, ip: ctx.ip });
      return r;
    } catch (err) {
      const message = (err as Error).message;
      if (message.startsWith("rollback:")) throw new TRPCError({ code: "BAD_REQUEST", message: `target: ${message.slice(10)}` });
      throw err;
    }
  }),

  /** Enqueues train_forecasts for this project (one target or all); answers with the job id. */
  retrain: analystProcedure.input(retrainInput).mutation(async ({ ctx, input }) => {
    if (input.target) await target(ctx.deps, ctx.project.id, input.target);
    const job = await enqueue(
      ctx.deps.db.pool,
      "train_forecasts",
      { projectId: ctx.project.id, ...(input.target ? { target: input.target } : {}) },
      { jobKey: `train_forecasts:${ctx.project.id}:${input.target ?? "*"}` },
    );
    return { jobId: job.id };
  }),

  /** Where a retrain job is, and the target's newest version (its progress while training). */
  progress: viewerProcedure.input(jobInput.extend({ target: targetId.optional() }).strict()).query(async ({ ctx, input }) => {
    const job = await trainingJobState(ctx.deps.db.pool, input.jobId);
    const latest = input.target ? ((await versionHistory(ctx.deps.db.pool, ctx.project.id, input.target))[0] ?? null) : null;
    return { jobId: input.jobId, ...job, latest };
  }),
});
